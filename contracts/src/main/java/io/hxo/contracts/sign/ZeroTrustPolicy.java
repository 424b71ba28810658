package io.hxo.contracts.sign;

import io.hxo.contracts.hash.HashAlg;
import java.time.Duration;
import java.util.Map;

/**
 * The zero-trust settings a Kafka client reads from its own configuration map, so one interceptor
 * class serves every producer and consumer of every service.
 *
 * <p>Keys: {@code hxo.seed-secret}, {@code hxo.seed-secret-previous}, {@code hxo.quantum-hashing},
 * {@code hxo.zero-trust}, {@code hxo.replay-window-ms}, {@code hxo.replay-cache-size},
 * {@code hxo.service}, {@code hxo.instance}.
 */
public record ZeroTrustPolicy(
        EventSigner signer,
        boolean enforce,
        Duration replayWindow,
        int replayCacheSize,
        String service,
        String instance) {

    public static final String SEED_SECRET = "hxo.seed-secret";
    public static final String SEED_SECRET_PREVIOUS = "hxo.seed-secret-previous";
    public static final String QUANTUM_HASHING = "hxo.quantum-hashing";
    public static final String ZERO_TRUST = "hxo.zero-trust";
    public static final String REPLAY_WINDOW_MS = "hxo.replay-window-ms";
    public static final String REPLAY_CACHE_SIZE = "hxo.replay-cache-size";
    public static final String SERVICE = "hxo.service";
    public static final String INSTANCE = "hxo.instance";

    public static ZeroTrustPolicy fromConfig(Map<String, ?> config) {
        String secret = string(config, SEED_SECRET, "");
        boolean enforce = Boolean.parseBoolean(string(config, ZERO_TRUST, "true"));
        EventSigner signer = null;
        if (!secret.isEmpty()) {
            HashAlg alg = HashAlg.forQuantumHashing(Boolean.parseBoolean(string(config, QUANTUM_HASHING, "true")));
            signer = new EventSigner(new Keyring(secret, string(config, SEED_SECRET_PREVIOUS, "")), alg);
        } else if (enforce) {
            throw new IllegalArgumentException("zero trust is on but " + SEED_SECRET + " (SEED_SECRET) is not set");
        }
        return new ZeroTrustPolicy(signer, enforce,
                Duration.ofMillis(Long.parseLong(string(config, REPLAY_WINDOW_MS, "300000"))),
                Integer.parseInt(string(config, REPLAY_CACHE_SIZE, "100000")),
                string(config, SERVICE, "unknown"),
                string(config, INSTANCE, "0"));
    }

    private static String string(Map<String, ?> config, String key, String fallback) {
        Object v = config.get(key);
        return v == null || v.toString().isBlank() ? fallback : v.toString().trim();
    }
}
