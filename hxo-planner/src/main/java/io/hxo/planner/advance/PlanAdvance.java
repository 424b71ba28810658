package io.hxo.planner.advance;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.checkpoint.Checkpointer;
import io.hxo.planner.complete.Completion;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.dispatch.Dispatcher;
import io.hxo.planner.execute.EngineMetrics;
import io.hxo.planner.lifecycle.PlanEnd;
import io.hxo.planner.query.PlanSnapshots;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.split.Splitter;
import io.hxo.planner.sweep.SloWatch;
import io.hxo.runtime.logging.PlanLog;
import io.hxo.runtime.publish.HxoPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Moves running plans forward after their results came in: prepares the stages whose inputs are
 * ready (their shard ids, served from the CAS store where possible), closes finished stages with their
 * roots, splits slow ones, commits what the plans settled in one transaction (a plan that finished
 * with its completion), then halts, completes or dispatches each plan. On the owner thread.
 */
@ApplicationScoped
public class PlanAdvance {
    private final Checkpointer checkpointer;
    private final Completion completion;
    private final Dispatcher dispatcher;
    private final Splitter splitter;
    private final CacheServer cache;
    private final SloWatch slo;
    private final PlanEnd end;
    private final PlanSnapshots snapshots;
    private final EngineMetrics metrics;
    private final HxoPublisher publisher;
    private final PlannerConfig config;

    public PlanAdvance(Checkpointer checkpointer, Completion completion, Dispatcher dispatcher, Splitter splitter,
            CacheServer cache, SloWatch slo, PlanEnd end, PlanSnapshots snapshots, EngineMetrics metrics,
            HxoPublisher publisher, PlannerConfig config) {
        this.checkpointer = checkpointer;
        this.completion = completion;
        this.dispatcher = dispatcher;
        this.splitter = splitter;
        this.cache = cache;
        this.slo = slo;
        this.end = end;
        this.snapshots = snapshots;
        this.metrics = metrics;
        this.publisher = publisher;
        this.config = config;
    }

    public void advance(PlanRun run) {
        advance(List.of(run));
    }

    public void advance(Collection<PlanRun> toAdvance) {
        List<PlanRun> moving = new ArrayList<>(toAdvance.size());
        Map<UUID, Completion.Completed> completing = new LinkedHashMap<>();
        for (PlanRun run : toAdvance) {
            if (run.status() != PlanState.RUNNING) {
                continue;
            }
            settleStages(run);
            if (run.failed() == 0 && run.allFinished()) {
                completing.put(run.planId(), completion.completing(run));
            }
            moving.add(run);
        }
        checkpointer.checkpoint(toAdvance, completing.values().stream().map(Completion.Completed::row).toList());
        for (PlanRun run : moving) {
            try (PlanLog log = PlanLog.of(run.planId())) {
                settle(run, completing.get(run.planId()));
            }
        }
    }

    /** A running plan after its results are checkpointed: it halts, completes, or dispatches more. */
    private void settle(PlanRun run, Completion.Completed done) {
        if (run.failed() > 0) {
            end.end(run, PlanState.HALTED, run.error());
            publisher.emit(Topic.HXO_ALERT, run.planId().toString(), new Events.Alert("guardian.halt", "critical",
                    run.planId().toString(), "hxo-planner", run.error(),
                    Map.of("heal_depth_limit", config.healDepthLimit())));
        } else if (done != null) {
            completion.completed(run, done);
        } else {
            dispatcher.dispatch(run);
            snapshots.publish(run, false);
        }
    }

    /** Prepares the stages whose inputs are ready and computes the roots of the stages that finished. */
    private void settleStages(PlanRun run) {
        boolean changed = true;
        while (changed && run.failed() == 0) {
            changed = false;
            for (PlanRun.StageRun s : run.stagesToPrepare()) {
                run.prepare(s);
                metrics.created(s.originals());
                publisher.emit(Topic.HXO_SHARD_CREATED, run.planId().toString(), new Events.ShardsCreated(
                        run.planId().toString(), s.spec().id(), s.spec().firstLeaf(), s.originals()));
                cache.serve(run, s);
                changed = true;
            }
            for (PlanRun.StageRun s : run.stages()) {
                if (run.stageComplete(s)) {
                    long t0 = System.nanoTime();
                    String root = run.stageRoot(s);
                    s.finish(root, System.nanoTime() - t0);
                    slo.check(run, s);
                    changed = true;
                }
            }
        }
        splitter.autosplit(run);
    }
}
