package io.hxo.planner.secrets;

import io.hxo.contracts.hash.Hex;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.List;
import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;

/**
 * Seals plan secrets at rest with AES-256-GCM under a key derived from {@code SEED_SECRET} (the
 * previous seed still opens what it sealed during a rotation), and fingerprints them with a keyed
 * HMAC, so a fingerprint shown in a report cannot be used to guess a weak password offline.
 */
final class SecretSeal {
    private static final String SEAL_LABEL = "hxo-plan-secrets-v1/seal";
    private static final String FINGERPRINT_LABEL = "hxo-plan-secrets-v1/fingerprint";
    private static final SecureRandom RANDOM = new SecureRandom();

    /** A key derived from one seed: its id (shown nowhere but the table) and the AES key. */
    record Key(String id, byte[] aes, byte[] fingerprint) {
    }

    private final List<Key> keys;

    /** {@code seeds}: the current seed first, then the previous one if any. */
    SecretSeal(List<String> seeds) {
        if (seeds.isEmpty() || seeds.get(0).isEmpty()) {
            throw new IllegalArgumentException("SEED_SECRET is not set: plan secrets cannot be sealed");
        }
        this.keys = seeds.stream().filter(s -> !s.isEmpty())
                .map(s -> new Key(Hex.of(hmac(s.getBytes(StandardCharsets.UTF_8), "hxo-plan-secrets-v1/id"), 0, 8),
                        hmac(s.getBytes(StandardCharsets.UTF_8), SEAL_LABEL),
                        hmac(s.getBytes(StandardCharsets.UTF_8), FINGERPRINT_LABEL)))
                .toList();
    }

    /** 128 bits of a keyed HMAC over the value, in hex. */
    String fingerprint(String value) {
        return Hex.of(hmac(keys.get(0).fingerprint(), value), 0, 16);
    }

    String currentKeyId() {
        return keys.get(0).id();
    }

    /** IV followed by ciphertext and tag; the fingerprint is bound in as associated data. */
    byte[] seal(String fingerprint, String value) {
        try {
            byte[] iv = new byte[12];
            RANDOM.nextBytes(iv);
            Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
            c.init(Cipher.ENCRYPT_MODE, new SecretKeySpec(keys.get(0).aes(), "AES"), new GCMParameterSpec(128, iv));
            c.updateAAD(fingerprint.getBytes(StandardCharsets.UTF_8));
            byte[] ct = c.doFinal(value.getBytes(StandardCharsets.UTF_8));
            byte[] out = Arrays.copyOf(iv, iv.length + ct.length);
            System.arraycopy(ct, 0, out, iv.length, ct.length);
            return out;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot seal a plan secret", e);
        }
    }

    /** Opens a sealed value with the key it was sealed under; null when no current key can. */
    String open(String keyId, String fingerprint, byte[] sealed) {
        for (Key k : keys) {
            if (!k.id().equals(keyId)) {
                continue;
            }
            try {
                Cipher c = Cipher.getInstance("AES/GCM/NoPadding");
                c.init(Cipher.DECRYPT_MODE, new SecretKeySpec(k.aes(), "AES"), new GCMParameterSpec(128, sealed, 0, 12));
                c.updateAAD(fingerprint.getBytes(StandardCharsets.UTF_8));
                return new String(c.doFinal(sealed, 12, sealed.length - 12), StandardCharsets.UTF_8);
            } catch (GeneralSecurityException e) {
                return null;
            }
        }
        return null;
    }

    private static byte[] hmac(byte[] key, String label) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac.doFinal(label.getBytes(StandardCharsets.UTF_8));
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }
}
