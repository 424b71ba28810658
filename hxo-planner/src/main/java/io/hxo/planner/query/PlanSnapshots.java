package io.hxo.planner.query;

import io.hxo.contracts.payload.PlanStatus;
import io.hxo.planner.run.PlanRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The live plans' status as the owner last published it, for readers on other threads: a status read
 * never waits behind the owner's batches. The owner refreshes a plan's snapshot as it advances, at
 * most every {@link #EVERY_NANOS} (the per-stage counts walk every slot), and at once when it starts.
 * A refresh skipped for that reason is owed: the owner's sweep pays it ({@link #refreshOwed}), so the
 * last results before a quiet spell (a drain, a stage waiting on a slow shard) show in the status.
 */
@ApplicationScoped
public class PlanSnapshots {
    static final long EVERY_NANOS = 200_000_000L;

    private record Snapshot(PlanStatus status, long at) {
    }

    private final Map<UUID, Snapshot> live = new ConcurrentHashMap<>();
    /** Runs whose last change is not in their snapshot yet; touched on the owner thread only. */
    private final Map<UUID, PlanRun> owed = new LinkedHashMap<>();

    /** On the owner thread: a fresh snapshot when the last is old enough, or when {@code now} says so. */
    public void publish(PlanRun run, boolean now) {
        Snapshot last = live.get(run.planId());
        long t = System.nanoTime();
        if (!now && last != null && t - last.at() < EVERY_NANOS) {
            owed.put(run.planId(), run);
            return;
        }
        owed.remove(run.planId());
        live.put(run.planId(), new Snapshot(liveStatus(run), t));
    }

    /** On the owner thread: the snapshots skipped since, once they are old enough to refresh. */
    public void refreshOwed() {
        if (!owed.isEmpty()) {
            for (PlanRun run : List.copyOf(owed.values())) {
                publish(run, false);
            }
        }
    }

    public void forget(UUID planId) {
        owed.remove(planId);
        live.remove(planId);
    }

    public Optional<PlanStatus> get(UUID planId) {
        Snapshot s = live.get(planId);
        return s == null ? Optional.empty() : Optional.of(s.status());
    }

    /** A live plan's status, as its owner sees it now (on the owner thread, for snapshots). */
    static PlanStatus liveStatus(PlanRun run) {
        return new PlanStatus(run.planId().toString(), run.name(), run.status().wire(), run.totalLeaves(), run.counts(),
                null, run.alg().wireName(), null, run.createdAt(), run.startedAt(), null, eta(run), run.error(),
                run.stageStatuses());
    }

    /** Seconds left, from the shards still to run and how long this plan's shards took so far. */
    private static Long eta(PlanRun run) {
        long samples = 0;
        double totalMs = 0;
        for (PlanRun.StageRun s : run.stages()) {
            samples += s.samples();
            totalMs += s.meanMs() * s.samples();
        }
        long remaining = (long) run.totalLeaves() - run.done();
        if (samples == 0) {
            return run.predictedMs() > 0 ? Math.max(1, run.predictedMs() / 1000) : null;
        }
        double waves = Math.ceil((double) remaining / Math.max(1, run.executionLimit()));
        return (long) Math.ceil(waves * (totalMs / samples) / 1000.0);
    }
}
