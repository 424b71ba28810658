package io.hxo.arie;

import io.hxo.runtime.config.ServiceLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Set;

@QuarkusMain
public class ArieMain {
    public static void main(String... args) {
        ServiceLauncher.checkEnvironmentOrExit("arie-auditor", Set.of());
        Quarkus.run(args);
    }
}
