package io.hxo.planner.api;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.deploy.DeploymentStore;
import io.hxo.planner.deploy.Deployments;
import io.hxo.planner.execute.PlanOwner;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.plan.PlanValidator;
import io.hxo.planner.plan.ValidatedPlan;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers the commands and queries on {@code hxo.commands}. Called on the owner thread by
 * {@link PlanOwner}, for plans keyed to partitions this instance owns.
 */
@ApplicationScoped
public class CommandHandler {
    private static final List<String> REPLAYABLE = List.of("halted", "aborted", "timed_out");

    @Inject
    PlanValidator validator;
    @Inject
    PlanStore store;
    @Inject
    PlanOwner owner;
    @Inject
    io.hxo.planner.announce.PlanEvents events;
    @Inject
    HxoPublisher publisher;
    @Inject
    PlannerConfig config;
    @Inject
    PlanReports reports;
    @Inject
    DeploymentStore deploymentStore;
    @Inject
    io.hxo.planner.artifact.ArtifactStore artifacts;
    @Inject
    io.hxo.planner.execute.Drainer drainer;
    @Inject
    io.hxo.contracts.schema.SchemaMigrator schema;

    public void handle(CloudEvent ev, int partition) {
        Reply reply;
        Runnable then = null;
        try {
            switch (ev.type()) {
                case Commands.PLAN_SUBMIT -> {
                    Accepted a = submit(ev.dataAs(Commands.SubmitPlan.class), partition);
                    then = a.start();
                    reply = a.reply();
                }
                case Commands.PLAN_START -> {
                    Accepted a = start(uuid(ev.dataAs(Commands.PlanQuery.class).planId()), partition);
                    then = a.start();
                    reply = a.reply();
                }
                case Commands.PLAN_STATUS -> reply = status(uuid(ev.dataAs(Commands.PlanQuery.class).planId()));
                case Commands.PLAN_LIST -> reply = list(ev.dataAs(Commands.ListPlans.class));
                case Commands.PLAN_REPORT -> reply = reports.report(uuid(ev.dataAs(Commands.PlanQuery.class).planId()));
                case Commands.PLAN_PROOF -> reply = proof(ev.dataAs(Commands.ProofQuery.class));
                case Commands.PLAN_LEAVES -> reply = leaves(ev.dataAs(Commands.LeavesQuery.class));
                case Commands.PLAN_RESEND_LEAVES -> reply = resendLeaves(ev.dataAs(Commands.ResendLeaves.class));
                case Commands.PLAN_ABORT -> reply = abort(uuid(ev.dataAs(Commands.PlanQuery.class).planId()));
                case Commands.PLAN_REPLAY -> reply = replay(uuid(ev.dataAs(Commands.PlanQuery.class).planId()));
                case Commands.DRAIN -> {
                    // A stop-the-world migration (HXO_ZDU_ENABLED=false at the gateway) stops at once, without waiting.
                    boolean wait = ev.dataAs(com.fasterxml.jackson.databind.JsonNode.class).path("wait").asBoolean(true);
                    var state = wait ? drainer.drain(java.time.Duration.ofSeconds(config.migrationTimeout())) : drainer.halt();
                    reply = Reply.ok(202, Map.of("instance", config.instanceId(), "state", state.name().toLowerCase()));
                }
                case Commands.RESUME -> reply = Reply.ok(200, Map.of("instance", config.instanceId(),
                        "state", drainer.resume().name().toLowerCase()));
                case Commands.SYSTEM_MIGRATE -> reply = Reply.ok(200, schema.migrate("hxo-planner", config.instanceId()));
                case Ping.TYPE -> reply = Reply.ok(200, new Ping.Pong(publisher.source(), Instant.now()));
                case Commands.DEPLOYMENT_FILES -> reply = deploymentFiles(ev.dataAs(Commands.DeploymentFilesQuery.class));
                case Commands.DEPLOYMENTS -> reply = Reply.ok(200, Map.of("rollback_points", deploymentStore.list(100)));
                case Commands.ROLLBACK -> {
                    Accepted a = rollback(ev.dataAs(Commands.Rollback.class), partition);
                    then = a.start();
                    reply = a.reply();
                }
                default -> reply = Reply.problem(Problem.of(400, "unknown-command", "Unknown command",
                        "hxo-planner does not handle " + ev.type()));
            }
        } catch (IllegalArgumentException e) {
            reply = Reply.problem(Problem.of(400, "invalid-command", "Invalid command", e.getMessage()));
        } catch (PlanStore.StoreException e) {
            Log.warnf("database unavailable while handling %s: %s", ev.type(), e.getMessage());
            reply = Reply.problem(Problem.of(503, "database-unavailable", "Database unavailable",
                    "the planner could not reach its database; retry shortly"));
        } catch (RuntimeException | PlanRejected e) {
            Log.errorf(e, "command %s failed", ev.type());
            reply = Reply.problem(Problem.of(500, "internal-error", "Internal error",
                    "the planner could not handle this command; see its log for " + ev.id()));
        }
        publisher.reply(Topic.HXO_COMMANDS, ev, reply);
        // The caller has its answer as soon as the plan is durable; the plan starts right after.
        if (then != null) {
            then.run();
        }
    }

    /** A command's answer, and what to do once it is sent (start the plan), if anything. */
    private record Accepted(Reply reply, Runnable start) {
        static Accepted only(Reply reply) {
            return new Accepted(reply, null);
        }
    }

    private Accepted submit(Commands.SubmitPlan cmd, int partition) {
        UUID planId = uuid(cmd.planId());
        if (!config.enabled()) {
            return Accepted.only(Reply.problem(Problem.of(503, "hxo-disabled", "HXO is disabled",
                    "this planner runs with HXO_ENABLED=false and accepts no plans")));
        }
        Optional<PlanStore.StoredPlan> same = store.plan(planId);
        if (same.isPresent()) {
            return Accepted.only(existing(same.get())); // the same command delivered again
        }
        ValidatedPlan plan;
        try {
            plan = validator.validate(cmd.plan());
        } catch (PlanRejected e) {
            return Accepted.only(Reply.problem(e.problem()));
        }
        if (plan.idempotencyKey() != null) {
            Optional<UUID> existing = store.planByIdempotencyKey(plan.idempotencyKey());
            if (existing.isPresent()) {
                return Accepted.only(existing(store.plan(existing.get()).orElseThrow()));
            }
        }
        HashAlg alg = HashAlg.forQuantumHashing(config.quantumHashing());
        Instant startedAt = cmd.start() ? Instant.now() : null;
        try {
            store.insertPlan(planId, plan, alg.wireName(), partition, cmd.requestedBy(), startedAt);
        } catch (PlanStore.StoreException e) {
            // Another submit with the same idempotency key won the race on another partition.
            if (plan.idempotencyKey() != null) {
                Optional<UUID> existing = store.planByIdempotencyKey(plan.idempotencyKey());
                if (existing.isPresent()) {
                    return Accepted.only(existing(store.plan(existing.get()).orElseThrow()));
                }
            }
            throw e;
        }
        if (!cmd.start()) {
            // A plan that starts at once is stored running and announced so by the owner: an `accepted`
            // just before it would name a state it never had, and cost every reader of hxo.plan a record.
            events.changed(planId, plan.name(), "accepted", plan.totalShards(), null, alg);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", planId.toString());
        body.put("status", cmd.start() ? "running" : "accepted");
        body.put("total_shards", plan.totalShards());
        body.put("hash_alg", alg.wireName());
        return new Accepted(Reply.ok(202, body), cmd.start() ? () -> owner.start(planId, plan, alg, partition, startedAt) : null);
    }

    /** Rolls back to a deployment: a new plan that re-applies its recorded work. */
    private Accepted rollback(Commands.Rollback cmd, int partition) {
        UUID deploymentId = uuid(cmd.deploymentId());
        DeploymentStore.Deployment d = deploymentStore.find(deploymentId).orElse(null);
        if (d == null) {
            return Accepted.only(Reply.problem(Problem.of(404, "deployment-not-found", "Deployment not found",
                    "no deployment with id " + deploymentId)));
        }
        if (!d.certified()) {
            return Accepted.only(Reply.problem(Problem.of(409, "not-certified", "Deployment not certified",
                    "deployment " + deploymentId + " belongs to plan " + d.planId() + ", which is not certified;"
                    + " only a certified deployment is a rollback point")));
        }
        PlanStore.StoredPlan original = store.plan(d.planId()).orElseThrow();
        var plan = Deployments.rollbackPlan(d, original.spec());
        if (plan.isEmpty()) {
            return Accepted.only(Reply.problem(Problem.of(422, "nothing-to-roll-back", "Nothing to re-apply",
                    "deployment " + deploymentId + " only called hooks or primed caches; HXO has no artifacts of it to"
                    + " re-apply. Roll it back on the platform itself")));
        }
        return submit(new Commands.SubmitPlan(cmd.planId(), plan.get(), true, cmd.requestedBy()), partition);
    }

    /** Starts a plan created earlier with {@code POST /api/hxo/plan}. */
    private Accepted start(UUID planId, int partition) {
        PlanStore.StoredPlan p = store.plan(planId).orElse(null);
        if (p == null) {
            return Accepted.only(notFound(planId));
        }
        if (!"accepted".equals(p.status())) {
            return Accepted.only(Reply.problem(Problem.of(409, "not-startable", "Plan already started",
                    "plan " + planId + " is " + p.status() + "; only an accepted plan can be submitted")));
        }
        ValidatedPlan plan;
        try {
            plan = validator.revalidate(p.spec(), store.storedInputs(planId));
        } catch (PlanRejected e) {
            return Accepted.only(Reply.problem(e.problem()));
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", planId.toString());
        body.put("status", "running");
        body.put("total_shards", plan.totalShards());
        body.put("hash_alg", p.hashAlg());
        HashAlg alg = HashAlg.fromWire(p.hashAlg());
        Instant startedAt = Instant.now();
        store.markRunning(planId, startedAt); // durable before the answer, as a submit's is
        return new Accepted(Reply.ok(202, body), () -> owner.start(planId, plan, alg, p.partition(), startedAt));
    }

    private static Reply existing(PlanStore.StoredPlan p) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", p.planId().toString());
        body.put("status", p.status());
        body.put("total_shards", p.totalShards());
        body.put("hash_alg", p.hashAlg());
        body.put("duplicate", true);
        return Reply.ok(200, body);
    }

    private Reply status(UUID planId) {
        Optional<PlanStatus> live = owner.liveStatus(planId);
        if (live.isPresent()) {
            return Reply.ok(200, live.get());
        }
        return store.plan(planId).map(p -> Reply.ok(200, PlanReports.stored(p, store)))
                .orElseGet(() -> notFound(planId));
    }

    private Reply list(Commands.ListPlans q) {
        int limit = q.limit() <= 0 ? 50 : Math.min(q.limit(), 500);
        Instant before;
        try {
            before = q.before() == null || q.before().isBlank() ? null : Instant.parse(q.before());
        } catch (DateTimeParseException e) {
            throw new IllegalArgumentException("before must be an ISO-8601 instant, got \"" + q.before() + "\"");
        }
        List<PlanStore.PlanSummary> plans = store.list(q.status(), limit, before);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plans", plans);
        if (plans.size() == limit) {
            body.put("next_before", plans.get(plans.size() - 1).createdAt().toString());
        }
        return Reply.ok(200, body);
    }

    private Reply proof(Commands.ProofQuery q) throws PlanRejected {
        UUID planId = uuid(q.planId());
        if (!Hex.isHash(q.casId())) {
            throw new IllegalArgumentException("cas_id must be 64 lowercase hex characters");
        }
        PlanStore.StoredPlan p = store.plan(planId).orElse(null);
        if (p == null) {
            return notFound(planId);
        }
        if (p.merkleRoot() == null) {
            return Reply.problem(Problem.of(409, "no-root-yet", "No root yet",
                    "plan " + planId + " is " + p.status() + "; proofs exist once it has completed"));
        }
        return owner.proof(planId, q.casId()).map(proof -> Reply.ok(200, proof))
                .orElseGet(() -> Reply.problem(Problem.of(404, "leaf-not-found", "Shard not in plan",
                        "plan " + planId + " has no completed shard " + q.casId())));
    }

    /** A completed plan's stored results in Merkle order (ARIE's integrity check). */
    private Reply leaves(Commands.LeavesQuery q) throws PlanRejected {
        UUID planId = uuid(q.planId());
        int from = q.from() == null ? 0 : q.from();
        int limit = q.limit() == null ? Commands.MAX_LEAVES_PAGE : Math.min(q.limit(), Commands.MAX_LEAVES_PAGE);
        if (from < 0 || limit < 1) {
            return Reply.problem(Problem.of(400, "invalid-command", "Invalid command",
                    "from must be 0 or more and limit 1 or more"));
        }
        PlanStore.StoredPlan p = store.plan(planId).orElse(null);
        if (p == null) {
            return notFound(planId);
        }
        if (p.merkleRoot() == null) {
            return Reply.problem(Problem.of(409, "no-root-yet", "No root yet",
                    "plan " + planId + " is " + p.status() + "; its leaves are final once it has completed"));
        }
        return Reply.ok(200, owner.storedLeaves(planId, from, limit));
    }

    /** Announces a plan's leaves again for a validator that lacks some (a broker outage, a late start). */
    private Reply resendLeaves(Commands.ResendLeaves q) throws PlanRejected {
        UUID planId = uuid(q.planId());
        PlanStore.StoredPlan p = store.plan(planId).orElse(null);
        if (p == null) {
            return notFound(planId);
        }
        if (p.merkleRoot() == null) {
            return Reply.problem(Problem.of(409, "no-root-yet", "No root yet",
                    "plan " + planId + " is " + p.status() + "; its leaves are announced as they settle"));
        }
        int sent = owner.resendLeaves(planId, q.from() == null ? 0 : q.from(), q.to() == null ? Integer.MAX_VALUE : q.to());
        return Reply.ok(202, Map.of("plan_id", planId.toString(), "leaves", sent));
    }

    /**
     * A page of a deployment's packed files with their content, for ARIE: at most
     * {@link Commands#MAX_FILES_PAGE} files and {@link Commands#MAX_FILES_PAGE_CONTENT_BYTES} of content;
     * a file that does not fit what is left of the page starts the next one, and one larger than a
     * whole page travels without its content.
     */
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
        DeploymentStore.Deployment d = deploymentStore.findByRoot(root).orElse(null);
        if (d == null) {
            return Reply.problem(Problem.of(404, "deployment-not-found", "Deployment not found",
                    "no deployment has the manifest root " + root));
        }
        // The manifest is read once per pass (at from = 0), not again for every page that follows.
        PackedManifest manifest = lastManifest;
        if (manifest == null || !manifest.planId().equals(d.planId()) || from == 0) {
            manifest = new PackedManifest(d.planId(), store.packedFiles(d.planId()));
            lastManifest = manifest;
        }
        List<PlanStore.PackedEntry> all = manifest.files();
        List<Commands.DeploymentFile> page = new java.util.ArrayList<>();
        long budget = Commands.MAX_FILES_PAGE_CONTENT_BYTES;
        int i = from;
        for (; i < all.size() && page.size() < Commands.MAX_FILES_PAGE; i++) {
            PlanStore.PackedEntry e = all.get(i);
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
    private record PackedManifest(UUID planId, List<PlanStore.PackedEntry> files) {
    }

    private volatile PackedManifest lastManifest;

    private Reply abort(UUID planId) {
        PlanOwner.AbortOutcome outcome = owner.abort(planId);
        if (!outcome.found()) {
            return notFound(planId);
        }
        if (!outcome.aborted()) {
            return Reply.problem(Problem.of(409, "already-ended", "Plan already ended",
                    "plan " + planId + " is " + outcome.status() + " and cannot be aborted"));
        }
        return Reply.ok(200, Map.of("plan_id", planId.toString(), "status", "aborted"));
    }

    private Reply replay(UUID planId) throws PlanRejected {
        PlanStore.StoredPlan p = store.plan(planId).orElse(null);
        if (p == null) {
            return notFound(planId);
        }
        if (!REPLAYABLE.contains(p.status())) {
            return Reply.problem(Problem.of(409, "not-replayable", "Nothing to replay",
                    "plan " + planId + " is " + p.status() + "; only halted, aborted or timed-out plans replay"));
        }
        long kept = p.done();
        owner.replay(planId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", planId.toString());
        body.put("status", "running");
        body.put("kept_shards", kept);
        body.put("rerun_shards", Math.max(0, p.totalShards() - kept));
        return Reply.ok(202, body);
    }

    static Reply notFound(UUID planId) {
        return Reply.problem(Problem.of(404, "plan-not-found", "Plan not found", "no plan with id " + planId));
    }

    private static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("plan_id must be a UUID, got \"" + s + "\"");
        }
    }
}
