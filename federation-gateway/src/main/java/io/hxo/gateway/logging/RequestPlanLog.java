package io.hxo.gateway.logging;

import io.hxo.runtime.logging.PlanLog;
import jakarta.ws.rs.container.ContainerRequestContext;
import org.jboss.logging.MDC;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Names the plan a request is about ({@code /api/hxo/plan/{plan_id}/...}) in the log lines written
 * while it is handled. The request's trace id is there already: Quarkus's OpenTelemetry puts it in
 * the same {@code traceId} entry. The entries live in the request's own context and are removed when
 * it answers.
 */
public class RequestPlanLog {
    @ServerRequestFilter
    public void name(ContainerRequestContext request) {
        String planId = request.getUriInfo().getPathParameters().getFirst("plan_id");
        if (planId != null && !planId.isBlank() && planId.length() <= 64) {
            MDC.put(PlanLog.PLAN_ID, planId);
        }
    }

    @ServerResponseFilter
    public void forget() {
        MDC.remove(PlanLog.PLAN_ID);
    }
}
