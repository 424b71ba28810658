package io.hxo.gateway.audit;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.security.identity.CurrentIdentityAssociation;
import io.quarkus.security.identity.SecurityIdentity;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerResponseContext;
import java.time.Instant;
import java.util.Set;
import org.jboss.resteasy.reactive.server.ServerResponseFilter;

/**
 * Every state-changing call (POST, PUT, PATCH, DELETE) is recorded on {@code hxo.audit}: who, what,
 * and how it was answered — refused calls too, since an operator wants to see those most. Reads are
 * not recorded. Publishing is asynchronous; a failed publish is logged by the publisher.
 */
@ApplicationScoped
public class AuditTrail {
    private static final Set<String> CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final HxoPublisher publisher;
    private final CurrentIdentityAssociation identities;

    public AuditTrail(HxoPublisher publisher, CurrentIdentityAssociation identities) {
        this.publisher = publisher;
        this.identities = identities;
    }

    @ServerResponseFilter
    public void record(ContainerRequestContext request, ContainerResponseContext response, RoutingContext http) {
        if (!CHANGING.contains(request.getMethod())) {
            return;
        }
        String method = request.getMethod();
        String path = request.getUriInfo().getPath();
        int status = response.getStatus();
        String client = http == null ? null : String.valueOf(http.request().remoteAddress());
        Instant at = Instant.now();
        // The identity may still be resolving (authentication is lazy); never block for it here.
        identities.getDeferredIdentity().subscribe().with(
                who -> emit(who, method, path, status, client, at),
                failure -> emit(null, method, path, status, client, at));
    }

    private void emit(SecurityIdentity who, String method, String path, int status, String client, Instant at) {
        boolean anonymous = who == null || who.isAnonymous();
        String role = anonymous ? null : who.hasRole(Roles.ADMIRAL) ? Roles.ADMIRAL
                : who.hasRole(Roles.CAPTAIN) ? Roles.CAPTAIN : null;
        publisher.emit(Topic.HXO_AUDIT, null, new Events.AuditRecord(anonymous ? "anonymous" : who.getPrincipal().getName(),
                role, method, path, status, client, at));
    }
}
