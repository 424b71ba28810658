package io.hxo.arie.migrate;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** POST /api/system/migrate reaches this service as {@code hxo.system.migrate} on its command topic. */
@QuarkusTest
class MigrateCommandTest {
    @jakarta.inject.Inject
    org.flywaydb.core.Flyway flyway;

    @Test
    void migrateRunsFlywayAgainAndAnswersTheSchemaVersion() {
        try (KafkaTestClient kafka = new KafkaTestClient()) {
            Reply r = kafka.request(Topic.ARIE_COMMANDS, Commands.SYSTEM_MIGRATE, "migrate", Map.of());
            assertThat(r.status()).as(String.valueOf(r.problem())).isEqualTo(200);
            Commands.Migrated m = Json.mapper().convertValue(r.body(), Commands.Migrated.class);
            assertThat(m.service()).isEqualTo("arie-auditor");
            assertThat(m.migrationsApplied()).isZero(); // migrated at start: nothing pending
            // The newest migration on the classpath, as Flyway itself reads it.
            assertThat(m.schemaVersion()).isEqualTo(flyway.info().current().getVersion().getVersion())
                    .isNotEqualTo("0");
        }
    }
}
