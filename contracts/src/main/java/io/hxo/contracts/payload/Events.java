package io.hxo.contracts.payload;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** Event payloads of the catalog's event topics. */
public final class Events {
    private Events() {
    }

    /** Validators ignore an {@code hxo.aggregate.ready} older than this: its round is long decided. */
    public static final java.time.Duration VOTE_WINDOW = java.time.Duration.ofMinutes(2);

    /** {@code hxo.plan}: a plan changed state. */
    public record PlanChanged(String planId, String name, String status, long totalShards, String merkleRoot,
            String hashAlg, Instant at) {
    }

    /**
     * One Merkle leaf: the shard's slot, content address and output digest. Leaves are ordered by
     * {@code order} compared element by element: the stage's position in the plan, the original
     * shard's index in its stage, then, for shards produced by autosplit, the child positions down
     * the split tree; so children take their parent's place.
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

    /**
     * {@code hxo.aggregate.ready}: every leaf is in; the planner's root awaits the validators.
     * {@code startedAt} bounds where a validator reading the topics has to start.
     */
    public record AggregateReady(String planId, String merkleRoot, long leafCount, String hashAlg, Instant startedAt) {
    }

    /**
     * {@code hxo.aggregate.vote}: one validator's independently computed root for a plan. {@code root}
     * is null when the validator could not compute it (then {@code error} says why).
     */
    public record Vote(String planId, String validator, String instance, String merkleRoot, long leafCount,
            String hashAlg, String error, Instant at) {
    }

    /** A vote as the certificate records it: with the signature and key id the vote was published under. */
    @Schema(name = "Vote", description = "One validator's signed vote, as the certificate records it")
    public record SignedVote(@Schema(examples = "arie-auditor") String validator, String instance,
            @Schema(description = "The root this validator computed; absent when it could not (see error)")
            String merkleRoot, long leafCount, String error, Instant at,
            @Schema(description = "The id of the hxo.aggregate.vote event") String eventId,
            @Schema(description = "The event's hxosig signature") String signature,
            @Schema(description = "The key id (hxokid) it was signed under") String keyId) {
    }

    /**
     * {@code hxo.aggregate.finalized} (a certificate) and {@code hxo.aggregate.failed}: the consensus
     * outcome for a plan. {@code outcome} is {@code certified}, {@code disagreement} or {@code timeout}.
     */
    @Schema(name = "Certificate", description = "A plan's consensus decision: root, size, algorithm, mode and every"
            + " signed vote")
    public record Certificate(@Schema(required = true, format = "uuid") String planId, String merkleRoot,
            long leafCount, @Schema(examples = "sha3-256") String hashAlg,
            @Schema(description = "HARMONIC (every validator agrees) or QUORUM (a majority)", examples = "HARMONIC")
            String mode,
            @Schema(required = true, description = "certified, disagreement or timeout", examples = "certified")
            String outcome, List<SignedVote> votes,
            @Schema(description = "Validators whose vote did not come in time") List<String> missing,
            Instant decidedAt) {
    }

    /** {@code federation.heartbeat}: a service instance is alive; {@code facts} feed ARIE's config rules. */
    public record Heartbeat(String service, String instance, String version, String schemaVersion,
            Instant startedAt, Instant sentAt, Map<String, Double> load, Map<String, Object> facts) {
    }

    /**
     * {@code hxo.audit}: a state-changing call reached the gateway — who (principal and role, or
     * {@code anonymous}), what (method, path, answer status) and when.
     */
    public record AuditRecord(String principal, String role, String method, String path, int status, String client,
            Instant at) {
    }

    /** {@code deploy.platform.start|success|failure}: a deploy platform (or CI) reports a deploy. */
    public record DeployReport(String status, String deploymentId, String service, String commit, String url,
            String message, String reportedBy, Instant at, Platform platform) {
    }

    /**
     * Where a reported deploy landed, so a rollback can roll the platform back to it: the platform
     * ({@code render} or {@code netlify}), its service (Render service id, Netlify site id), the
     * platform's deploy id, and the HXO plan whose certified result this deploy shipped.
     */
    public record Platform(String name, String serviceId, String deployId, String planId) {
    }

    /** {@code hxo.alert}. */
    public record Alert(String type, String severity, String planId, String service, String message,
            Map<String, Object> details) {
    }
}
