package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Zero-downtime migration drill: {@code POST /api/system/migrate} while a plan runs. The planner
 * drains (the plan pauses), every service migrates and reports its schema version, the planner
 * resumes, and the plan completes with the root its inputs determine.
 */
@Order(35)
@ExtendWith(Suite.class)
class MigrationDrillSystemTest {
    @Test
    void migrateDuringAPlanPausesMigratesResumesAndThePlanCompletes() throws Exception {
        Drills.SleepPlan plan = Drills.submitSleepPlan("migration-drill", 300, 40, 4);
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                .until(() -> Suite.doneShards(plan.planId()) >= 20);

        HttpResponse<String> r = Suite.post("/api/system/migrate", "Bearer " + Suite.ADMIRAL, "");
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        JsonNode body = Json.tree(r.body().getBytes());
        assertThat(body.path("drained").asBoolean()).isTrue();
        assertThat(body.path("planners").size()).isPositive();
        body.path("planners").forEach(state -> assertThat(state.asText()).isEqualTo("drained"));
        for (String service : new String[] {"federation-gateway", "hxo-planner", "genesis-bus", "arie-auditor"}) {
            assertThat(body.path("services").path(service).path("schema_version").asText()).as(service).isNotEmpty();
        }
        body.path("resumed").forEach(state -> assertThat(state.asText()).isEqualTo("running"));

        // The plan was paused, not finished, by the drain; it runs on after the resume.
        JsonNode after = Suite.planStatus(plan.planId());
        assertThat(after.path("status").asText()).isEqualTo("running");
        assertThat(after.path("shards").path("done").asLong()).isLessThan(plan.shards());

        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                .until(() -> "certified".equals(Suite.planStatus(plan.planId()).path("status").asText()));
        JsonNode finished = Suite.planStatus(plan.planId());
        assertThat(finished.path("shards").path("done").asLong()).isEqualTo(plan.shards());
        assertThat(finished.path("merkle_root").asText()).isEqualTo(plan.expectedRoot());

        // Schema versions agree and every link is healthy after the migration.
        Suite.Result verify = Suite.hxoctl("verify", "--deep");
        assertThat(verify.exitCode()).as(verify.output()).isZero();
    }
}
