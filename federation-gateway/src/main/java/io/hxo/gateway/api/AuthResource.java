package io.hxo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.gateway.auth.BearerTokenMechanism;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.auth.SignedTokens;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.gateway.problem.ApiProblem;
import io.quarkus.security.identity.SecurityIdentity;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** Short-lived signed tokens, minted by an admiral for CI jobs, consoles and people. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
public class AuthResource {
    private static final Pattern SUBJECT = Pattern.compile("[A-Za-z0-9._@:-]{1,100}");

    private final SignedTokens tokens;
    private final SecurityIdentity identity;
    private final GatewayConfig config;

    public AuthResource(SignedTokens tokens, SecurityIdentity identity, GatewayConfig config) {
        this.tokens = tokens;
        this.identity = identity;
        this.config = config;
    }

    @POST
    @Path("/token")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Mint a short-lived bearer token signed with SECRET_KEY: {\"role\": admiral|captain,"
            + " \"ttl_seconds\" (default 900, at most hxo.tokens.max-ttl), \"subject\" (who it is for)}."
            + " Only the ADMIRAL_TOKEN may mint; a signed token may not mint another")
    public Map<String, Object> issue(String body) {
        if (identity.getAttribute(BearerTokenMechanism.SIGNED_TOKEN) != null) {
            throw ApiProblem.of(403, "forbidden", "Forbidden",
                    "a signed token cannot mint tokens; use the admiral token");
        }
        if (!tokens.canIssue()) {
            throw ApiProblem.of(409, "tokens-disabled", "Signed tokens disabled",
                    "SECRET_KEY is not set, so this gateway signs no tokens");
        }
        JsonNode in = ApiProblem.jsonObject(body, "with \"role\"");
        JsonNode role = in.path("role");
        if (!role.isTextual() || !(Roles.ADMIRAL.equals(role.asText()) || Roles.CAPTAIN.equals(role.asText()))) {
            throw ApiProblem.badRequest("role must be \"admiral\" or \"captain\"");
        }
        long max = config.tokens().maxTtl().toSeconds();
        long ttl = config.tokens().defaultTtl().toSeconds();
        JsonNode ttlNode = in.path("ttl_seconds");
        if (!ttlNode.isMissingNode() && !ttlNode.isNull()) {
            if (!ttlNode.canConvertToLong() || !ttlNode.isIntegralNumber() || ttlNode.asLong() < 1 || ttlNode.asLong() > max) {
                throw ApiProblem.badRequest("ttl_seconds must be a whole number from 1 to " + max);
            }
            ttl = ttlNode.asLong();
        }
        String subject = "issued-by-" + identity.getPrincipal().getName();
        JsonNode subjectNode = in.path("subject");
        if (!subjectNode.isMissingNode() && !subjectNode.isNull()) {
            if (!subjectNode.isTextual() || !SUBJECT.matcher(subjectNode.asText()).matches()) {
                throw ApiProblem.badRequest("subject must be 1 to 100 characters of letters, digits and . _ @ : -");
            }
            subject = subjectNode.asText();
        }
        String token = tokens.issue(subject, role.asText(), ttl);
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("token", token);
        out.put("token_type", "Bearer");
        out.put("role", role.asText());
        out.put("subject", subject);
        out.put("expires_at", tokens.verify(token).map(SignedTokens.Claims::expiresAt).orElse(Instant.now()));
        return out;
    }
}
