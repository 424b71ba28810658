package io.hxo.contracts.payload;

import java.time.Instant;
import java.util.List;
import java.util.Map;

/** Event payloads of the catalog's event topics. */
public final class Events {
    private Events() {
    }

    /** {@code hxo.plan}: a plan changed state. */
    public record PlanChanged(String planId, String name, String status, long totalShards, String merkleRoot,
            String hashAlg, Instant at) {
    }

    /**
     * One Merkle leaf: the shard's slot, content address and output digest. Leaves are ordered by
     * {@code order}: the slot of the original shard, then, for shards produced by autosplit, the
     * child positions down the split tree; so children take their parent's place.
     */
    public record Leaf(int index, List<Integer> order, String casId, String outputDigest, boolean cached) {
    }

    /** {@code hxo.shard.created}: a stage was partitioned into shards. */
    public record ShardsCreated(String planId, String stageId, int firstIndex, int count) {
    }

    /** {@code hxo.shard.done}: a batch of shards checkpointed; carries the leaves validators fold. */
    public record ShardsDone(String planId, List<Leaf> leaves) {
    }

    /** {@code hxo.shard.split}: a shard was replaced by children that take its place among the leaves. */
    public record ShardSplit(String planId, String stageId, int parent, String parentCasId, List<Integer> children,
            String reason) {
    }

    /** {@code hxo.shard.failed}: an attempt failed; {@code final} when no attempt is left. */
    public record ShardFailed(String planId, String stageId, int index, String casId, int attempt, boolean last,
            String error) {
    }

    /** {@code hxo.autotune.signal}: what the planner learned or fears (e.g. {@code timeout_risk}, {@code split}). */
    public record AutotuneSignal(String planId, String type, String stageId, Map<String, Object> details) {
    }

    /** {@code hxo.aggregate.ready}: every leaf is in; the planner's root awaits the validators. */
    public record AggregateReady(String planId, String merkleRoot, long leafCount, String hashAlg) {
    }

    /** {@code federation.heartbeat}: a service instance is alive; {@code facts} feed ARIE's config rules. */
    public record Heartbeat(String service, String instance, String version, String schemaVersion,
            Instant startedAt, Instant sentAt, Map<String, Double> load, Map<String, Object> facts) {
    }

    /** {@code hxo.alert}. */
    public record Alert(String type, String severity, String planId, String service, String message,
            Map<String, Object> details) {
    }
}
