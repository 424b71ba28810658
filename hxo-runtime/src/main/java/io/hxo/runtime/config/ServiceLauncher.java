package io.hxo.runtime.config;

import java.util.List;
import java.util.Set;

/**
 * The first thing each service's main method does: check the environment against the
 * {@link EnvCatalog} and, on a bad value, print one line per problem and exit with status 2.
 */
public final class ServiceLauncher {
    private ServiceLauncher() {
    }

    /** Returns normally when the environment is usable; otherwise exits the JVM. */
    public static void checkEnvironmentOrExit(String service, Set<String> required) {
        List<String> problems = EnvCatalog.problems(System.getenv(), required);
        if (!problems.isEmpty()) {
            problems.forEach(p -> System.err.println(service + ": configuration error: " + p));
            System.exit(2);
        }
    }
}
