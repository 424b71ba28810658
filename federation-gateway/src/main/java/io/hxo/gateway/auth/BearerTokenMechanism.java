package io.hxo.gateway.auth;

import io.hxo.gateway.config.GatewayConfig;
import io.quarkus.security.AuthenticationFailedException;
import io.quarkus.security.identity.IdentityProviderManager;
import io.quarkus.security.identity.SecurityIdentity;
import io.quarkus.security.identity.request.AuthenticationRequest;
import io.quarkus.security.runtime.QuarkusPrincipal;
import io.quarkus.security.runtime.QuarkusSecurityIdentity;
import io.quarkus.vertx.http.runtime.security.ChallengeData;
import io.quarkus.vertx.http.runtime.security.HttpAuthenticationMechanism;
import io.smallrye.mutiny.Uni;
import io.vertx.ext.web.RoutingContext;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Optional;
import java.util.Set;

/**
 * {@code Authorization: Bearer <token>}: the admiral and captain tokens from the environment,
 * compared in constant time, or a short-lived JWT signed with {@code SECRET_KEY} (see
 * {@link SignedTokens}); a JWT's principal is its subject. This is the only mechanism: the
 * quarkus-smallrye-jwt one is switched off ({@code quarkus.smallrye-jwt.enabled=false}) because it
 * would refuse the static tokens and knows one key only, where a rotation needs two. Anything else
 * in the header is refused with a sentence saying what to send; the sentence reaches the client in
 * the 401 problem document.
 */
@ApplicationScoped
public class BearerTokenMechanism implements HttpAuthenticationMechanism {
    public static final String FAILURE = "hxo.auth.failure";
    /** Identity attribute holding the {@link SignedTokens.Claims} when a JWT authenticated. */
    public static final String SIGNED_TOKEN = "hxo.signed-token";

    private final byte[] admiral;
    private final byte[] captain;
    private final SignedTokens signed;

    public BearerTokenMechanism(GatewayConfig config, SignedTokens signed) {
        this.admiral = bytes(config.admiralToken());
        this.captain = bytes(config.captainToken());
        this.signed = signed;
    }

    @Override
    public Uni<SecurityIdentity> authenticate(RoutingContext ctx, IdentityProviderManager identityProviderManager) {
        String header = ctx.request().getHeader("Authorization");
        if (header == null || header.isBlank()) {
            return Uni.createFrom().optional(Optional.empty());
        }
        String h = header.trim();
        if (!h.regionMatches(true, 0, "Bearer ", 0, 7)) {
            String scheme = h.split("\\s+", 2)[0];
            return fail(ctx, "Authorization: " + scheme + " is not accepted; send Authorization: Bearer <token>");
        }
        String text = h.substring(7).trim();
        byte[] token = text.getBytes(StandardCharsets.UTF_8);
        // Both comparisons always run, so timing does not tell which token came close.
        boolean isAdmiral = admiral.length > 0 & MessageDigest.isEqual(token, admiral);
        boolean isCaptain = captain.length > 0 & MessageDigest.isEqual(token, captain);
        if (isAdmiral) {
            return Uni.createFrom().item(identity(Roles.ADMIRAL, Set.of(Roles.ADMIRAL, Roles.CAPTAIN)));
        }
        if (isCaptain) {
            return Uni.createFrom().item(identity(Roles.CAPTAIN, Set.of(Roles.CAPTAIN)));
        }
        if (SignedTokens.looksLikeJwt(text)) {
            return signed.verify(text)
                    .map(c -> Uni.createFrom().<SecurityIdentity>item(QuarkusSecurityIdentity.builder()
                            .setPrincipal(new QuarkusPrincipal(c.subject()))
                            .addRoles(c.role().equals(Roles.ADMIRAL) ? Set.of(Roles.ADMIRAL, Roles.CAPTAIN)
                                    : Set.of(Roles.CAPTAIN))
                            .addAttribute(SIGNED_TOKEN, c).build()))
                    .orElseGet(() -> fail(ctx, "the token is not valid: expired, not issued for this suite, or not"
                            + " signed with its SECRET_KEY"));
        }
        return fail(ctx, "the bearer token is not valid");
    }

    private static Uni<SecurityIdentity> fail(RoutingContext ctx, String why) {
        ctx.put(FAILURE, why);
        return Uni.createFrom().failure(new AuthenticationFailedException(why));
    }

    private static SecurityIdentity identity(String name, Set<String> roles) {
        return QuarkusSecurityIdentity.builder().setPrincipal(new QuarkusPrincipal(name)).addRoles(roles).build();
    }

    @Override
    public Uni<ChallengeData> getChallenge(RoutingContext context) {
        return Uni.createFrom().item(new ChallengeData(401, "WWW-Authenticate", "Bearer realm=\"hxo\""));
    }

    @Override
    public Set<Class<? extends AuthenticationRequest>> getCredentialTypes() {
        return Set.of();
    }

    private static byte[] bytes(Optional<String> token) {
        return token.filter(t -> !t.isBlank()).map(t -> t.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    }
}
