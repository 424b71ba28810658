package io.hxo.runtime.config;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * The sanitized configuration snapshot a service reports in its heartbeat for ARIE's rules: every
 * catalog variable's effective value, except that secrets and tokens are reduced to facts (length,
 * a short fingerprint) and a database URL to its user and whether it carries a password.
 */
public final class ConfigFacts {
    private ConfigFacts() {
    }

    public static Map<String, Object> of(Map<String, String> env) {
        Map<String, Object> facts = new LinkedHashMap<>();
        for (EnvCatalog.Variable var : EnvCatalog.VARIABLES) {
            String raw = env.get(var.name());
            String value = raw == null || raw.isEmpty() ? var.defaultValue() : raw.trim();
            String key = var.name().toLowerCase();
            switch (var.kind()) {
                case SECRET, TOKEN -> {
                    facts.put(key + "_set", value != null);
                    if (value != null) {
                        facts.put(key + "_length", value.length());
                        facts.put(key + "_fingerprint", fingerprint(value));
                    }
                }
                case DATABASE_URL -> {
                    if (value != null) {
                        try {
                            DatabaseUrl url = DatabaseUrl.parse(value);
                            facts.put("database_user", url.username());
                            boolean password = url.password() != null && !url.password().isEmpty();
                            facts.put("database_password_set", password);
                            if (password) {
                                facts.put("database_password_fingerprint", fingerprint(url.password()));
                            }
                            facts.put("database_host", url.host());
                        } catch (IllegalArgumentException e) {
                            facts.put("database_url_valid", false);
                        }
                    }
                }
                case URL -> facts.put(key + "_set", value != null);
                default -> {
                    if (value != null) {
                        facts.put(key, value);
                    }
                }
            }
        }
        return facts;
    }

    /** The first 8 bytes of SHA-256 over the value, in hex: enough to tell two secrets apart, nothing more. */
    public static String fingerprint(String secret) {
        return Hex.of(HashAlg.SHA_256.hash(("hxo-fp:" + secret).getBytes(StandardCharsets.UTF_8)), 0, 8);
    }
}
