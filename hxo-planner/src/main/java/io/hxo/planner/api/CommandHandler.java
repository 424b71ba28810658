package io.hxo.planner.api;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.PlanOwner;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.plan.PlanValidator;
import io.hxo.planner.plan.ValidatedPlan;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * Answers the commands and queries on {@code hxo.commands}. Called on the owner thread by
 * {@link PlanOwner}, for plans keyed to partitions this instance owns.
 */
@ApplicationScoped
public class CommandHandler {
    @Inject
    PlanValidator validator;
    @Inject
    PlanStore store;
    @Inject
    PlanOwner owner;
    @Inject
    HxoPublisher publisher;
    @Inject
    PlannerConfig config;

    public void handle(CloudEvent ev, int partition) {
        Reply reply;
        Runnable then = null;
        try {
            reply = switch (ev.type()) {
                case Commands.PLAN_SUBMIT -> {
                    Commands.SubmitPlan cmd = ev.dataAs(Commands.SubmitPlan.class);
                    Accepted a = submit(cmd, partition);
                    then = a.start();
                    yield a.reply();
                }
                case Commands.PLAN_STATUS -> status(ev.dataAs(Commands.PlanQuery.class));
                default -> Reply.problem(Problem.of(400, "unknown-command", "Unknown command",
                        "hxo-planner does not handle " + ev.type()));
            };
        } catch (IllegalArgumentException e) {
            reply = Reply.problem(Problem.of(400, "invalid-command", "Invalid command", e.getMessage()));
        } catch (PlanStore.StoreException e) {
            Log.warnf("database unavailable while handling %s: %s", ev.type(), e.getMessage());
            reply = Reply.problem(Problem.of(503, "database-unavailable", "Database unavailable",
                    "the planner could not reach its database; retry shortly"));
        } catch (RuntimeException e) {
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

    /** A submit's answer, and what to do once it is sent (start the plan), if anything. */
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
            return Accepted.only(accepted(same.get(), 200)); // the same command delivered again
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
                return Accepted.only(accepted(store.plan(existing.get()).orElseThrow(), 200));
            }
        }
        HashAlg alg = HashAlg.forQuantumHashing(config.quantumHashing());
        try {
            store.insertPlan(planId, plan, alg.wireName(), partition, cmd.requestedBy());
        } catch (PlanStore.StoreException e) {
            // Another submit with the same idempotency key won the race on another partition.
            if (plan.idempotencyKey() != null) {
                Optional<UUID> existing = store.planByIdempotencyKey(plan.idempotencyKey());
                if (existing.isPresent()) {
                    return Accepted.only(accepted(store.plan(existing.get()).orElseThrow(), 200));
                }
            }
            throw e;
        }
        owner.planChanged(planId, plan.name(), "accepted", plan.totalShards(), null, alg);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", planId.toString());
        body.put("status", cmd.start() ? "running" : "accepted");
        body.put("total_shards", plan.totalShards());
        body.put("hash_alg", alg.wireName());
        return new Accepted(Reply.ok(202, body), cmd.start() ? () -> owner.start(planId, plan, alg, partition) : null);
    }

    private static Reply accepted(PlanStore.StoredPlan p, int status) {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("plan_id", p.planId().toString());
        body.put("status", p.status());
        body.put("total_shards", p.totalShards());
        body.put("hash_alg", p.hashAlg());
        body.put("duplicate", true);
        return Reply.ok(status, body);
    }

    private Reply status(Commands.PlanQuery q) {
        UUID planId = uuid(q.planId());
        Optional<PlanStatus> live = owner.liveStatus(planId);
        if (live.isPresent()) {
            return Reply.ok(200, live.get());
        }
        return store.plan(planId).map(p -> Reply.ok(200, stored(p)))
                .orElseGet(() -> Reply.problem(Problem.of(404, "plan-not-found", "Plan not found",
                        "no plan with id " + planId)));
    }

    private static PlanStatus stored(PlanStore.StoredPlan p) {
        long pending = Math.max(0, p.totalShards() - p.done() - p.failed());
        return new PlanStatus(p.planId().toString(), p.name(), p.status(), p.totalShards(),
                new PlanStatus.ShardCounts(pending, 0, p.done(), p.failed(), p.cached(), p.split()), p.merkleRoot(),
                p.hashAlg(), null, p.createdAt(), p.startedAt(), p.finishedAt(), null, null);
    }

    private static UUID uuid(String s) {
        try {
            return UUID.fromString(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("plan_id must be a UUID, got \"" + s + "\"");
        }
    }
}
