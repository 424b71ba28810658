package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** The status document of a plan (SPEC §3), as served at {@code GET /api/hxo/status/{plan_id}}. */
@Schema(name = "PlanStatus", description = "A plan's status: counts per state, Merkle root, certificate, times")
public record PlanStatus(
        @Schema(required = true, format = "uuid") String planId,
        String name,
        @Schema(required = true, description = "accepted, running, completed, certified, certification_failed,"
                + " halted, aborted or timed_out (PlanState)", examples = "certified",
                enumeration = {"accepted", "running", "completed", "certified", "certification_failed", "halted",
                        "aborted", "timed_out"}) String status,
        long totalShards,
        ShardCounts shards,
        @Schema(description = "The plan's Merkle root (hex) once every shard is in") String merkleRoot,
        @Schema(examples = "sha3-256") String hashAlg,
        @Schema(ref = "Certificate", description = "The consensus decision, once there is one")
        JsonNode certificate,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Long etaSeconds,
        String error,
        List<StageStatus> stages) {

    /** The plan's state as the enum every service compares with. */
    public PlanState state() {
        return PlanState.fromWire(status);
    }

    @Schema(name = "ShardCounts", description = "Shards per state")
    public record ShardCounts(long pending, long running, long done, long failed, long cached, long split) {
    }

    @Schema(name = "StageStatus", description = "One stage's state, counts, root and p95 duration")
    public record StageStatus(String id, String kind, String status, long totalShards, ShardCounts shards,
            String root, Long p95Ms) {
    }
}
