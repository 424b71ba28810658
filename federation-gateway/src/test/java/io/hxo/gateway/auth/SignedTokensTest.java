package io.hxo.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Short-lived tokens are HS256 JWTs: claims, expiry, key rotation, tampering, foreign issuers. */
class SignedTokensTest {
    static final String K1 = "first-secret-key-0123456789abcdefghijklmnop";
    static final String K2 = "second-secret-key-0123456789abcdefghijklmno";
    static final SignedTokens.Settings SETTINGS = new SignedTokens.Settings("hxo-federation-gateway", "hxo",
            Duration.ofHours(1), Duration.ofSeconds(5));

    static SignedTokens keys(String current, String previous) {
        return keys(current, previous, SETTINGS);
    }

    static SignedTokens keys(String current, String previous, SignedTokens.Settings settings) {
        return new SignedTokens(Optional.ofNullable(current), Optional.ofNullable(previous), settings);
    }

    static JsonNode part(String token, int i) {
        return Json.tree(Base64.getUrlDecoder().decode(token.split("\\.")[i]));
    }

    @Test
    void aTokenIsAnHs256JwtWithTheStandardClaimsAndTheRoleInGroups() {
        Instant now = Instant.now();
        String token = keys(K1, null).issue("ci", "captain", 600);
        assertThat(SignedTokens.looksLikeJwt(token)).isTrue();
        assertThat(part(token, 0).path("alg").asText()).isEqualTo("HS256");
        JsonNode claims = part(token, 1);
        assertThat(claims.path("iss").asText()).isEqualTo("hxo-federation-gateway");
        assertThat(claims.path("aud").isArray() ? claims.path("aud").get(0).asText() : claims.path("aud").asText())
                .isEqualTo("hxo");
        assertThat(claims.path("sub").asText()).isEqualTo("ci");
        assertThat(claims.path("groups").get(0).asText()).isEqualTo("captain");
        assertThat(claims.path("exp").asLong() - claims.path("iat").asLong()).isEqualTo(600);
        assertThat(claims.path("iat").asLong()).isBetween(now.getEpochSecond() - 1, now.getEpochSecond() + 1);
        assertThat(claims.path("jti").asText()).isNotBlank();

        SignedTokens.Claims c = keys(K1, null).verify(token).orElseThrow();
        assertThat(c.subject()).isEqualTo("ci");
        assertThat(c.role()).isEqualTo("captain");
        assertThat(c.id()).isEqualTo(claims.path("jti").asText());
        assertThat(c.expiresAt()).isEqualTo(c.issuedAt().plusSeconds(600));
        assertThat(keys(K1, null).issue("ci", "captain", 600)).as("each token has its own jti")
                .satisfies(other -> assertThat(part(other, 1).path("jti")).isNotEqualTo(claims.path("jti")));
    }

    @Test
    void anExpiredTokenIsRefused() {
        String expired = keys(K1, null).issue("ci", "captain", Instant.now().minusSeconds(120), 60);
        assertThat(keys(K1, null).verify(expired)).isEmpty();
        String fresh = keys(K1, null).issue("ci", "captain", Instant.now().minusSeconds(30), 60);
        assertThat(keys(K1, null).verify(fresh)).isPresent();
    }

    @Test
    void thePreviousKeyVerifiesDuringARotationAndNotAfter() {
        String old = keys(K1, null).issue("ops", "admiral", 600);
        assertThat(keys(K2, K1).verify(old)).as("SECRET_KEY_PREVIOUS = the old key").isPresent();
        assertThat(keys(K2, null).verify(old)).as("previous key removed").isEmpty();
        String fresh = keys(K2, K1).issue("ops", "admiral", 600);
        assertThat(keys(K2, null).verify(fresh)).as("new tokens use the new key").isPresent();
        assertThat(keys(K1, null).verify(fresh)).isEmpty();
    }

    @Test
    void aWrongKeyATamperedClaimAnUnknownRoleOrAForeignIssuerIsRefused() {
        String token = keys(K1, null).issue("ci", "captain", 600);
        assertThat(keys(K2, null).verify(token)).isEmpty();
        String[] parts = token.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(new String(
                Base64.getUrlDecoder().decode(parts[1]), StandardCharsets.UTF_8).replace("captain", "admiral")
                .getBytes(StandardCharsets.UTF_8));
        assertThat(keys(K1, null).verify(parts[0] + "." + forged + "." + parts[2])).isEmpty();
        assertThat(keys(K1, null).verify(parts[0] + "." + parts[1] + ".")).as("no signature").isEmpty();
        assertThat(keys(K1, null).verify(keys(K1, null).issue("x", "root", 600))).isEmpty();
        SignedTokens otherSuite = keys(K1, null, new SignedTokens.Settings("someone-else", "hxo", Duration.ofHours(1),
                Duration.ofSeconds(5)));
        assertThat(keys(K1, null).verify(otherSuite.issue("ci", "captain", 600))).as("foreign issuer").isEmpty();
        SignedTokens otherAudience = keys(K1, null, new SignedTokens.Settings("hxo-federation-gateway", "elsewhere",
                Duration.ofHours(1), Duration.ofSeconds(5)));
        assertThat(keys(K1, null).verify(otherAudience.issue("ci", "captain", 600))).as("foreign audience").isEmpty();
        assertThat(keys(K1, null).verify(keys(K1, null).issue("ci", "captain", 7200))).as("longer than max-ttl")
                .isEmpty();
        assertThat(keys(K1, null).verify("eyJ.e30.x")).isEmpty();
    }

    @Test
    void withoutAUsableSecretKeyNothingIsIssuedOrAccepted() {
        String token = keys(K1, null).issue("ci", "captain", 600);
        SignedTokens none = keys(null, null);
        assertThat(none.canIssue()).isFalse();
        assertThat(none.verify(token)).isEmpty();
        assertThat(keys("  ", null).canIssue()).isFalse();
        assertThat(keys("short-key", null).canIssue()).as("HS256 needs 32 bytes").isFalse();
    }
}
