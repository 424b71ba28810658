package io.hxo.planner;

import io.hxo.runtime.config.ServiceLauncher;
import io.quarkus.runtime.Quarkus;
import io.quarkus.runtime.annotations.QuarkusMain;
import java.util.Set;

@QuarkusMain
public class PlannerMain {
    public static void main(String... args) {
        ServiceLauncher.checkEnvironmentOrExit("hxo-planner", Set.of());
        Quarkus.run(args);
    }
}
