package io.hxo.planner.execute;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.planner.checkpoint.Sql;
import io.hxo.planner.checkpoint.StoreException;
import io.quarkus.logging.Log;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Whether a worker may start a shard of a plan. A plan that ended (aborted, halted, timed out,
 * done) starts no more shards, and its running shards are interrupted.
 *
 * <p>Workers learn of an end from {@code hxo.plan} (each instance reads it whole) and, to be strict,
 * from the database: a plan's status is read again when the last reading is older than
 * {@link #FRESH_NANOS}. The owner waits longer than that after committing an abort before it
 * answers, so no shard can start after the abort is acknowledged.
 */
@ApplicationScoped
public class PlanGate {
    static final long FRESH_NANOS = 25_000_000L;
    /** The owner waits this long after an abort is durable before acknowledging it. */
    public static final long ABORT_SETTLE_MS = 40;

    private final Sql sql;
    private final Map<String, Reading> readings = new ConcurrentHashMap<>();
    private final Map<String, Set<Thread>> running = new ConcurrentHashMap<>();

    record Reading(boolean ended, long at) {
    }

    public PlanGate(Pool pool) {
        this.sql = new Sql(pool);
    }

    /**
     * A plan's change, read once by hxo-runtime's converter on this channel's consumer thread (the
     * method runs there too); an unreadable record is logged and skipped by the channel (skip-unreadable).
     */
    @Incoming("plan-events")
    public void onPlanEvent(Events.PlanChanged changed) {
        try {
            PlanState state = PlanState.fromWire(changed.status());
            if (!state.live()) {
                end(changed.planId());
            } else if (state == PlanState.RUNNING) {
                readings.remove(changed.planId()); // replayed: read again
            }
        } catch (IllegalArgumentException e) {
            Log.debugf("skipped unreadable plan event: %s", e.getMessage());
        }
    }

    /** The plan ended: no shard of it starts here again; running ones are interrupted. */
    public void end(String planId) {
        readings.put(planId, new Reading(true, Long.MAX_VALUE));
        Set<Thread> threads = running.get(planId);
        if (threads != null) {
            threads.forEach(Thread::interrupt);
        }
        if (readings.size() > 50_000) {
            readings.clear();
        }
    }

    /** May a shard of this plan start now? */
    public boolean open(String planId) {
        long now = System.nanoTime();
        Reading r = readings.get(planId);
        if (r != null && (r.ended() || now - r.at() < FRESH_NANOS)) {
            return !r.ended();
        }
        boolean ended = readEnded(planId);
        readings.put(planId, new Reading(ended, ended ? Long.MAX_VALUE : now));
        return !ended;
    }

    void started(String planId, Thread t) {
        running.computeIfAbsent(planId, k -> ConcurrentHashMap.newKeySet()).add(t);
    }

    void finished(String planId, Thread t) {
        Set<Thread> threads = running.get(planId);
        if (threads != null) {
            threads.remove(t);
            if (threads.isEmpty()) {
                running.remove(planId, threads);
            }
        }
    }

    boolean ended(String planId) {
        Reading r = readings.get(planId);
        return r != null && r.ended();
    }

    /** Read on a worker thread, which may wait: one primary-key read on the reactive client. */
    private boolean readEnded(String planId) {
        try {
            return sql.first("SELECT status FROM hxo.plans WHERE plan_id = $1", Tuple.of(UUID.fromString(planId)),
                    r -> !PlanState.fromWire(r.getString(0)).live()).orElse(false);
        } catch (StoreException e) {
            // Without the database nothing is checkpointed either; running a shard wastes at most work.
            Log.debugf("plan gate could not read %s: %s", planId, e.getMessage());
            return false;
        }
    }
}
