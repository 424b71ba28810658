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

    DlqGrowth dlqGrowth();

    /**
     * The {@code dlq.growth} alert: raised on {@code hxo.alert} when more than {@code threshold} dead
     * letters arrive within {@code window}, then at most once per window while the growth lasts.
     */
    interface DlqGrowth {
        /** {@code GENESIS_DLQ_GROWTH_THRESHOLD}: dead letters within the window that are still normal. */
        @WithDefault("100")
        int threshold();

        /** {@code GENESIS_DLQ_GROWTH_WINDOW_SECONDS}: the window the dead letters are counted over. */
        @WithDefault("300")
        long windowSeconds();
    }

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
