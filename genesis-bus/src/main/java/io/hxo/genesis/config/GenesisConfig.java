package io.hxo.genesis.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

/** genesis-bus settings. */
@ConfigMapping(prefix = "genesis")
public interface GenesisConfig {

    /** {@code GENESIS_ENABLED}: when false the bus's query routes answer 503. */
    @WithDefault("true")
    boolean enabled();

    Topics topics();

    interface Topics {
        @WithDefault("6")
        int partitions();

        @WithDefault("1")
        short replicationFactor();

        @WithDefault("604800000")
        long eventRetentionMs();

        @WithDefault("86400000")
        long commandRetentionMs();
    }
}
