package io.hxo.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.Set;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import org.junit.jupiter.api.Test;

class EnvCatalogTest {

    @Test
    void defaultsOfSpecSection7AreCatalogued() {
        assertThat(EnvCatalog.find("HXO_MAX_SHARDS").orElseThrow().defaultValue()).isEqualTo("1000000");
        assertThat(EnvCatalog.find("HXO_MAX_CONCURRENCY").orElseThrow().defaultValue()).isEqualTo("64");
        assertThat(EnvCatalog.find("HXO_CONSENSUS_MODE").orElseThrow().defaultValue()).isEqualTo("HARMONIC");
        assertThat(EnvCatalog.find("HXO_FEDERATION_TIMEOUT").orElseThrow().defaultValue()).isEqualTo("5000");
        assertThat(EnvCatalog.find("HXO_RATE_LIMIT_BURST").orElseThrow().defaultValue()).isEqualTo("200");
    }

    @Test
    void eachBadValueGivesOneLineNamingItsVariable() {
        var problems = EnvCatalog.problems(Map.of(
                "HXO_MAX_SHARDS", "lots",
                "HXO_ZERO_TRUST", "maybe",
                "HXO_CONSENSUS_MODE", "RAFT",
                "SEED_SECRET", "short",
                "DATABASE_URL", "mysql://x/y",
                "KAFKA_BOOTSTRAP_SERVERS", "nohostport",
                "PORT", "70000"), Set.of());
        assertThat(problems).hasSize(7);
        assertThat(problems).allSatisfy(p -> assertThat(p).doesNotContain("\n"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("HXO_MAX_SHARDS ").contains("\"lots\""));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("HXO_CONSENSUS_MODE ").contains("HARMONIC"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("SEED_SECRET ").contains("32"));
        assertThat(problems).anySatisfy(p -> assertThat(p).startsWith("PORT ").contains("65535"));
    }

    @Test
    void goodValuesAndMissingOptionalOnesPass() {
        assertThat(EnvCatalog.problems(Map.of(
                "HXO_MAX_SHARDS", "500",
                "HXO_ZERO_TRUST", "false",
                "HXO_CONSENSUS_MODE", "quorum",
                "SEED_SECRET", "x".repeat(40),
                "DATABASE_URL", "postgresql+asyncpg://u:p@h/d",
                "KAFKA_BOOTSTRAP_SERVERS", "a:9092,b:9093",
                "HXO_CORS_ORIGINS", "https://console.example.com,http://localhost:5173"), Set.of())).isEmpty();
    }

    @Test
    void requiredVariablesMustBePresentAndWeakSecretsNeedAnExplicitOptIn() {
        assertThat(EnvCatalog.problems(Map.of(), Set.of("ADMIRAL_TOKEN")))
                .singleElement().asString().startsWith("ADMIRAL_TOKEN is required");
        assertThat(EnvCatalog.problems(Map.of("SEED_SECRET", "short", "HXO_ALLOW_WEAK_SECRETS", "true"), Set.of()))
                .isEmpty();
    }

    @Property(tries = 300)
    void neverThrowsWhateverTheValue(@ForAll String value) {
        Map<String, String> env = new java.util.HashMap<>();
        EnvCatalog.VARIABLES.forEach(v -> env.put(v.name(), value));
        assertThat(EnvCatalog.problems(env, Set.of())).isNotNull();
    }
}
