package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * The bodies of the planner's answers on {@code hxo.commands.reply} that the gateway passes on to
 * its clients (the status is {@link PlanStatus}, a proof {@link io.hxo.contracts.merkle.InclusionProof}).
 * They are the shapes the gateway's OpenAPI document promises, so a field the planner adds to an
 * answer belongs here too.
 */
public final class PlanReplies {
    private PlanReplies() {
    }

    /** {@link Commands#PLAN_SUBMIT}, {@link Commands#PLAN_START} and {@link Commands#ROLLBACK}: 202 (200 for a duplicate). */
    @Schema(name = "PlanAccepted", description = "A plan was created (and started when status is running)")
    public record Accepted(@Schema(required = true, format = "uuid") String planId,
            @Schema(required = true, description = "accepted (created, not started) or running; a duplicate's own"
                    + " status", examples = "running") String status,
            @Schema(required = true, examples = "1") long totalShards,
            @Schema(required = true, examples = "sha3-256") String hashAlg,
            @Schema(description = "true when a plan with the same id or idempotency key already existed")
            Boolean duplicate) {
    }

    /** {@link Commands#PLAN_LIST}. */
    @Schema(name = "PlanPage", description = "Plans, newest first; pass next_before as before for the next page")
    public record Page(@Schema(required = true) List<Summary> plans,
            @Schema(description = "Present when there may be more") String nextBefore) {
    }

    @Schema(name = "PlanSummary")
    public record Summary(@Schema(required = true, format = "uuid") String planId, String name,
            @Schema(required = true) String status, long totalShards, long done, long failed, String merkleRoot,
            Instant createdAt, Instant finishedAt) {
    }

    /** {@link Commands#PLAN_REPORT}. */
    @Schema(name = "PlanReport", description = "A plan's final report: its status, how long it ran, the shards that"
            + " failed for good, splits, and the plan as run")
    public record Report(@Schema(required = true) PlanStatus status, Long durationMs,
            @Schema(required = true) List<Failure> failures, int splits,
            @Schema(ref = "Plan", description = "The plan as it was submitted") JsonNode plan) {
    }

    @Schema(name = "ShardFailure", description = "A shard that failed for good")
    public record Failure(int slot, String stageId, String casId, int attempts, String error) {
    }

    /** {@link Commands#PLAN_ABORT}. */
    @Schema(name = "PlanAborted")
    public record Aborted(@Schema(required = true, format = "uuid") String planId,
            @Schema(required = true, examples = "aborted") String status) {
    }

    /** {@link Commands#PLAN_REPLAY}: 202. */
    @Schema(name = "PlanReplayed")
    public record Replayed(@Schema(required = true, format = "uuid") String planId,
            @Schema(required = true, examples = "running") String status,
            @Schema(description = "Shards whose results are kept") long keptShards,
            @Schema(description = "Shards that run again") long rerunShards) {
    }

    /** {@link Commands#DEPLOYMENTS}. */
    @Schema(name = "RollbackPoints")
    public record RollbackPoints(@Schema(required = true) List<RollbackPoint> rollbackPoints) {
    }

    @Schema(name = "RollbackPoint", description = "A finished deployment that can be rolled back to")
    public record RollbackPoint(@Schema(required = true, format = "uuid") String deploymentId,
            @Schema(format = "uuid") String planId, String name, String merkleRoot,
            @Schema(ref = "Certificate") JsonNode certificate,
            @Schema(format = "uuid", description = "The deployment this one rolled back to, if it was a rollback")
            String rollbackOf, String hookStatus, Instant finishedAt) {
    }
}
