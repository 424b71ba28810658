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
import java.util.regex.Pattern;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Short-lived tokens (JWTs), minted by an admiral for CI jobs, consoles and people. */
@Path("/api/auth")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "auth")
public class AuthResource {
    @Schema(name = "TokenRequest", description = "What the token is for")
    public record TokenRequest(
            @Schema(required = true, enumeration = {Roles.ADMIRAL, Roles.CAPTAIN}) String role,
            @Schema(description = "Lifetime in seconds (default hxo.tokens.default-ttl, 900; at most"
                    + " hxo.tokens.max-ttl, 3600)", minimum = "1", examples = "600") Long ttlSeconds,
            @Schema(description = "Who it is for: 1 to 100 letters, digits and . _ @ : - (default"
                    + " issued-by-<principal>); the token's sub, and its principal in the audit trail",
                    pattern = "^[A-Za-z0-9._@:-]{1,100}$", examples = "ci-nightly") String subject) {
    }

    @Schema(name = "TokenAnswer", description = "A JWT to send as Authorization: Bearer <token> until expires_at")
    public record TokenAnswer(
            @Schema(required = true, description = "The JWT (HS256): iss, aud, sub, groups [role], iat, exp, jti")
            String token,
            @Schema(required = true, examples = "Bearer") String tokenType,
            @Schema(required = true, enumeration = {Roles.ADMIRAL, Roles.CAPTAIN}) String role,
            @Schema(required = true) String subject,
            @Schema(required = true, description = "The token's jti") String tokenId,
            @Schema(required = true) Instant issuedAt,
            @Schema(required = true) Instant expiresAt) {
    }

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
    @Operation(operationId = "issueToken", summary = "Mint a short-lived token",
            description = "A JWT signed with SECRET_KEY (HS256) for the role and subject asked. Only the ADMIRAL_TOKEN"
                    + " may mint (a JWT may not mint another: 403); without a SECRET_KEY of at least 32 bytes nothing is"
                    + " minted (409).")
    @APIResponse(responseCode = "200", description = "The token", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TokenAnswer.class)))
    @APIResponse(responseCode = "409", ref = "Conflict")
    public TokenAnswer issue(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = TokenRequest.class),
            examples = @ExampleObject(name = "ci", value = Examples.TOKEN_REQUEST))) String body) {
        if (identity.getAttribute(BearerTokenMechanism.SIGNED_TOKEN) != null) {
            throw ApiProblem.of(403, "forbidden", "Forbidden",
                    "a short-lived token cannot mint tokens; use the admiral token");
        }
        if (!tokens.canIssue()) {
            throw ApiProblem.of(409, "tokens-disabled", "Signed tokens disabled", "SECRET_KEY is not set or shorter"
                    + " than " + SignedTokens.MIN_KEY_BYTES + " bytes, so this gateway signs no tokens");
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
        SignedTokens.Claims claims = tokens.verify(token).orElseThrow(
                () -> new IllegalStateException("a token just minted does not verify"));
        return new TokenAnswer(token, "Bearer", claims.role(), claims.subject(), claims.id(), claims.issuedAt(),
                claims.expiresAt());
    }
}
