package io.hxo.genesis;

import io.hxo.runtime.config.ServiceLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Set;

@QuarkusMain
public class GenesisMain {
    public static void main(String... args) {
        ServiceLauncher.checkEnvironmentOrExit("genesis-bus", Set.of());
        Quarkus.run(args);
    }
}
