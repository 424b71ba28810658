package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Commands and queries that cross from the gateway to the services. The record is the event data;
 * the constant is the CloudEvent {@code type}. Commands about one plan are keyed by its id, so they
 * reach the planner instance that owns it.
 */
public final class Commands {
    public static final String PLAN_SUBMIT = "hxo.plan.submit";
    public static final String PLAN_START = "hxo.plan.start";
    public static final String PLAN_STATUS = "hxo.plan.status";
    public static final String PLAN_LIST = "hxo.plan.list";
    public static final String PLAN_REPORT = "hxo.plan.report";
    public static final String PLAN_PROOF = "hxo.plan.proof";
    public static final String PLAN_ABORT = "hxo.plan.abort";
    public static final String PLAN_REPLAY = "hxo.plan.replay";
    /**
     * A completed plan's stored results, for ARIE's integrity check: {@link LeavesQuery} → one page of
     * {@link StoredLeaves}; follow {@code next} until it is null.
     */
    public static final String PLAN_LEAVES = "hxo.plan.leaves";
    /** A page of a plan's shards (stage, index, CAS id, state, attempts, duration, output digest, last error). */
    public static final String PLAN_SHARDS = "hxo.plan.shards";
    /** A validator missing leaves of a plan asks its owner to announce them again on {@code hxo.shard.done}. */
    public static final String PLAN_RESEND_LEAVES = "hxo.plan.resend-leaves";
    public static final String DEPLOYMENTS = "hxo.deployments.list";
    /**
     * The files a deployment packed, found by its manifest root (the Merkle root of its
     * {@code deploy.pack} plan), for ARIE's workspace rules: {@link DeploymentFilesQuery} → one page
     * of {@link DeploymentFiles}; follow {@code next} until it is null.
     */
    public static final String DEPLOYMENT_FILES = "hxo.deployments.files";
    /** Sent to every partition: each planner instance that owns one drains (or resumes) itself. */
    public static final String DRAIN = "hxo.planner.drain";
    public static final String RESUME = "hxo.planner.resume";
    public static final String ROLLBACK = "hxo.deployments.rollback";
    /**
     * Run this service's pending Flyway migrations now (answered by each service on its own command
     * topic with {@link Migrated}). Flyway holds a PostgreSQL advisory lock while it migrates, so
     * instances never migrate a schema at the same time.
     */
    public static final String SYSTEM_MIGRATE = "hxo.system.migrate";
    public static final String REPLY_SUFFIX = ".reply";

    private Commands() {
    }

    /**
     * Create a plan (and start it when {@code start}). The plan travels as the client sent it, so the
     * planner alone decides what is valid and reports field paths as the client wrote them.
     */
    public record SubmitPlan(String planId, JsonNode plan, boolean start, String requestedBy) {
    }

    /** A command or query about one plan (status, start, report, abort, replay). */
    public record PlanQuery(String planId) {
    }

    /** Plans, newest first; {@code before} pages by creation time (an ISO instant). */
    public record ListPlans(String status, int limit, String before) {
    }

    /**
     * Roll back to a deployment: a new plan (id chosen by the sender, so the command reaches the
     * instance that will own it) re-applies the deployment's recorded work.
     */
    public record Rollback(String deploymentId, String planId, String requestedBy) {
    }

    /** The inclusion proof of one shard of a finished plan. */
    public record ProofQuery(String planId, String casId) {
    }

    /**
     * A page of a plan's stored leaves: from Merkle position {@code from} (null: 0), at most
     * {@code limit} (null or above {@link #MAX_LEAVES_PAGE}: that many). A reply record stays well
     * inside the reply topic's record limit.
     */
    /**
     * {@link #PLAN_SHARDS}: shards in Merkle order after position {@code after} (exclusive; null: from
     * the start), at most {@code limit}, of one {@code state} ({@code pending}, {@code done},
     * {@code failed}; null: any) and one {@code stage} (null: any).
     */
    public record ShardsQuery(String planId, String state, String stage, Integer after, Integer limit) {
    }

    /** The most shards one page carries. */
    public static final int MAX_SHARDS_PAGE = 1_000;

    /**
     * One shard as the stores hold it: its stage, its slot ({@code index}), its place among the leaves
     * ({@code position}, the cursor), its CAS id, state, attempts, how long its successful attempt ran,
     * its output digest and whether it was served from the store, and the last error of a failed one.
     */
    public record ShardRow(String stage, int index, int position, String casId, String state, int attempts,
            Integer durationMs, String outputDigest, boolean cached, String error) {
    }

    /** A page of shards; {@code next} is the cursor of the page after, null on the last. */
    public record ShardPage(String planId, int total, List<ShardRow> shards, Integer next) {
    }

    /**
     * {@link #PLAN_RESEND_LEAVES}: the leaves at Merkle positions {@code from} (inclusive, null: 0) to
     * {@code to} (exclusive, null: the end) of a plan that has a root, announced again.
     */
    public record ResendLeaves(String planId, Integer from, Integer to) {
    }

    public record LeavesQuery(String planId, Integer from, Integer limit) {
    }

    public static final int MAX_LEAVES_PAGE = 5_000;

    /** A page of a deployment's files: from position {@code from} (null: 0) in path order. */
    public record DeploymentFilesQuery(String manifestRoot, Integer from) {
    }

    /**
     * Files per page, and the file content per page: a reply stays well inside the reply topic's
     * record limit (content travels base64-encoded). A file larger than the content budget travels
     * without its content ({@code content} null); so does one whose artifact is gone ({@code missing}).
     */
    public static final int MAX_FILES_PAGE = 1_000;
    public static final int MAX_FILES_PAGE_CONTENT_BYTES = 2 * 1024 * 1024;

    public record DeploymentFiles(String deploymentId, String planId, String manifestRoot, int total,
            List<DeploymentFile> files, Integer next) {
    }

    /** One packed file: its path in the deployment, size, artifact digest, and content (base64) when sent. */
    public record DeploymentFile(String path, long size, String digest, String content, boolean missing) {
    }

    /** A service's answer to {@link #SYSTEM_MIGRATE}: its schema version after migrating. */
    public record Migrated(String service, String instance, String schemaVersion, int migrationsApplied) {
    }

    /**
     * Every leaf of a completed plan in Merkle order, as the result store holds it now: its cas id,
     * the digest of the stored result row (null when the row is gone), the digest its checkpoint
     * recorded when it ran, and the artifacts of that result missing from the artifact store. One
     * page of them: {@code total} leaves in all, {@code next} the position of the next page (null
     * after the last).
     */
    public record StoredLeaves(String planId, String hashAlg, int total, List<StoredLeaf> leaves, Integer next) {
    }

    public record StoredLeaf(int index, String casId, String resultDigest, String checkpointDigest,
            List<String> missingArtifacts) {
    }
}
