package io.hxo.planner.complete;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.announce.Outbox;
import io.hxo.planner.announce.PlanEvents;
import io.hxo.planner.checkpoint.CheckpointStore;
import io.hxo.planner.consensus.RootVoter;
import io.hxo.planner.query.PlanSnapshots;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan whose every stage finished: its root and what its completion stores (stage roots, the kinds'
 * history, its end), committed with its last results; then the root goes out for consensus with this
 * planner's own vote. Nothing is deployed here: a deployment follows certification.
 */
@ApplicationScoped
public class Completion {
    private final Outbox outbox;
    private final RootVoter voter;
    private final PlanEvents events;
    private final PlanRuns runs;
    private final PlanSnapshots snapshots;

    public Completion(Outbox outbox, RootVoter voter, PlanEvents events, PlanRuns runs, PlanSnapshots snapshots) {
        this.outbox = outbox;
        this.voter = voter;
        this.events = events;
        this.runs = runs;
        this.snapshots = snapshots;
    }

    /** A completing plan: the row its completion commits, its leaf count, and how long its roots took. */
    public record Completed(CheckpointStore.Completion row, int leaves, long rootMs) {
    }

    public Completed completing(PlanRun run) {
        long t0 = System.nanoTime();
        String root = run.planRoot();
        long rootMs = (System.nanoTime() - t0 + run.stages().stream().mapToLong(PlanRun.StageRun::rootNanos).sum())
                / 1_000_000;
        Map<String, String> stageRoots = new LinkedHashMap<>();
        List<CheckpointStore.KindStat> kindStats = new ArrayList<>();
        for (PlanRun.StageRun s : run.stages()) {
            stageRoots.put(s.spec().id(), s.root());
            if (s.samples() > 0) {
                kindStats.add(new CheckpointStore.KindStat(s.spec().kind(), s.spec().executor(), s.samples(),
                        s.meanMs(), s.p95(), s.itemsRun(), s.bytesRun()));
            }
        }
        return new Completed(new CheckpointStore.Completion(run.planId(), stageRoots, kindStats, root, Instant.now()),
                run.totalLeaves(), rootMs);
    }

    /** After the completion committed: the plan leaves memory and its root goes out. */
    public void completed(PlanRun run, Completed done) {
        String root = done.row().merkleRoot();
        run.status(PlanState.COMPLETED);
        runs.remove(run.planId());
        snapshots.forget(run.planId());
        announce(run, root, done.leaves());
        long readyMs = (System.nanoTime() - run.lastSettledNanos()) / 1_000_000;
        events.changed(run.planId(), run.name(), PlanState.COMPLETED, done.leaves(), root, run.alg());
        Log.infof("plan %s completed: %d shards (%d cached, %d split), root %s (roots took %d ms; root ready %d ms"
                + " after the last result, its checkpoint included)", run.planId(), done.leaves(), run.cachedCount(),
                run.splitCount(), root, done.rootMs(), readyMs);
    }

    /** The root ready for consensus (sent until the broker has it), and this planner's own vote. */
    public void announce(PlanRun run, String root, int leaves) {
        Events.AggregateReady ready = new Events.AggregateReady(run.planId().toString(), root, leaves,
                run.alg().wireName(), run.startedAt() != null ? run.startedAt() : run.createdAt());
        outbox.emit(Topic.HXO_AGGREGATE_READY, run.planId().toString(), ready);
        voter.voteOn(ready);
    }
}
