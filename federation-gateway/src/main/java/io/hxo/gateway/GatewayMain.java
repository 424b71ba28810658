package io.hxo.gateway;

import io.hxo.runtime.config.ServiceLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Set;

@QuarkusMain
public class GatewayMain {
    public static void main(String... args) {
        ServiceLauncher.checkEnvironmentOrExit("federation-gateway", Set.of("ADMIRAL_TOKEN"));
        Quarkus.run(args);
    }
}
