package io.hxo.planner.lifecycle;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.advance.PlanAdvance;
import io.hxo.planner.announce.PlanEvents;
import io.hxo.planner.checkpoint.Checkpointer;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.checkpoint.Stored;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.PlanGate;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.plan.ValidatedPlan;
import io.hxo.planner.query.PlanSnapshots;
import io.hxo.planner.run.PlanLoader;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.hxo.runtime.publish.HxoPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** What commands do to a plan's run: start it, abort it, replay it. On the owner thread. */
@ApplicationScoped
public class PlanLifecycle {
    private final PlanRuns runs;
    private final PlanLoader loader;
    private final PlanAdvance advance;
    private final Checkpointer checkpointer;
    private final PlanEnd end;
    private final PlanStore plans;
    private final PlanEvents events;
    private final PlanGate gate;
    private final PlanSnapshots snapshots;
    private final HxoPublisher publisher;
    private final boolean predictive;

    public PlanLifecycle(PlanRuns runs, PlanLoader loader, PlanAdvance advance, Checkpointer checkpointer, PlanEnd end,
            PlanStore plans, PlanEvents events, PlanGate gate, PlanSnapshots snapshots, HxoPublisher publisher,
            PlannerConfig config) {
        this.runs = runs;
        this.loader = loader;
        this.advance = advance;
        this.checkpointer = checkpointer;
        this.end = end;
        this.plans = plans;
        this.events = events;
        this.gate = gate;
        this.snapshots = snapshots;
        this.publisher = publisher;
        this.predictive = config.predictiveMode();
    }

    /** Runs a plan on this owner; the store already holds it as running since {@code startedAt}. */
    public void start(UUID planId, ValidatedPlan plan, HashAlg alg, int partition, Instant startedAt) {
        PlanRun run = loader.fresh(planId, plan, alg, partition);
        run.status(PlanState.RUNNING);
        run.started(startedAt);
        runs.put(run);
        events.changed(planId, plan.name(), PlanState.RUNNING, plan.totalShards(), null, alg);
        predict(run);
        snapshots.publish(run, true);
        advance.advance(run);
    }

    /**
     * Predictive mode: from each kind's history, the plan's expected duration; a stage expected to
     * miss its SLO raises {@code timeout_risk} at once.
     */
    private void predict(PlanRun run) {
        if (!predictive) {
            return;
        }
        long total = 0;
        for (PlanRun.StageRun s : run.stages()) {
            Optional<PlanStore.KindHistory> stats = plans.kindStats(s.spec().kind(), s.spec().executor());
            if (stats.isEmpty()) {
                continue;
            }
            long waves = (s.originals() + run.executionLimit() - 1) / Math.max(1, run.executionLimit());
            long expected = (long) Math.ceil(waves * stats.get().meanMs());
            total += expected;
            Long slo = s.spec().sloMs();
            if (slo != null && expected > slo) {
                publisher.emit(Topic.HXO_AUTOTUNE_SIGNAL, run.planId().toString(), new Events.AutotuneSignal(
                        run.planId().toString(), "timeout_risk", s.spec().id(), Map.of("predicted_ms", expected,
                        "slo_ms", slo, "mean_shard_ms", stats.get().meanMs(), "shards", s.originals())));
            }
        }
        run.predicted(total);
    }

    /** What an abort found: no plan, a plan that had already ended (and how), or a plan it aborted. */
    public record AbortOutcome(boolean found, boolean aborted, PlanState state) {
    }

    /** Aborts a plan: no more dispatch, running shards interrupted, the plan ends {@code aborted}. */
    public AbortOutcome abort(UUID planId) {
        PlanRun run = runs.get(planId);
        if (run != null) {
            checkpointer.checkpoint(List.of(run));
            end.end(run, PlanState.ABORTED, "aborted on request");
        } else {
            PlanStore.StoredPlan stored = plans.plan(planId).orElse(null);
            if (stored == null) {
                return new AbortOutcome(false, false, null);
            }
            PlanState state = PlanState.fromWire(stored.status());
            if (!state.live()) {
                return new AbortOutcome(true, false, state);
            }
            Stored.retrying("abort", () -> plans.finish(planId, PlanState.ABORTED, "aborted on request", Instant.now()));
            gate.end(planId.toString());
            events.changed(planId, stored.name(), PlanState.ABORTED, stored.totalShards(), null,
                    HashAlg.fromWire(stored.hashAlg()));
        }
        // Workers re-read a plan's status at least this often; once it has passed, none starts a shard.
        try {
            Thread.sleep(PlanGate.ABORT_SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new AbortOutcome(true, true, PlanState.ABORTED);
    }

    /**
     * Replays a halted, aborted or timed-out plan: everything that succeeded is kept; the failed shards,
     * those never run, and the stages downstream of them run now.
     */
    public void replay(UUID planId) throws PlanRejected {
        Stored.retrying("reopen", () -> plans.reopen(planId));
        PlanRun run = loader.load(planId).orElseThrow();
        run.status(PlanState.RUNNING);
        run.started(Instant.now());
        runs.put(run);
        events.changed(planId, run.name(), PlanState.RUNNING, run.totalLeaves(), null, run.alg());
        snapshots.publish(run, true);
        advance.advance(run);
    }
}
