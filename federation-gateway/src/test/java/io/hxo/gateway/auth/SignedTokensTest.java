package io.hxo.gateway.auth;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** The signed token format: issue, verify, expiry, key rotation, tampering. */
class SignedTokensTest {
    static final String K1 = "first-secret-key-0123456789abcdefghijklmnop";
    static final String K2 = "second-secret-key-0123456789abcdefghijklmno";
    static final Instant T0 = Instant.parse("2026-11-29T03:00:00Z");

    static SignedTokens keys(String current, String previous, Instant now) {
        return new SignedTokens(Optional.ofNullable(current), Optional.ofNullable(previous), Clock.fixed(now, ZoneOffset.UTC));
    }

    @Test
    void aTokenVerifiesWithItsClaimsUntilItExpires() {
        String token = keys(K1, null, T0).issue("ci", "captain", 600);
        assertThat(token).startsWith("hxo1.");
        SignedTokens.Claims c = keys(K1, null, T0.plusSeconds(599)).verify(token).orElseThrow();
        assertThat(c.subject()).isEqualTo("ci");
        assertThat(c.role()).isEqualTo("captain");
        assertThat(c.issuedAt()).isEqualTo(T0);
        assertThat(c.expiresAt()).isEqualTo(T0.plusSeconds(600));
        assertThat(keys(K1, null, T0.plusSeconds(600)).verify(token)).as("expired").isEmpty();
    }

    @Test
    void thePreviousKeyVerifiesDuringARotationAndNotAfter() {
        String old = keys(K1, null, T0).issue("ops", "admiral", 600);
        assertThat(keys(K2, K1, T0).verify(old)).isPresent();
        assertThat(keys(K2, null, T0).verify(old)).as("previous key removed").isEmpty();
        assertThat(keys(K2, K1, T0).issue("ops", "admiral", 600)).as("new tokens use the new key")
                .satisfies(t -> assertThat(keys(K2, null, T0).verify(t)).isPresent());
    }

    @Test
    void aWrongKeyATamperedClaimOrAnUnknownRoleIsRefused() {
        String token = keys(K1, null, T0).issue("ci", "captain", 600);
        assertThat(keys(K2, null, T0).verify(token)).isEmpty();
        String[] parts = token.split("\\.");
        String forged = Base64.getUrlEncoder().withoutPadding().encodeToString(
                new String(Base64.getUrlDecoder().decode(parts[1])).replace("captain", "admiral").getBytes());
        assertThat(keys(K1, null, T0).verify(parts[0] + "." + forged + "." + parts[2])).isEmpty();
        assertThat(keys(K1, null, T0).verify(keys(K1, null, T0).issue("x", "root", 600))).isEmpty();
        assertThat(keys(K1, null, T0).verify("hxo1.")).isEmpty();
        assertThat(keys(K1, null, T0).verify("hxo1.e30.%%%")).isEmpty();
        assertThat(keys(K1, null, T0).verify("hxo1.bm90IGpzb24." + parts[2])).isEmpty();
    }

    @Test
    void withoutSecretKeyNothingIsIssuedOrAccepted() {
        String token = keys(K1, null, T0).issue("ci", "captain", 600);
        SignedTokens none = keys(null, null, T0);
        assertThat(none.canIssue()).isFalse();
        assertThat(none.verify(token)).isEmpty();
        assertThat(keys("  ", null, T0).canIssue()).isFalse();
    }
}
