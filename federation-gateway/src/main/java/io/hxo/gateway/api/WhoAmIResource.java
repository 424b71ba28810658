package io.hxo.gateway.api;

import io.hxo.gateway.auth.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * Who the bearer token stands for. The ops console asks once after sign-in, to tell a bad token from
 * a good one and to show the admiral's actions only to admirals (the gateway still checks each call).
 */
@Path("/api/auth")
public class WhoAmIResource {
    private final SecurityIdentity identity;

    public WhoAmIResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Path("/whoami")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "The caller's principal and role (admiral or captain), as the gateway authenticated it")
    public Map<String, Object> whoami() {
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("principal", identity.getPrincipal().getName());
        body.put("role", identity.hasRole(Roles.ADMIRAL) ? Roles.ADMIRAL : Roles.CAPTAIN);
        body.put("roles", new TreeSet<>(identity.getRoles()));
        return body;
    }
}
