package io.hxo.gateway.api;

import io.hxo.gateway.auth.Roles;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.Set;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Who the bearer token stands for. The ops console asks once after sign-in, to tell a bad token from
 * a good one and to show the admiral's actions only to admirals (the gateway still checks each call).
 */
@Path("/api/auth")
@Tag(name = "auth")
public class WhoAmIResource {
    @Schema(name = "Caller", description = "The caller as the gateway authenticated it")
    public record Caller(@Schema(required = true, description = "admiral, captain, or a token's subject")
            String principal, @Schema(required = true, enumeration = {Roles.ADMIRAL, Roles.CAPTAIN}) String role,
            @Schema(required = true) Set<String> roles) {
    }

    private final SecurityIdentity identity;

    public WhoAmIResource(SecurityIdentity identity) {
        this.identity = identity;
    }

    @GET
    @Path("/whoami")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "whoAmI", summary = "The caller's principal and role",
            description = "As the gateway authenticated the bearer token: admiral or captain.")
    @APIResponse(responseCode = "200", description = "The caller", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Caller.class)))
    public Caller whoami() {
        return new Caller(identity.getPrincipal().getName(), identity.hasRole(Roles.ADMIRAL) ? Roles.ADMIRAL
                : Roles.CAPTAIN, new TreeSet<>(identity.getRoles()));
    }
}
