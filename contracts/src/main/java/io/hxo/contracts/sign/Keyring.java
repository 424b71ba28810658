package io.hxo.contracts.sign;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * The signing keys of a service: the current {@code SEED_SECRET}, which signs, and during a rotation
 * the previous one, which still verifies. A key id is derived from the secret itself, so both
 * sides agree on it without configuring one, and it reveals nothing about the secret.
 */
public final class Keyring {
    private final Key current;
    private final Map<String, Key> verifying = new LinkedHashMap<>();

    public record Key(String id, byte[] secret) {
    }

    public Keyring(String currentSecret, String previousSecret) {
        Objects.requireNonNull(currentSecret, "current secret");
        if (currentSecret.isEmpty()) {
            throw new IllegalArgumentException("the signing secret is empty");
        }
        this.current = key(currentSecret);
        verifying.put(current.id(), current);
        if (previousSecret != null && !previousSecret.isEmpty()) {
            Key previous = key(previousSecret);
            verifying.putIfAbsent(previous.id(), previous);
        }
    }

    public static String keyId(String secret) {
        byte[] h = HashAlg.SHA_256.hash(("hxo-kid:" + secret).getBytes(StandardCharsets.UTF_8));
        return Hex.of(h, 0, 8);
    }

    public Key current() {
        return current;
    }

    public Optional<Key> find(String keyId) {
        return Optional.ofNullable(keyId == null ? null : verifying.get(keyId));
    }

    private static Key key(String secret) {
        return new Key(keyId(secret), secret.getBytes(StandardCharsets.UTF_8));
    }
}
