package io.hxo.arie.rules;

import io.hxo.runtime.config.ConfigFacts;
import java.util.Collection;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Secrets that tutorials, templates and this repository's own test profile use. A service whose
 * secret fingerprint is one of theirs runs with a secret anyone can look up.
 */
public final class KnownDefaultSecrets {
    /** The values; only their {@link ConfigFacts#fingerprint} is compared. */
    public static final List<String> VALUES = List.of(
            "changeme", "change-me", "changeit", "secret", "secret-key", "secretkey", "supersecret",
            "dev-secret-key", "dev-secret", "your-secret-key", "default", "password", "admin", "postgres",
            "hxo-dev-secret", "test-seed-secret-0123456789-abcdefghijklmnop");

    private KnownDefaultSecrets() {
    }

    /** The fingerprints of {@link #VALUES} and of {@code extra} (operator-supplied defaults). */
    public static Set<String> fingerprints(Collection<String> extra) {
        Set<String> out = new LinkedHashSet<>();
        VALUES.forEach(v -> out.add(ConfigFacts.fingerprint(v)));
        if (extra != null) {
            extra.forEach(v -> out.add(ConfigFacts.fingerprint(v)));
        }
        return Set.copyOf(out);
    }
}
