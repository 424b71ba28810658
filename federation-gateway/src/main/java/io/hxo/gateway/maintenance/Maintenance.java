package io.hxo.gateway.maintenance;

import io.hxo.contracts.payload.Problem;
import io.hxo.gateway.problem.ProblemMappers;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.atomic.AtomicReference;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;

/**
 * A stop-the-world migration ({@code HXO_ZDU_ENABLED=false}) closes the API while the services
 * migrate: every {@code /api} call but the migration itself answers 503 (with {@code Retry-After}),
 * so no plan is submitted, started or read half-way through a schema change. Health stays open.
 */
@ApplicationScoped
public class Maintenance {
    /** Seconds a client is told to wait before trying again. */
    static final int RETRY_AFTER_S = 10;

    private final AtomicReference<String> reason = new AtomicReference<>();

    /** Closes the API; false when it was closed already (another migration runs). */
    public boolean close(String why) {
        return reason.compareAndSet(null, why);
    }

    public void open() {
        reason.set(null);
    }

    @ServerRequestFilter(priority = 50)
    public Response refuseWhileClosed(ContainerRequestContext request, RoutingContext ctx) {
        String why = reason.get();
        String path = request.getUriInfo().getPath();
        if (why == null || !path.startsWith("/api/") || path.equals("/api/system/migrate")) {
            return null;
        }
        Response problem = ProblemMappers.respond(Problem.of(503, "maintenance", "Maintenance", why), ctx);
        return Response.fromResponse(problem).header("Retry-After", RETRY_AFTER_S).build();
    }
}
