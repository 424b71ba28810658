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

    /**
     * {@code HXO_MAX_CONCURRENCY}: shards of one plan executing at once, across all workers (a plan may
     * ask for fewer with {@code constraints.max_concurrency}, never for more). It protects what shards
     * use; it is enforced where they execute.
     */
    @WithDefault("64")
    int maxConcurrency();

    /**
     * {@code HXO_DISPATCH_WINDOW}: tasks of one plan sent without a result yet (a plan may set its own
     * with {@code constraints.dispatch_window}). Flow control, and the bound on what runs again after a
     * crash; not a concurrency limit, so fast shards run at full speed with the default.
     */
    @WithDefault("20000")
    int dispatchWindow();

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

    Predictive predictive();

    interface Predictive {
        /**
         * {@code HXO_PREDICTIVE_TARGET_SHARD_MS}: the duration predictive mode sizes shards for (a plan
         * that fixes the size itself, with {@code chunk_size_mb} or {@code routes_per_shard}, keeps it).
         * A quarter of the default autosplit threshold: a shard is predicted to finish well inside it.
         */
        @WithDefault("2000")
        long targetShardMs();
    }

    /** {@code HXO_ALIR_ENABLED}: adaptive concurrency instead of the fixed {@link #maxConcurrency()}. */
    @WithDefault("true")
    boolean alirEnabled();

    /**
     * {@code HXO_UNDECIDED_CHECK_SECONDS}: how often an owner looks for its completed plans whose
     * consensus decision is overdue, to announce them again; 0 or less turns the check off.
     */
    @WithDefault("30")
    long undecidedCheckSeconds();

    /** How often the owner sweeps its plans for time boxes, SLOs, due retries and lost tasks (ms). */
    @WithDefault("200")
    long sweepMs();

    /** How long a plan taken over from another owner waits for that owner's unrecorded results (ms). */
    @WithDefault("1500")
    long resumeGraceMs();

    /** {@code HXO_MIGRATION_TIMEOUT}: seconds a migration may drain the planner. */
    @WithDefault("600")
    long migrationTimeout();

    /** {@code HXO_ARTIFACTS_DIR}: the artifact directory when {@code HXO_ARTIFACTS_STORE=directory}. */
    @WithDefault(".hxo/artifacts")
    String artifactsDir();

    Artifacts artifacts();

    interface Artifacts {
        /** Where artifacts live. */
        enum Store {
            /** In PostgreSQL: every planner instance reads them, a restart loses none (the default). */
            POSTGRES,
            /** In {@code HXO_ARTIFACTS_DIR}: one instance only, on a disk that persists. */
            DIRECTORY
        }

        /** {@code HXO_ARTIFACTS_STORE}: {@code postgres} or {@code directory}. */
        @WithDefault("postgres")
        Store store();

        /** Blobs no stored result refers to are deleted once they are this old (seconds). */
        @WithDefault("3600")
        long gcGraceSeconds();

        /** How often unreferenced blobs are collected (seconds); 0 turns collection off. */
        @WithDefault("600")
        long gcIntervalSeconds();
    }

    Checkpoint checkpoint();

    Dispatch dispatch();

    Worker worker();

    Pack pack();

    Deploy deploy();

    interface Deploy {
        /** {@code NETLIFY_DEPLOY_HOOK}: called once after each certified deployment. */
        java.util.Optional<String> netlifyHook();

        /** {@code RENDER_API_KEY}: lets a certified rollback roll Render services back to their recorded deploys. */
        java.util.Optional<String> renderApiKey();

        /** {@code HXO_RENDER_API_URL}: Render's API. */
        @WithDefault("https://api.render.com")
        String renderApiUrl();

        /** {@code NETLIFY_AUTH_TOKEN}: lets a certified rollback restore the recorded Netlify deploy. */
        java.util.Optional<String> netlifyAuthToken();

        /** {@code HXO_NETLIFY_API_URL}: Netlify's API. */
        @WithDefault("https://api.netlify.com")
        String netlifyApiUrl();
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
