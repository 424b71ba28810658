package io.hxo.planner.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import io.smallrye.config.WithName;

/** The planner's settings; environment variables map onto them ({@code HXO_MAX_SHARDS} → {@code hxo.max-shards}). */
@ConfigMapping(prefix = "hxo")
public interface PlannerConfig {

    @WithName("instance-id")
    String instanceId();

    @WithDefault("true")
    boolean enabled();

    /** Upper bound on shards in one plan ({@code HXO_MAX_SHARDS}). */
    @WithDefault("1000000")
    int maxShards();

    /** Shards in flight per plan unless the plan asks for fewer ({@code HXO_MAX_CONCURRENCY}). */
    @WithDefault("64")
    int maxConcurrency();

    @WithDefault("15000")
    long shardTimeoutMs();

    @WithDefault("5")
    int healDepthLimit();

    @WithDefault("true")
    boolean quantumHashing();

    @WithDefault("1000")
    long heartbeatIntervalMs();

    Checkpoint checkpoint();

    Dispatch dispatch();

    interface Checkpoint {
        /** Results folded into one checkpoint transaction at most. */
        @WithDefault("2000")
        int batchSize();
    }

    interface Dispatch {
        /** Shards per task message on {@code hxo.shard.tasks}. */
        @WithDefault("64")
        int batchSize();
    }
}
