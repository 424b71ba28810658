package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/**
 * The other checks compare deploy files with what {@link ServiceCode} reads from the sources; these
 * pin that reading to facts of today's code, so a parser that silently finds nothing cannot make
 * every other check pass.
 */
class ServiceCodeTest {

    @Test
    void theFourServicesAreFoundFromTheParentPom() {
        assertThat(Repo.serviceModules())
                .containsExactlyInAnyOrder("hxo-planner", "genesis-bus", "arie-auditor", "federation-gateway");
    }

    @Test
    void configMappingsAreReadIncludingNestedGroupsAndWithName() {
        assertThat(ServiceCode.of("federation-gateway").configMappingProperties())
                .contains("hxo.federation-timeout", "hxo.sse.buffer", "hxo.sse.window", "hxo.cors-origins",
                        "hxo.links.peers", "hxo.consensus.validators");
        assertThat(ServiceCode.of("hxo-planner").configMappingProperties())
                .contains("hxo.instance-id", "hxo.max-shards", "hxo.deploy.netlify-hook", "hxo.checkpoint.batch-size");
        assertThat(ServiceCode.of("genesis-bus").configMappingProperties())
                .contains("genesis.enabled", "genesis.topics.partitions", "hxo.event-cache-limit");
    }

    @Test
    void eachServiceReadsWhatItsCodeSays() {
        assertThat(ServiceCode.of("federation-gateway").reads())
                .contains("ADMIRAL_TOKEN", "CAPTAIN_TOKEN", "SECRET_KEY", "SECRET_KEY_PREVIOUS", "SEED_SECRET",
                        "KAFKA_BOOTSTRAP_SERVERS", "DATABASE_URL", "PORT", "HXO_CORS_ORIGINS", "HXO_RATE_LIMIT_RPS",
                        "HXO_SSE_BUFFER", "GENESIS_ENABLED", "HXO_ALLOW_WEAK_SECRETS", "HXO_MIGRATION_TIMEOUT")
                .doesNotContain("HXO_MAX_SHARDS", "HXO_INSTANCE_ID");
        assertThat(ServiceCode.of("hxo-planner").reads())
                .contains("HXO_MAX_SHARDS", "HXO_HEAL_DEPTH_LIMIT", "HXO_ARTIFACTS_DIR", "HXO_MIGRATION_TIMEOUT",
                        "NETLIFY_DEPLOY_HOOK", "RENDER_DEPLOY_HOOK", "SEED_SECRET_PREVIOUS", "DATABASE_URL")
                .doesNotContain("ADMIRAL_TOKEN");
        assertThat(ServiceCode.of("genesis-bus").reads()).contains("HXO_EVENT_CACHE_LIMIT", "GENESIS_ENABLED",
                "HXO_ZERO_TRUST");
        assertThat(ServiceCode.of("arie-auditor").reads()).contains("HXO_AUTO_AUDIT_AFTER_DEPLOY",
                "HXO_QUANTUM_HASHING", "HXO_REPLAY_WINDOW_MS");
    }

    @Test
    void startRequirementsAndPortsAreRead() {
        assertThat(ServiceCode.of("federation-gateway").requiredAtStart()).contains("ADMIRAL_TOKEN");
        assertThat(ServiceCode.of("federation-gateway").defaultPort()).isEqualTo(8080);
        assertThat(ServiceCode.of("hxo-planner").defaultPort()).isEqualTo(8081);
        assertThat(ServiceCode.of("genesis-bus").defaultPort()).isEqualTo(8082);
        assertThat(ServiceCode.of("arie-auditor").defaultPort()).isEqualTo(8083);
    }

    @Test
    void routesAreReadWithTheirAccess() {
        ServiceCode gateway = ServiceCode.of("federation-gateway");
        assertThat(gateway.getRoutes()).contains(new ServiceCode.Route("/health", true),
                new ServiceCode.Route("/api/hxo/status", false), new ServiceCode.Route("/api/hxo/links/health", false));
        assertThat(gateway.servesOpenly("/health")).isTrue();
        assertThat(gateway.servesOpenly("/api/hxo/status")).as("needs a token").isFalse();
        assertThat(gateway.servesOpenly("/healthz")).isFalse();
    }
}
