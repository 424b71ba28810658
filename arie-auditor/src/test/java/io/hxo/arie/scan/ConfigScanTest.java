package io.hxo.arie.scan;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;

import com.fasterxml.jackson.core.type.TypeReference;
import io.hxo.arie.rules.ConfigRules;
import io.hxo.arie.rules.KnownDefaultSecrets;
import io.hxo.arie.rules.Location;
import io.hxo.contracts.json.Json;
import io.hxo.runtime.config.ConfigFacts;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The configuration checklist over the facts the four services report, as ConfigFacts builds them. */
class ConfigScanTest {
    static final List<String> SERVICES = List.of("hxo-planner", "genesis-bus", "arie-auditor", "federation-gateway");
    static final Instant NOW = Instant.parse("2026-06-01T00:00:00Z");
    final Auditor auditor = new Auditor(io.hxo.arie.rules.RuleSet.builtin(),
            ScanOptions.defaults().withClock(Clock.fixed(NOW, ZoneOffset.UTC)));

    /** The seed's hardening checklist, followed. */
    static Map<String, String> hardenedEnv() {
        Map<String, String> env = new HashMap<>();
        env.put("SECRET_KEY", "5d518367bec0192738697050d6392678edd4892889e25371302db0f26c07e5ca");
        env.put("SEED_SECRET", "80fed99dec6ccf742211f0a46a293ace845bb7997f0c73b896efcea3919b9589");
        env.put("ADMIRAL_TOKEN", "admiral-7f3e9a1c5b2d8e4f6a0c");
        env.put("CAPTAIN_TOKEN", "captain-2b9d4f7a1e6c3b8d5f0a");
        env.put("DATABASE_URL", "postgresql://hxo:Vq3tY8pLr2Zx9Wm4@db:5432/hxo");
        env.put("HXO_ZERO_TRUST", "true");
        env.put("HXO_QUANTUM_HASHING", "true");
        env.put("HXO_CONSENSUS_MODE", "HARMONIC");
        env.put("HXO_CORS_ORIGINS", "https://console.hxo.example");
        env.put("HXO_RATE_LIMIT_RPS", "100");
        env.put("HXO_AUTO_AUDIT_AFTER_DEPLOY", "true");
        return env;
    }

    /** Every service reports the same environment, as heartbeats carry it (a JSON round trip). */
    static Map<String, Map<String, Object>> suite(Map<String, String> env) {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        for (String service : SERVICES) {
            out.put(service, Json.mapper().convertValue(Json.tree(ConfigFacts.of(env)),
                    new TypeReference<Map<String, Object>>() {
                    }));
        }
        return out;
    }

    @Test
    void insecureSuiteReportsExactlyZeroTrustShortSecretAndCors() {
        Map<String, String> env = hardenedEnv();
        env.put("HXO_ZERO_TRUST", "false");
        env.put("SECRET_KEY", "k3y-short!");
        env.put("HXO_ALLOW_WEAK_SECRETS", "true"); // a service refuses a 10-char secret otherwise
        env.put("HXO_CORS_ORIGINS", "*");

        ScanResult result = auditor.scanConfig(suite(env));

        assertThat(result.findings()).hasSize(3 * SERVICES.size());
        for (String service : SERVICES) {
            assertThat(result.findings()).filteredOn(f -> f.location().service().equals(service))
                    .extracting(Finding::ruleId, f -> f.location().fact())
                    .containsExactlyInAnyOrder(
                            tuple(ConfigRules.ZERO_TRUST, "hxo_zero_trust"),
                            tuple(ConfigRules.SECRET_LENGTH, "secret_key_length"),
                            tuple(ConfigRules.CORS_WILDCARD, "hxo_cors_origins"));
        }
        assertThat(result.findings()).extracting(Finding::message)
                .contains("SECRET_KEY on genesis-bus is 10 characters long, under 32.")
                .noneMatch(m -> m.contains("k3y-short!"));
        assertThat(result.stats().services()).isEqualTo(4);
    }

    @Test
    void hardenedSuiteReportsNothing() {
        assertThat(auditor.scanConfig(suite(hardenedEnv())).findings()).isEmpty();
    }

    @Test
    void hardenedSuiteWithTheFactsContractsShouldAddStillReportsNothing() {
        Map<String, Map<String, Object>> suite = suite(hardenedEnv());
        suite.values().forEach(facts -> {
            facts.put("secret_key_rotated_at", "2026-05-20T08:00:00Z");
            facts.put("seed_secret_rotated_at", "2026-05-20");
            facts.put("hxo_https_enforced", true);
            facts.put("database_password_fingerprint", ConfigFacts.fingerprint("Vq3tY8pLr2Zx9Wm4"));
        });
        assertThat(auditor.scanConfig(suite).findings()).isEmpty();
    }

    @Test
    void knownDefaultSecretsAreRecognisedByTheirFingerprintOnly() {
        Map<String, String> env = hardenedEnv();
        env.put("SEED_SECRET", "test-seed-secret-0123456789-abcdefghijklmnop"); // long enough, but published
        env.put("SECRET_KEY", "changeme");
        env.put("HXO_ALLOW_WEAK_SECRETS", "true");

        List<Finding> found = auditor.scanConfig(Map.of("federation-gateway", ConfigFacts.of(env))).findings();

        assertThat(found).extracting(Finding::ruleId, f -> f.location().fact()).containsExactlyInAnyOrder(
                tuple(ConfigRules.SECRET_LENGTH, "secret_key_length"),
                tuple(ConfigRules.SECRET_DEFAULT, "secret_key_fingerprint"),
                tuple(ConfigRules.SECRET_DEFAULT, "seed_secret_fingerprint"));
        assertThat(KnownDefaultSecrets.fingerprints(List.of())).contains(ConfigFacts.fingerprint("changeme"),
                ConfigFacts.fingerprint("secret"), ConfigFacts.fingerprint("dev-secret-key"));
    }

    @Test
    void operatorsCanAddTheirOwnDefaultSecrets() {
        Map<String, String> env = hardenedEnv();
        ScanOptions options = ScanOptions.defaults().withExtraDefaultSecrets(List.of(env.get("SEED_SECRET")));
        List<Finding> found = new Auditor(io.hxo.arie.rules.RuleSet.builtin(), options)
                .scanConfig(Map.of("hxo-planner", ConfigFacts.of(env))).findings();
        assertThat(found).extracting(Finding::ruleId).containsExactly(ConfigRules.SECRET_DEFAULT);
    }

    @Test
    void everyChecklistItemHasARuleThatFiresOnItsOwn() {
        Map<String, Object> facts = new HashMap<>(ConfigFacts.of(hardenedEnv()));
        facts.put("hxo_quantum_hashing", "false");
        facts.put("hxo_consensus_mode", "QUORUM");
        facts.put("hxo_rate_limit_rps", "0");
        facts.put("hxo_auto_audit_after_deploy", "false");
        facts.put("hxo_https_enforced", false);
        facts.put("database_user", "postgres");
        facts.put("database_password_set", false);
        facts.put("seed_secret_rotated_at", "2025-12-01");

        assertThat(auditor.scanConfig(Map.of("hxo-planner", facts)).findings())
                .extracting(Finding::ruleId).containsExactlyInAnyOrder(ConfigRules.QUANTUM_HASHING,
                        ConfigRules.CONSENSUS_MODE, ConfigRules.RATE_LIMIT, ConfigRules.AUTO_AUDIT, ConfigRules.HTTPS,
                        ConfigRules.DATABASE_CREDENTIALS, ConfigRules.SECRET_ROTATION);
    }

    @Test
    void aRescanGivesTheSameFingerprintsWhateverTheTime() {
        Map<String, String> env = hardenedEnv();
        env.put("HXO_CORS_ORIGINS", "*");
        ScanResult first = auditor.scanConfig(suite(env));
        ScanResult later = new Auditor(io.hxo.arie.rules.RuleSet.builtin(), ScanOptions.defaults()
                .withClock(Clock.fixed(NOW.plusSeconds(86_400), ZoneOffset.UTC))).scanConfig(suite(env));

        assertThat(later.findings()).extracting(Finding::fingerprint)
                .containsExactlyElementsOf(first.findings().stream().map(Finding::fingerprint).toList())
                .doesNotHaveDuplicates();
        assertThat(first.findings().get(0).fingerprint()).isEqualTo(Fingerprints.of(ConfigRules.CORS_WILDCARD,
                Location.ofFact("arie-auditor", "hxo_cors_origins"), "*", 0));
    }
}
