package io.hxo.planner.sweep;

import io.hxo.contracts.payload.PlanState;
import io.hxo.planner.checkpoint.Checkpointer;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.dispatch.Dispatcher;
import io.hxo.planner.lifecycle.PlanEnd;
import io.hxo.planner.own.OwnerThread;
import io.hxo.planner.query.PlanSnapshots;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.hxo.runtime.logging.PlanLog;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Every {@code hxo.sweep-ms} on the owner thread: plans past their time box end {@code timed_out};
 * stages over their SLO raise it; retries whose backoff passed, tasks that look lost (no answer within
 * twice the shard timeout and 5 s) and resumed plans whose hold ended are dispatched.
 */
@ApplicationScoped
public class Sweeper {
    private final PlanRuns runs;
    private final Checkpointer checkpointer;
    private final PlanEnd end;
    private final Dispatcher dispatcher;
    private final SloWatch slo;
    private final OwnerThread owner;
    private final PlanSnapshots snapshots;
    private final PlannerConfig config;

    public Sweeper(PlanRuns runs, Checkpointer checkpointer, PlanEnd end, Dispatcher dispatcher, SloWatch slo,
            OwnerThread owner, PlanSnapshots snapshots, PlannerConfig config) {
        this.runs = runs;
        this.checkpointer = checkpointer;
        this.end = end;
        this.dispatcher = dispatcher;
        this.slo = slo;
        this.owner = owner;
        this.snapshots = snapshots;
        this.config = config;
    }

    void start(@Observes StartupEvent ev) {
        owner.every(config.sweepMs(), config.sweepMs(), this::sweep);
    }

    void sweep() {
        long nowMillis = System.currentTimeMillis();
        long overdue = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(2 * config.shardTimeoutMs() + 5000);
        for (PlanRun run : runs.all()) {
            try (PlanLog log = PlanLog.of(run.planId())) {
                Long timebox = run.plan().timeboxMs();
                if (timebox != null && run.startedAt() != null
                        && Duration.between(run.startedAt(), Instant.now()).toMillis() > timebox) {
                    checkpointer.checkpoint(List.of(run));
                    end.end(run, PlanState.TIMED_OUT, "the plan ran past its timebox_ms of " + timebox);
                    continue;
                }
                run.stages().stream().filter(s -> s.prepared() && !s.finished()).forEach(s -> slo.check(run, s));
                int due = run.promoteDue(nowMillis);
                int lost = run.requeueOverdue(overdue);
                if (lost > 0) {
                    Log.warnf("plan %s: %d shards had no answer in time; sending them again", run.planId(), lost);
                }
                boolean released = run.release(System.nanoTime());
                if (due > 0 || lost > 0 || released) {
                    dispatcher.dispatch(run);
                }
            } catch (StoreException e) {
                Log.warnf("sweep of plan %s postponed: %s", run.planId(), e.getMessage());
            }
        }
        snapshots.refreshOwed();
    }
}
