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

    /** One Merkle leaf: the shard's position, content address and output digest. */
    public record Leaf(int index, String casId, String outputDigest, boolean cached) {
    }

    /** {@code hxo.shard.created}: a stage was partitioned into shards. */
    public record ShardsCreated(String planId, String stageId, int firstIndex, int count) {
    }

    /** {@code hxo.shard.done}: a batch of shards checkpointed; carries the leaves validators fold. */
    public record ShardsDone(String planId, List<Leaf> leaves) {
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
