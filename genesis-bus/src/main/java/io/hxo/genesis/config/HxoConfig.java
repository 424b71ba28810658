package io.hxo.genesis.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** The suite-wide settings genesis-bus reads (SPEC section 7). */
@ConfigMapping(prefix = "hxo")
public interface HxoConfig {
    String instanceId();

    @WithDefault("10000")
    int eventCacheLimit();

    @WithDefault("1000")
    long heartbeatIntervalMs();

    /** {@code HXO_ZERO_TRUST}: refused records are dead-lettered and alerted on. */
    @WithDefault("true")
    boolean zeroTrust();
}
