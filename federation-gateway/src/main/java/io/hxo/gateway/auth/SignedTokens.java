package io.hxo.gateway.auth;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Short-lived bearer tokens signed with {@code SECRET_KEY}:
 * {@code hxo1.<claims>.<signature>}, where {@code claims} is the base64url (unpadded) JSON
 * {@code {"sub", "role", "iat", "exp"}} (epoch seconds) and {@code signature} the base64url
 * HMAC-SHA-256, keyed by the secret, of the text {@code hxo1.<claims>}. A token verifies when its
 * signature matches under {@code SECRET_KEY} or, during a rotation, {@code SECRET_KEY_PREVIOUS}
 * (both compared in constant time), its role is known and {@code exp} is still ahead.
 */
public final class SignedTokens {
    public static final String PREFIX = "hxo1.";
    private static final Base64.Encoder B64 = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder B64D = Base64.getUrlDecoder();

    /** What a valid token says. */
    public record Claims(String subject, String role, Instant issuedAt, Instant expiresAt) {
    }

    private final byte[] current;
    private final List<byte[]> accepted;
    private final Clock clock;

    /** {@code current} signs (and verifies); {@code previous} only verifies. Either may be empty. */
    public SignedTokens(Optional<String> current, Optional<String> previous, Clock clock) {
        this.current = key(current);
        List<byte[]> keys = new ArrayList<>();
        if (this.current.length > 0) {
            keys.add(this.current);
        }
        byte[] prev = key(previous);
        if (prev.length > 0) {
            keys.add(prev);
        }
        this.accepted = List.copyOf(keys);
        this.clock = clock;
    }

    public boolean canIssue() {
        return current.length > 0;
    }

    public static boolean looksSigned(String token) {
        return token.startsWith(PREFIX);
    }

    public String issue(String subject, String role, long ttlSeconds) {
        if (!canIssue()) {
            throw new IllegalStateException("SECRET_KEY is not set");
        }
        long now = clock.instant().getEpochSecond();
        ObjectNode claims = Json.mapper().createObjectNode().put("sub", subject).put("role", role).put("iat", now)
                .put("exp", now + ttlSeconds);
        String body = PREFIX + B64.encodeToString(Json.bytes(claims));
        return body + "." + B64.encodeToString(mac(current, body));
    }

    /** The token's claims when it is genuine, unexpired and names a known role; empty otherwise. */
    public Optional<Claims> verify(String token) {
        int dot = token.lastIndexOf('.');
        if (accepted.isEmpty() || !looksSigned(token) || dot <= PREFIX.length()) {
            return Optional.empty();
        }
        String body = token.substring(0, dot);
        byte[] given;
        try {
            given = B64D.decode(token.substring(dot + 1));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
        boolean genuine = false;
        for (byte[] key : accepted) {
            // Every key is tried, so timing does not tell which one matched.
            genuine |= MessageDigest.isEqual(mac(key, body), given);
        }
        if (!genuine) {
            return Optional.empty();
        }
        try {
            JsonNode c = Json.tree(B64D.decode(body.substring(PREFIX.length())));
            String role = c.path("role").asText();
            Instant exp = Instant.ofEpochSecond(c.path("exp").asLong(0));
            if (!(Roles.ADMIRAL.equals(role) || Roles.CAPTAIN.equals(role)) || !clock.instant().isBefore(exp)
                    || !c.path("sub").isTextual()) {
                return Optional.empty();
            }
            return Optional.of(new Claims(c.path("sub").asText(), role, Instant.ofEpochSecond(c.path("iat").asLong(0)),
                    exp));
        } catch (RuntimeException e) {
            return Optional.empty();
        }
    }

    private static byte[] mac(byte[] key, String text) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(text.getBytes(StandardCharsets.US_ASCII));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 unavailable", e);
        }
    }

    private static byte[] key(Optional<String> secret) {
        return secret.filter(s -> !s.isBlank()).map(s -> s.getBytes(StandardCharsets.UTF_8)).orElse(new byte[0]);
    }
}
