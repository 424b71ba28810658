package io.hxo.planner.intake;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.checkpoint.ResultStore;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.EngineMetrics;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.hxo.planner.split.Splitter;
import io.hxo.runtime.publish.HxoPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Takes a batch of shard results into its plan's run: a success settles its shard (and its result
 * waits for the next checkpoint), a failure is retried with backoff or fails the shard for good, a
 * timed-out shard is split when it can be. Returns the run it changed, for the owner to advance.
 */
@ApplicationScoped
public class ResultIntake {
    private final PlanRuns runs;
    private final Splitter splitter;
    private final EngineMetrics metrics;
    private final HxoPublisher publisher;
    private final PlannerConfig config;

    public ResultIntake(PlanRuns runs, Splitter splitter, EngineMetrics metrics, HxoPublisher publisher,
            PlannerConfig config) {
        this.runs = runs;
        this.splitter = splitter;
        this.metrics = metrics;
        this.publisher = publisher;
        this.config = config;
    }

    public Optional<PlanRun> take(ShardWork.ResultBatch batch) {
        PlanRun run = runs.get(UUID.fromString(batch.planId()));
        if (run == null || run.status() != PlanState.RUNNING) {
            return Optional.empty(); // finished, aborted, or owned elsewhere: a late duplicate changes nothing
        }
        List<Events.ShardFailed> retried = new ArrayList<>();
        List<Events.ShardFailed> lost = new ArrayList<>();
        for (ShardWork.Result r : batch.results()) {
            int slot = r.index();
            if (slot < 0 || slot >= run.slots() || !run.casHex(slot).equals(r.casId())) {
                continue;
            }
            // A result for a shard not in flight here is still good work when the shard is pending:
            // after a takeover, results the old owner never checkpointed arrive again, and using them
            // saves running those shards twice. Failures only count for shards in flight.
            boolean inFlightHere = run.isInFlight(slot);
            if (!inFlightHere && !(r.ok() && run.isPending(slot))) {
                continue;
            }
            PlanRun.StageRun s = run.stageOf(slot);
            if (run.limit() != null && inFlightHere) {
                // ALIR adapts to how long shards take to execute (the worker's measure), not to transport,
                // queueing or checkpoint time: those are the dispatch window's business.
                run.limit().onExecuted(r.durationMs(), run.inFlight(), r.timedOut());
            }
            s.recordDuration(r.durationMs());
            if (r.ok()) {
                settle(run, s, slot, r);
            } else if (!(r.timedOut() && splitter.splitTimedOut(run, slot))) {
                // A timed-out shard is split when it can be, rather than tried again as it is.
                fail(run, s, slot, r, retried, lost);
            }
        }
        retried.forEach(f -> publisher.emit(Topic.HXO_SHARD_RETRY, run.planId().toString(), f));
        lost.forEach(f -> publisher.emit(Topic.HXO_SHARD_FAILED, run.planId().toString(), f));
        return Optional.of(run);
    }

    private void settle(PlanRun run, PlanRun.StageRun s, int slot, ShardWork.Result r) {
        byte[] digest = Hex.parseHash(r.outputDigest());
        if (r.reused()) {
            // The worker found this shard's result already stored: nothing new to record. An effect's
            // stored outcome is this plan's own (a task delivered twice), not a cache hit.
            if (run.settle(slot, digest, !s.spec().effect())) {
                metrics.cached(1);
            }
        } else if (run.settle(slot, digest, false, r.durationMs())) {
            metrics.done(s.spec().kind(), r.durationMs());
            run.countWork(slot);
            run.unsavedResult(new ResultStore.ResultRow(run.casId(slot), digest,
                    r.output() == null ? null : Json.text(r.output()), s.spec().kind(), s.spec().executor(),
                    s.spec().executorVersion(), artifactsOf(r.output()), s.spec().effect()));
        }
    }

    private void fail(PlanRun run, PlanRun.StageRun s, int slot, ShardWork.Result r, List<Events.ShardFailed> retried,
            List<Events.ShardFailed> lost) {
        boolean last = run.fail(slot, config.healDepthLimit(), backoff(run.attempts(slot) + 1), r.error());
        Events.ShardFailed f = new Events.ShardFailed(run.planId().toString(), s.spec().id(), slot, r.casId(),
                r.attempt(), last, r.error());
        if (last) {
            metrics.failed();
            lost.add(f);
            run.error("shard " + slot + " (" + r.casId() + ") of stage " + s.spec().id() + " failed "
                    + run.attempts(slot) + " times; last error: " + r.error());
        } else {
            retried.add(f);
        }
    }

    private static String[] artifactsOf(JsonNode output) {
        JsonNode a = output == null ? null : output.get("artifacts");
        if (a == null || !a.isArray()) {
            return new String[0];
        }
        String[] out = new String[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asText();
        }
        return out;
    }

    /** Exponential backoff with jitter before attempt {@code attempt} (the second attempt waits the base). */
    private long backoff(int attempt) {
        long base = config.retry().baseMs() << Math.min(20, Math.max(0, attempt - 1));
        long capped = Math.min(config.retry().maxMs(), base);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }
}
