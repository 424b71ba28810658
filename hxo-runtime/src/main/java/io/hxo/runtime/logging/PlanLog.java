package io.hxo.runtime.logging;

import io.hxo.contracts.telemetry.Hops;
import java.util.UUID;
import org.jboss.logging.MDC;

/**
 * Names the plan a stretch of work is about in every log line written meanwhile: {@code planId}, and
 * {@code traceId} when the plan's trace is known (tracing on), as MDC entries, which the JSON log
 * format prints under {@code mdc}. The key {@code traceId} is the one Quarkus's OpenTelemetry uses
 * inside HTTP requests, so a log search by trace id finds both.
 *
 * <p>Work on the services' own threads (owner loops, voters, workers) runs outside any request, so
 * the scope sets and restores the entries itself: {@code try (PlanLog log = PlanLog.of(planId)) {...}}.
 * Use it per plan, not per shard: looking up the trace costs a synchronized map read.
 */
public final class PlanLog implements AutoCloseable {
    public static final String PLAN_ID = "planId";
    public static final String TRACE_ID = "traceId";
    private static final PlanLog NONE = new PlanLog(null, null);

    private final Object planBefore;
    private final Object traceBefore;

    private PlanLog(Object planBefore, Object traceBefore) {
        this.planBefore = planBefore;
        this.traceBefore = traceBefore;
    }

    public static PlanLog of(UUID planId) {
        return planId == null ? NONE : of(planId.toString());
    }

    /** A scope naming {@code planId} (a plan's id as text); a null or blank id changes nothing. */
    public static PlanLog of(String planId) {
        return planId == null || planId.isBlank() ? NONE : with(planId, traceOf(planId));
    }

    /**
     * A scope naming a plan whose trace id the caller looked up once ({@link #traceOf}), for work
     * fanned out to many threads, such as a batch of shards.
     */
    public static PlanLog with(String planId, String traceId) {
        if (planId == null || planId.isBlank()) {
            return NONE;
        }
        PlanLog scope = new PlanLog(MDC.get(PLAN_ID), MDC.get(TRACE_ID));
        MDC.put(PLAN_ID, planId);
        if (traceId != null) {
            MDC.put(TRACE_ID, traceId);
        } else {
            MDC.remove(TRACE_ID);
        }
        return scope;
    }

    /** The trace id of the plan's trace as this service knows it, or null (tracing off, or unknown). */
    public static String traceOf(String planId) {
        return traceIdOf(Hops.traceParent(planId));
    }

    /** The trace id of a W3C {@code traceparent} ({@code 00-<32 hex>-<16 hex>-<2 hex>}), or null. */
    static String traceIdOf(String traceParent) {
        return traceParent != null && traceParent.length() == 55 ? traceParent.substring(3, 35) : null;
    }

    @Override
    public void close() {
        if (this == NONE) {
            return;
        }
        restore(PLAN_ID, planBefore);
        restore(TRACE_ID, traceBefore);
    }

    private static void restore(String key, Object before) {
        if (before == null) {
            MDC.remove(key);
        } else {
            MDC.put(key, before);
        }
    }
}
