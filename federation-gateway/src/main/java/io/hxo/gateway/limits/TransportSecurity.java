package io.hxo.gateway.limits;

import io.hxo.gateway.config.GatewayConfig;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import org.jboss.resteasy.reactive.server.ServerRequestFilter;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Behind a TLS-terminating proxy (Render, a load balancer) the proxy says how the client came in
 * with {@code X-Forwarded-Proto}: plain HTTP is redirected to HTTPS (308 keeps the method and body),
 * HTTPS answers carry HSTS. Without the header (a direct local call) nothing changes. Health probes
 * are left alone: platforms probe over plain HTTP from inside. {@code HXO_HTTPS_REDIRECT=false} turns
 * both off (and the gateway reports HTTPS as not enforced).
 */
@ApplicationScoped
public class TransportSecurity {
    static final String HSTS = "max-age=31536000; includeSubDomains";

    private final boolean enforced;

    public TransportSecurity(GatewayConfig config) {
        this.enforced = config.httpsRedirect();
    }

    @ServerRequestFilter(preMatching = true, priority = 10)
    public Response redirect(ContainerRequestContext request) {
        if (!enforced) {
            return null;
        }
        String proto = request.getHeaderString("X-Forwarded-Proto");
        String path = request.getUriInfo().getPath();
        if (!"http".equalsIgnoreCase(first(proto)) || path.equals("/health") || path.startsWith("/q/health")) {
            return null;
        }
        String host = request.getHeaderString("X-Forwarded-Host");
        if (host == null || host.isBlank()) {
            host = request.getHeaderString("Host");
        }
        if (host == null || host.isBlank()) {
            return null; // nowhere to send the client
        }
        URI target = URI.create("https://" + first(host) + request.getUriInfo().getRequestUri().getRawPath()
                + (request.getUriInfo().getRequestUri().getRawQuery() == null ? ""
                        : "?" + request.getUriInfo().getRequestUri().getRawQuery()));
        return Response.status(308).location(target).header("Strict-Transport-Security", HSTS).build();
    }

    @ServerResponseFilter
    public void hsts(ContainerRequestContext request, ContainerResponseContext response) {
        if (enforced && "https".equalsIgnoreCase(first(request.getHeaderString("X-Forwarded-Proto")))) {
            response.getHeaders().putSingle("Strict-Transport-Security", HSTS);
        }
    }

    /** The first of a comma-separated list (proxies append). */
    private static String first(String value) {
        return value == null ? null : value.split(",")[0].trim();
    }
}
