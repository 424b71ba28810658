package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** What travels on {@code hxo.shard.tasks} and {@code hxo.shard.results}, in batches. */
public final class ShardWork {
    public static final String TASKS = "hxo.shard.tasks";
    public static final String RESULTS = "hxo.shard.results";

    private ShardWork() {
    }

    /** One shard to run. {@code index} is the shard's slot in its plan (its place among the leaves). */
    public record Task(String stageId, int index, String casId, String kind, String executor,
            String executorVersion, JsonNode inputs, int attempt, long timeoutMs) {
    }

    /**
     * Tasks of one plan. {@code maxExecuting}: how many of the plan's shards may execute at once across
     * all workers (the plan's concurrency limit, adaptive under ALIR); workers enforce it. 0: no limit.
     */
    public record TaskBatch(String planId, String hashAlg, List<Task> tasks, int maxExecuting) {
    }

    /**
     * The outcome of one attempt. A failed attempt has an {@code error} and no digest; a timed-out one
     * also has {@code timedOut}. {@code startedAt} is the worker's clock (epoch ms) when it began.
     * {@code reused}: the worker found the shard's result already stored and did not run it again
     * (a redelivered task); the output is then left out.
     */
    public record Result(String stageId, int index, String casId, boolean ok, String outputDigest, JsonNode output,
            String error, boolean timedOut, long startedAt, long durationMs, int attempt, String worker,
            boolean reused) {
    }

    public record ResultBatch(String planId, List<Result> results) {
    }
}
