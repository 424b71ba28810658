package io.hxo.arie.integrity;

import io.hxo.arie.config.ArieConfig;
import java.lang.reflect.Proxy;

/** Configuration for a {@link PlannerClient} built by hand around a stand-in planner. */
public final class StandInConfig {
    private StandInConfig() {
    }

    /** The client reads only its timeout from the configuration. */
    public static ArieConfig withTimeout() {
        return (ArieConfig) Proxy.newProxyInstance(ArieConfig.class.getClassLoader(), new Class<?>[] {ArieConfig.class},
                (proxy, method, args) -> {
                    if (method.getName().equals("federationTimeout")) {
                        return 1000L;
                    }
                    throw new UnsupportedOperationException(method.getName());
                });
    }
}
