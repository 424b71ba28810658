package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;

/** The status document of a plan (SPEC §3), as served at {@code GET /api/hxo/status/{plan_id}}. */
public record PlanStatus(
        String planId,
        String name,
        String status,
        long totalShards,
        ShardCounts shards,
        String merkleRoot,
        String hashAlg,
        JsonNode certificate,
        Instant createdAt,
        Instant startedAt,
        Instant finishedAt,
        Long etaSeconds,
        String error,
        List<StageStatus> stages) {

    public record ShardCounts(long pending, long running, long done, long failed, long cached, long split) {
    }

    public record StageStatus(String id, String kind, String status, long totalShards, ShardCounts shards,
            String root, Long p95Ms) {
    }
}
