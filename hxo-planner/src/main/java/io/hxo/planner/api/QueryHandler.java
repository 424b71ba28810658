package io.hxo.planner.api;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.planner.checkpoint.CheckpointStore;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.checkpoint.ResultStore;
import io.hxo.planner.deploy.DeploymentStore;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.query.PlanQueries;
import io.hxo.planner.query.ShardListing;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The queries on {@code hxo.commands} (status, list, report, proof, leaves, deployments, ping),
 * answered on query threads of their own from the database and the owner's snapshots: a read never
 * waits behind the owner's batches of results, and never changes a run.
 */
@ApplicationScoped
public class QueryHandler {
    static final Set<String> TYPES = Set.of(Commands.PLAN_STATUS, Commands.PLAN_LIST, Commands.PLAN_REPORT,
            Commands.PLAN_PROOF, Commands.PLAN_LEAVES, Commands.PLAN_RESEND_LEAVES, Commands.DEPLOYMENT_FILES,
            Commands.DEPLOYMENTS, Commands.PLAN_SHARDS, Ping.TYPE);
    /** Query threads: reads of the database and CPU for trees; a handful keeps a burst of reads moving. */
    static final int THREADS = 4;

    private final PlanQueries queries;
    private final ShardListing shards;
    private final PlanStore plans;
    private final CheckpointStore checkpoints;
    private final ResultStore results;
    private final DeploymentStore deployments;
    private final ArtifactStore artifacts;
    private final HxoPublisher publisher;
    private final ExecutorService threads;

    public QueryHandler(PlanQueries queries, ShardListing shards, PlanStore plans, CheckpointStore checkpoints, ResultStore results,
            DeploymentStore deployments, ArtifactStore artifacts, HxoPublisher publisher) {
        this.queries = queries;
        this.shards = shards;
        this.plans = plans;
        this.checkpoints = checkpoints;
        this.results = results;
        this.deployments = deployments;
        this.artifacts = artifacts;
        this.publisher = publisher;
        AtomicInteger n = new AtomicInteger();
        this.threads = Executors.newFixedThreadPool(THREADS, r -> {
            Thread t = new Thread(r, "hxo-query-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent ev) {
        threads.shutdownNow();
    }

    static boolean handles(String type) {
        return TYPES.contains(type);
    }

    /** Answers on a query thread; returns at once. */
    void answer(CloudEvent ev) {
        threads.execute(() -> publisher.reply(Topic.HXO_COMMANDS, ev, Replies.guarded(ev, () -> reply(ev))));
    }

    private Reply reply(CloudEvent ev) throws PlanRejected {
        return switch (ev.type()) {
            case Commands.PLAN_STATUS -> {
                UUID planId = Replies.uuid(ev.dataAs(Commands.PlanQuery.class).planId());
                yield queries.status(planId).map(s -> Reply.ok(200, s)).orElseGet(() -> Replies.notFound(planId));
            }
            case Commands.PLAN_LIST -> list(ev.dataAs(Commands.ListPlans.class));
            case Commands.PLAN_REPORT -> {
                UUID planId = Replies.uuid(ev.dataAs(Commands.PlanQuery.class).planId());
                yield queries.report(planId).map(r -> Reply.ok(200, r)).orElseGet(() -> Replies.notFound(planId));
            }
            case Commands.PLAN_PROOF -> proof(ev.dataAs(Commands.ProofQuery.class));
            case Commands.PLAN_SHARDS -> shards(ev.dataAs(Commands.ShardsQuery.class));
            case Commands.PLAN_LEAVES -> leaves(ev.dataAs(Commands.LeavesQuery.class));
            case Commands.PLAN_RESEND_LEAVES -> resendLeaves(ev.dataAs(Commands.ResendLeaves.class));
            case Commands.DEPLOYMENT_FILES -> deploymentFiles(ev.dataAs(Commands.DeploymentFilesQuery.class));
            case Commands.DEPLOYMENTS -> Reply.ok(200, Map.of("rollback_points", deployments.list(100)));
            case Ping.TYPE -> Reply.ok(200, new Ping.Pong(publisher.source(), Instant.now()));
            default -> throw new IllegalArgumentException("not a query: " + ev.type());
        };
    }

    private Reply list(Commands.ListPlans q) {
        int limit = q.limit() <= 0 ? 50 : Math.min(q.limit(), 500);
        Instant before;
        try {
            before = q.before() == null || q.before().isBlank() ? null : Instant.parse(q.before());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("before must be an ISO-8601 instant, got \"" + q.before() + "\"");
        }
        List<PlanStore.PlanSummary> found = plans.list(q.status(), limit, before);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plans", found);
        if (found.size() == limit) {
            body.put("next_before", found.get(found.size() - 1).createdAt().toString());
        }
        return Reply.ok(200, body);
    }

    /** The plan with a root, or the problem that it is unknown or has none yet. */
    private Reply withRoot(UUID planId, String what, Replies.Work then) throws PlanRejected {
        PlanStore.StoredPlan p = plans.plan(planId).orElse(null);
        if (p == null) {
            return Replies.notFound(planId);
        }
        if (!PlanState.fromWire(p.status()).hasRoot()) {
            return Reply.problem(Problem.of(409, "no-root-yet", "No root yet",
                    "plan " + planId + " is " + p.status() + "; " + what + " once it has completed"));
        }
        return then.reply();
    }

    private Reply proof(Commands.ProofQuery q) throws PlanRejected {
        UUID planId = Replies.uuid(q.planId());
        if (!Hex.isHash(q.casId())) {
            throw new IllegalArgumentException("cas_id must be 64 lowercase hex characters");
        }
        return withRoot(planId, "proofs exist", () -> queries.proof(planId, q.casId()).map(proof -> Reply.ok(200, proof))
                .orElseGet(() -> Reply.problem(Problem.of(404, "leaf-not-found", "Shard not in plan",
                        "plan " + planId + " has no completed shard " + q.casId()))));
    }

    private Reply shards(Commands.ShardsQuery q) throws PlanRejected {
        UUID planId = Replies.uuid(q.planId());
        int limit = q.limit() == null ? 100 : q.limit();
        if (limit < 1 || limit > Commands.MAX_SHARDS_PAGE || (q.after() != null && q.after() < -1)) {
            throw new IllegalArgumentException("limit must be 1 to " + Commands.MAX_SHARDS_PAGE + " and after -1 or more");
        }
        return shards.page(planId, blankToNull(q.state()), blankToNull(q.stage()), q.after() == null ? -1 : q.after(), limit)
                .map(page -> Reply.ok(200, page)).orElseGet(() -> Replies.notFound(planId));
    }

    private static String blankToNull(String s) {
        return s == null || s.isBlank() ? null : s;
    }

    /** A completed plan's stored results in Merkle order (ARIE's integrity check). */
    private Reply leaves(Commands.LeavesQuery q) throws PlanRejected {
        UUID planId = Replies.uuid(q.planId());
        int from = q.from() == null ? 0 : q.from();
        int limit = q.limit() == null ? Commands.MAX_LEAVES_PAGE : Math.min(q.limit(), Commands.MAX_LEAVES_PAGE);
        if (from < 0 || limit < 1) {
            return Reply.problem(Problem.of(400, "invalid-command", "Invalid command",
                    "from must be 0 or more and limit 1 or more"));
        }
        return withRoot(planId, "its leaves are final", () -> Reply.ok(200, queries.storedLeaves(planId, from, limit)));
    }

    /** Announces a plan's leaves again for a validator that lacks some (a broker outage, a late start). */
    private Reply resendLeaves(Commands.ResendLeaves q) throws PlanRejected {
        UUID planId = Replies.uuid(q.planId());
        return withRoot(planId, "its leaves are announced as they settle", () -> Reply.ok(202, Map.of(
                "plan_id", planId.toString(), "leaves", queries.resendLeaves(planId, q.from() == null ? 0 : q.from(),
                        q.to() == null ? Integer.MAX_VALUE : q.to()))));
    }

    /** The manifest of a deployment's packed files: its checkpointed leaves' deploy.pack results. */
    private List<ResultStore.PackedEntry> packedFiles(UUID planId) {
        List<byte[]> casIds = new ArrayList<>();
        checkpoints.readLeaves(planId, leaf -> casIds.add(leaf.casId()));
        return results.packedFiles(casIds);
    }

    private Reply deploymentFiles(Commands.DeploymentFilesQuery q) {
        String root = q == null || q.manifestRoot() == null ? "" : q.manifestRoot().toLowerCase(java.util.Locale.ROOT);
        if (!root.matches("[0-9a-f]{64}")) {
            return Reply.problem(Problem.of(400, "invalid-command", "Invalid command",
                    "manifest_root must be the 64 hex characters of a deployment's Merkle root"));
        }
        int from = q.from() == null ? 0 : q.from();
        if (from < 0) {
            return Reply.problem(Problem.of(400, "invalid-command", "Invalid command", "from must be 0 or more"));
        }
        DeploymentStore.Deployment d = deployments.findByRoot(root).orElse(null);
        if (d == null) {
            return Reply.problem(Problem.of(404, "deployment-not-found", "Deployment not found",
                    "no deployment has the manifest root " + root));
        }
        // The manifest is read once per pass (at from = 0), not again for every page that follows.
        PackedManifest manifest = lastManifest;
        if (manifest == null || !manifest.planId().equals(d.planId()) || from == 0) {
            manifest = new PackedManifest(d.planId(), packedFiles(d.planId()));
            lastManifest = manifest;
        }
        List<ResultStore.PackedEntry> all = manifest.files();
        List<Commands.DeploymentFile> page = new java.util.ArrayList<>();
        long budget = Commands.MAX_FILES_PAGE_CONTENT_BYTES;
        int i = from;
        for (; i < all.size() && page.size() < Commands.MAX_FILES_PAGE; i++) {
            ResultStore.PackedEntry e = all.get(i);
            boolean sendable = e.size() <= Commands.MAX_FILES_PAGE_CONTENT_BYTES;
            if (sendable && e.size() > budget && !page.isEmpty()) {
                break; // it goes first on the next page, with its content
            }
            String content = null;
            boolean present;
            if (sendable) {
                try {
                    byte[] bytes = artifacts.read(e.digest());
                    content = java.util.Base64.getEncoder().encodeToString(bytes);
                    budget -= bytes.length;
                    present = true;
                } catch (java.io.IOException gone) {
                    present = false;
                }
            } else {
                present = artifacts.exists(e.digest());
            }
            page.add(new Commands.DeploymentFile(e.path(), e.size(), e.digest(), content, !present));
        }
        return Reply.ok(200, new Commands.DeploymentFiles(d.deploymentId().toString(), d.planId().toString(), root,
                all.size(), page, i < all.size() ? i : null));
    }

    /** The last deployment's manifest asked for, kept for the pages after the first. */
    private record PackedManifest(UUID planId, List<ResultStore.PackedEntry> files) {
    }

    private volatile PackedManifest lastManifest;

}
