package io.hxo.gateway.auth;

import io.smallrye.jwt.algorithm.SignatureAlgorithm;
import io.smallrye.jwt.auth.principal.DefaultJWTParser;
import io.smallrye.jwt.auth.principal.JWTAuthContextInfo;
import io.smallrye.jwt.auth.principal.ParseException;
import io.smallrye.jwt.build.Jwt;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import javax.crypto.SecretKey;
import javax.crypto.spec.SecretKeySpec;
import org.eclipse.microprofile.jwt.JsonWebToken;

/**
 * Short-lived bearer tokens: JWTs (RFC 7519) signed with HS256 keyed by {@code SECRET_KEY}, issued
 * by smallrye-jwt-build and verified by smallrye-jwt's parser. Claims: {@code iss}, {@code aud},
 * {@code sub} (who it is for), {@code groups} (the one role), {@code iat}, {@code exp}, {@code jti}.
 * A token verifies when its signature matches {@code SECRET_KEY} or, during a rotation,
 * {@code SECRET_KEY_PREVIOUS}, its issuer and audience are this suite's, it has not expired (give or
 * take the clock skew), it lived no longer than the longest lifetime, and it names a known role.
 * HS256 needs a key of at least 32 bytes; a shorter one signs and verifies nothing.
 */
public final class SignedTokens {
    public static final int MIN_KEY_BYTES = 32;

    /** What a valid token says. */
    public record Claims(String id, String subject, String role, Instant issuedAt, Instant expiresAt) {
    }

    /** Who signs and checks tokens, and what a token must say to be accepted. */
    public record Settings(String issuer, String audience, Duration maxTtl, Duration clockSkew) {
    }

    private final SecretKey current;
    private final List<DefaultJWTParser> verifiers;
    private final Settings settings;

    /** {@code current} signs (and verifies); {@code previous} only verifies. Either may be empty. */
    public SignedTokens(Optional<String> current, Optional<String> previous, Settings settings) {
        this.settings = settings;
        this.current = key(current);
        List<DefaultJWTParser> parsers = new ArrayList<>();
        for (SecretKey k : new SecretKey[] {this.current, key(previous)}) {
            if (k != null) {
                parsers.add(new DefaultJWTParser(context(k, settings)));
            }
        }
        this.verifiers = List.copyOf(parsers);
    }

    private static JWTAuthContextInfo context(SecretKey key, Settings s) {
        JWTAuthContextInfo ctx = new JWTAuthContextInfo(key, s.issuer());
        ctx.setExpectedAudience(Set.of(s.audience()));
        ctx.setSignatureAlgorithm(Set.of(SignatureAlgorithm.HS256));
        ctx.setClockSkew((int) s.clockSkew().toSeconds());
        ctx.setMaxTimeToLiveSecs(s.maxTtl().toSeconds());
        ctx.setRequiredClaims(Set.of("sub", "jti", "iat", "groups"));
        return ctx;
    }

    public boolean canIssue() {
        return current != null;
    }

    /** A JWS in compact form: three base64url parts, the first a JSON header ({@code eyJ} = {@code {"}). */
    public static boolean looksLikeJwt(String token) {
        return token.startsWith("eyJ") && token.chars().filter(c -> c == '.').count() == 2;
    }

    public String issue(String subject, String role, long ttlSeconds) {
        return issue(subject, role, Instant.now(), ttlSeconds);
    }

    /** As {@link #issue(String, String, long)}, as if issued at {@code issuedAt}. */
    public String issue(String subject, String role, Instant issuedAt, long ttlSeconds) {
        if (!canIssue()) {
            throw new IllegalStateException("SECRET_KEY is not set or shorter than " + MIN_KEY_BYTES + " bytes");
        }
        long iat = issuedAt.getEpochSecond();
        return Jwt.issuer(settings.issuer()).audience(settings.audience()).subject(subject).groups(role)
                .issuedAt(iat).expiresAt(iat + ttlSeconds).claim("jti", UUID.randomUUID().toString())
                .jws().algorithm(SignatureAlgorithm.HS256).sign(current);
    }

    /** The token's claims when it is genuine, unexpired and names a known role; empty otherwise. */
    public Optional<Claims> verify(String token) {
        JsonWebToken valid = null;
        for (DefaultJWTParser parser : verifiers) {
            // Every key is tried, so timing does not tell which one matched.
            try {
                JsonWebToken t = parser.parse(token);
                valid = valid == null ? t : valid;
            } catch (ParseException | RuntimeException e) {
                // not this key, or not a valid token at all
            }
        }
        if (valid == null) {
            return Optional.empty();
        }
        Set<String> groups = valid.getGroups();
        String role = groups.contains(Roles.ADMIRAL) ? Roles.ADMIRAL
                : groups.contains(Roles.CAPTAIN) ? Roles.CAPTAIN : null;
        if (role == null || groups.size() != 1 || valid.getSubject() == null) {
            return Optional.empty();
        }
        return Optional.of(new Claims(valid.getTokenID(), valid.getSubject(), role,
                Instant.ofEpochSecond(valid.getIssuedAtTime()), Instant.ofEpochSecond(valid.getExpirationTime())));
    }

    private static SecretKey key(Optional<String> secret) {
        return secret.filter(s -> s.getBytes(StandardCharsets.UTF_8).length >= MIN_KEY_BYTES && !s.isBlank())
                .map(s -> (SecretKey) new SecretKeySpec(s.getBytes(StandardCharsets.UTF_8), "HmacSHA256"))
                .orElse(null);
    }
}
