package io.hxo.planner.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.announce.PlanEvents;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.deploy.DeploymentStore;
import io.hxo.planner.deploy.Deployments;
import io.hxo.planner.execute.Drainer;
import io.hxo.planner.lifecycle.PlanLifecycle;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.plan.PlanValidator;
import io.hxo.planner.plan.ValidatedPlan;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.schema.SchemaMigrator;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers the commands on {@code hxo.commands}, for plans keyed to partitions this instance owns.
 * Commands that change a plan (submit, start, abort, replay, rollback) and the instance (drain,
 * resume, migrate) run on the owner thread; queries are {@link QueryInbox}'s, on a consumer of their own.
 */
@ApplicationScoped
public class CommandHandler {
    private final PlanValidator validator;
    private final PlanStore store;
    private final PlanLifecycle lifecycle;
    private final PlanEvents events;
    private final HxoPublisher publisher;
    private final PlannerConfig config;
    private final DeploymentStore deployments;
    private final Drainer drainer;
    private final SchemaMigrator schema;

    public CommandHandler(PlanValidator validator, PlanStore store, PlanLifecycle lifecycle, PlanEvents events,
            HxoPublisher publisher, PlannerConfig config, DeploymentStore deployments, Drainer drainer,
            SchemaMigrator schema) {
        this.validator = validator;
        this.store = store;
        this.lifecycle = lifecycle;
        this.events = events;
        this.publisher = publisher;
        this.config = config;
        this.deployments = deployments;
        this.drainer = drainer;
        this.schema = schema;
    }

    /** On the owner thread. */
    public void handle(CloudEvent ev, int partition) {
        if (QueryHandler.handles(ev.type())) {
            return; // answered by QueryInbox, off this thread and off this channel
        }
        Runnable[] then = new Runnable[1];
        Reply reply = Replies.guarded(ev, () -> {
            Accepted a = switch (ev.type()) {
                case Commands.PLAN_SUBMIT -> submit(ev.dataAs(Commands.SubmitPlan.class), partition);
                case Commands.PLAN_START -> start(Replies.uuid(ev.dataAs(Commands.PlanQuery.class).planId()));
                case Commands.ROLLBACK -> rollback(ev.dataAs(Commands.Rollback.class), partition);
                case Commands.PLAN_ABORT -> Accepted.only(abort(Replies.uuid(ev.dataAs(Commands.PlanQuery.class).planId())));
                case Commands.PLAN_REPLAY -> Accepted.only(replay(Replies.uuid(ev.dataAs(Commands.PlanQuery.class).planId())));
                case Commands.DRAIN -> {
                    // A stop-the-world migration (HXO_ZDU_ENABLED=false at the gateway) stops at once, without waiting.
                    boolean wait = ev.dataAs(JsonNode.class).path("wait").asBoolean(true);
                    var state = wait ? drainer.drain(Duration.ofSeconds(config.migrationTimeout())) : drainer.halt();
                    yield Accepted.only(Reply.ok(202, Map.of("instance", config.instanceId(),
                            "state", state.name().toLowerCase())));
                }
                case Commands.RESUME -> Accepted.only(Reply.ok(200, Map.of("instance", config.instanceId(),
                        "state", drainer.resume().name().toLowerCase())));
                case Commands.SYSTEM_MIGRATE -> Accepted.only(Reply.ok(200, schema.migrate("hxo-planner",
                        config.instanceId())));
                default -> Accepted.only(Reply.problem(Problem.of(400, "unknown-command", "Unknown command",
                        "hxo-planner does not handle " + ev.type())));
            };
            then[0] = a.start();
            return a.reply();
        });
        publisher.reply(Topic.HXO_COMMANDS, ev, reply);
        // The caller has its answer as soon as the plan is durable; the plan starts right after.
        if (then[0] != null) {
            then[0].run();
        }
    }

    /** A command's answer, and what to do once it is sent (start the plan), if anything. */
    private record Accepted(Reply reply, Runnable start) {
        static Accepted only(Reply reply) {
            return new Accepted(reply, null);
        }
    }

    private Accepted submit(Commands.SubmitPlan cmd, int partition) {
        UUID planId = Replies.uuid(cmd.planId());
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
        } catch (StoreException e) {
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
            events.changed(planId, plan.name(), PlanState.ACCEPTED, plan.totalShards(), null, alg);
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", planId.toString());
        body.put("status", (cmd.start() ? PlanState.RUNNING : PlanState.ACCEPTED).wire());
        body.put("total_shards", plan.totalShards());
        body.put("hash_alg", alg.wireName());
        return new Accepted(Reply.ok(202, body),
                cmd.start() ? () -> lifecycle.start(planId, plan, alg, partition, startedAt) : null);
    }

    /** Rolls back to a certified deployment: a new plan that re-applies its recorded work. */
    private Accepted rollback(Commands.Rollback cmd, int partition) {
        UUID deploymentId = Replies.uuid(cmd.deploymentId());
        DeploymentStore.Deployment d = deployments.find(deploymentId).orElse(null);
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
    private Accepted start(UUID planId) throws PlanRejected {
        PlanStore.StoredPlan p = store.plan(planId).orElse(null);
        if (p == null) {
            return Accepted.only(Replies.notFound(planId));
        }
        if (PlanState.fromWire(p.status()) != PlanState.ACCEPTED) {
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
        body.put("status", PlanState.RUNNING.wire());
        body.put("total_shards", plan.totalShards());
        body.put("hash_alg", p.hashAlg());
        HashAlg alg = HashAlg.fromWire(p.hashAlg());
        Instant startedAt = Instant.now();
        store.markRunning(planId, startedAt); // durable before the answer, as a submit's is
        return new Accepted(Reply.ok(202, body), () -> lifecycle.start(planId, plan, alg, p.partition(), startedAt));
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

    private Reply abort(UUID planId) {
        PlanLifecycle.AbortOutcome outcome = lifecycle.abort(planId);
        if (!outcome.found()) {
            return Replies.notFound(planId);
        }
        if (!outcome.aborted()) {
            return Reply.problem(Problem.of(409, "already-ended", "Plan already ended",
                    "plan " + planId + " is " + outcome.state() + " and cannot be aborted"));
        }
        return Reply.ok(200, Map.of("plan_id", planId.toString(), "status", PlanState.ABORTED.wire()));
    }

    private Reply replay(UUID planId) throws PlanRejected {
        PlanStore.StoredPlan p = store.plan(planId).orElse(null);
        if (p == null) {
            return Replies.notFound(planId);
        }
        if (!PlanState.fromWire(p.status()).replayable()) {
            return Reply.problem(Problem.of(409, "not-replayable", "Nothing to replay",
                    "plan " + planId + " is " + p.status() + "; only halted, aborted or timed-out plans replay"));
        }
        long kept = p.done();
        lifecycle.replay(planId);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", planId.toString());
        body.put("status", PlanState.RUNNING.wire());
        body.put("kept_shards", kept);
        body.put("rerun_shards", Math.max(0, p.totalShards() - kept));
        return Reply.ok(202, body);
    }
}
