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

    /** {@code HXO_AUTOSPLIT_P95_MS}: a stage whose p95 exceeds this splits its pending shards. */
    @WithDefault("8000")
    long autosplitP95Ms();

    /** {@code HXO_AUTOSPLIT_FACTOR}: children per split. */
    @WithDefault("4")
    int autosplitFactor();

    /** {@code HXO_PREDICTIVE_MODE}: size shards and give ETAs from per-kind history. */
    @WithDefault("true")
    boolean predictiveMode();

    /** {@code HXO_ALIR_ENABLED}: adaptive concurrency instead of the fixed {@link #maxConcurrency()}. */
    @WithDefault("true")
    boolean alirEnabled();

    /** {@code HXO_ZDU_ENABLED}: drain, migrate and resume on request. */
    @WithDefault("true")
    boolean zduEnabled();

    /**
     * {@code HXO_UNDECIDED_CHECK_SECONDS}: how often an owner looks for its completed plans whose
     * consensus decision is overdue, to announce them again; 0 or less turns the check off.
     */
    @WithDefault("30")
    long undecidedCheckSeconds();

    /** {@code HXO_MIGRATION_TIMEOUT}: seconds a migration may drain the planner. */
    @WithDefault("600")
    long migrationTimeout();

    /** {@code HXO_ARTIFACTS_DIR}: the content-addressed artifact store (default {@code .hxo/artifacts}). */
    @WithDefault(".hxo/artifacts")
    String artifactsDir();

    Checkpoint checkpoint();

    Dispatch dispatch();

    Worker worker();

    Pack pack();

    Deploy deploy();

    interface Deploy {
        /** {@code NETLIFY_DEPLOY_HOOK}: called once after each successful deployment. */
        java.util.Optional<String> netlifyHook();
    }

    interface Pack {
        /** {@code HXO_PACK_DEFAULT_SOURCE}: what deploy.pack (and the index kinds) read when a stage names no source. */
        @WithDefault(".")
        String defaultSource();
    }

    Retry retry();

    interface Worker {
        /** Shards one instance runs at once. */
        @WithDefault("16")
        int threads();
    }

    interface Retry {
        /** Backoff before the second attempt; doubled for each further one. */
        @WithDefault("200")
        long baseMs();

        @WithDefault("10000")
        long maxMs();
    }

    interface Checkpoint {
        /** Result messages folded into one checkpoint transaction at most (the owner's poll size). */
        @WithDefault("500")
        int batchSize();
    }

    interface Dispatch {
        /**
         * Most shards per task message on {@code hxo.shard.tasks}. Smaller windows get smaller
         * batches (a sixteenth of the window) so shards spread over the workers.
         */
        @WithDefault("256")
        int batchSize();
    }
}
