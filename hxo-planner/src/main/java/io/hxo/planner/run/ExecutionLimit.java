package io.hxo.planner.run;

import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import java.util.concurrent.TimeUnit;

/**
 * ALIR ({@code HXO_ALIR_ENABLED}): a plan's concurrency limit adapted to how long its shards take to
 * execute, as the workers measure it — Netflix concurrency-limits' Gradient2, which lowers the limit
 * when execution times rise above their long-term average and raises it while they stay at or below
 * it, never above the plan's cap. Transport and checkpoint time are not samples: they belong to the
 * dispatch window.
 */
public final class ExecutionLimit {
    /** Where a plan's limit starts, when its cap allows. */
    static final int INITIAL = 32;

    private final Limit limit;
    private final int cap;
    private long clock;

    ExecutionLimit(int cap) {
        this.cap = Math.max(1, cap);
        this.limit = Gradient2Limit.newBuilder().initialLimit(Math.min(this.cap, INITIAL)).minLimit(1)
                .maxConcurrency(this.cap).build();
    }

    /** One executed attempt: how long it ran, how many of the plan's shards were executing, whether it timed out. */
    public void onExecuted(long durationMs, int executing, boolean timedOut) {
        // Gradient2 keys nothing on the start time; a monotonically growing one keeps its windows in order.
        clock += Math.max(1, durationMs);
        limit.onSample(TimeUnit.MILLISECONDS.toNanos(clock), TimeUnit.MILLISECONDS.toNanos(Math.max(0, durationMs)),
                Math.min(executing, current()), timedOut);
    }

    public int current() {
        return Math.min(cap, limit.getLimit());
    }
}
