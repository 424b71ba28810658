package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * POST /api/system/migrate against stand-ins for the three services: the planners are drained
 * before anything migrates and resumed after, each service is asked to migrate once, and a drain
 * that does not finish within HXO_MIGRATION_TIMEOUT (3 s in tests) is a 504 that still resumes.
 */
@QuarkusTest
class SystemMigrateTest {
    static final String ADMIRAL = "Bearer test-admiral-token-0123456789";
    static final String CAPTAIN = "Bearer test-captain-token-0123456789";

    static KafkaTestClient kafka;
    static final AtomicBoolean running = new AtomicBoolean(true);
    /** Every command the stand-ins saw, in order. */
    static final ConcurrentLinkedQueue<CloudEvent> seen = new ConcurrentLinkedQueue<>();
    /** DRAIN commands answered "draining" before the stand-in planner reports "drained"; -1: never. */
    static final AtomicInteger drainingAnswers = new AtomicInteger();
    static volatile String plannerState = "running";
    /** How long each stand-in takes to migrate (ms), and a latch that opens when the first one starts. */
    static final AtomicInteger migrationHold = new AtomicInteger();
    static volatile java.util.concurrent.CountDownLatch migrating = new java.util.concurrent.CountDownLatch(1);
    static Thread standIns;

    @BeforeAll
    static void start() {
        kafka = new KafkaTestClient();
        List<KafkaConsumer<String, byte[]>> consumers = List.of(kafka.tail(Topic.HXO_COMMANDS),
                kafka.tail(Topic.GENESIS_COMMANDS), kafka.tail(Topic.ARIE_COMMANDS));
        standIns = new Thread(() -> {
            try {
                while (running.get()) {
                    for (KafkaConsumer<String, byte[]> c : consumers) {
                        for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(30))) {
                            answer(rec.topic(), KafkaBinding.fromRecord(rec));
                        }
                    }
                }
            } finally {
                consumers.forEach(KafkaConsumer::close);
            }
        }, "stand-in-services");
        standIns.start();
    }

    static void answer(String topic, CloudEvent cmd) {
        Topic t = Topic.byName(topic).orElseThrow();
        switch (cmd.type()) {
            case Commands.DRAIN -> {
                seen.add(cmd);
                if (!Json.tree(cmd.data()).path("wait").asBoolean(true)) {
                    plannerState = "drained"; // stopped at once, as a planner does without waiting
                } else if (!"drained".equals(plannerState)) {
                    plannerState = drainingAnswers.get() < 0 || drainingAnswers.incrementAndGet() <= 12 ? "draining"
                            : "drained";
                }
                kafka.publisher.reply(t, cmd, Reply.ok(202, Map.of("instance", "planner-a", "state", plannerState)));
            }
            case Commands.RESUME -> {
                seen.add(cmd);
                plannerState = "running";
                kafka.publisher.reply(t, cmd, Reply.ok(200, Map.of("instance", "planner-a", "state", "running")));
            }
            case Commands.SYSTEM_MIGRATE -> {
                seen.add(cmd);
                // Only the first service's migration is held: this stand-in answers the three services
                // one after another, and three holds would outlast the gateway's migration timeout.
                int hold = migrationHold.getAndSet(0);
                if (hold > 0) {
                    migrating.countDown();
                    try {
                        Thread.sleep(hold);
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                String service = t == Topic.HXO_COMMANDS ? "hxo-planner" : t == Topic.GENESIS_COMMANDS ? "genesis-bus"
                        : "arie-auditor";
                // A migration must never run while the planner still works.
                kafka.publisher.reply(t, cmd, Reply.ok(200, new Commands.Migrated(service, "i-1",
                        "drained".equals(plannerState) ? "7" : "planner-not-drained", 1)));
            }
            default -> {
            }
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        running.set(false);
        standIns.join(5000);
        kafka.close();
    }

    @BeforeEach
    void reset() {
        migrationHold.set(0);
        migrating = new java.util.concurrent.CountDownLatch(1);
        seen.clear();
        plannerState = "running";
        drainingAnswers.set(0);
    }

    @Test
    void migrateDrainsThenMigratesEveryServiceThenResumes() {
        given().header("Authorization", ADMIRAL).when().post("/api/system/migrate").then().statusCode(200)
                .body("drained", equalTo(true))
                .body("planners.planner-a", equalTo("drained"))
                .body("services.hxo-planner.schema_version", equalTo("7"))
                .body("services.genesis-bus.schema_version", equalTo("7"))
                .body("services.arie-auditor.schema_version", equalTo("7"))
                .body("services.federation-gateway.schema_version", notNullValue())
                .body("resumed.planner-a", equalTo("running"));
        List<String> order = new ArrayList<>();
        for (CloudEvent c : seen) {
            if (order.isEmpty() || !order.get(order.size() - 1).equals(c.type())) {
                order.add(c.type());
            }
        }
        // Drain (polled until drained), then the three migrations, then resume; nothing interleaved.
        assertThat(order).containsExactly(Commands.DRAIN, Commands.SYSTEM_MIGRATE, Commands.RESUME);
        assertThat(seen.stream().filter(c -> c.type().equals(Commands.SYSTEM_MIGRATE)).count()).isEqualTo(3);
        assertThat(seen.stream().filter(c -> c.type().equals(Commands.RESUME)).count()).isEqualTo(6);
        assertThat(plannerState).isEqualTo("running");
    }

    @Test
    void aDrainThatDoesNotFinishInTimeIs504AndStillResumesWithoutMigrating() {
        drainingAnswers.set(-1);
        given().header("Authorization", ADMIRAL).when().post("/api/system/migrate").then().statusCode(504)
                .contentType("application/problem+json")
                .body("detail", org.hamcrest.Matchers.containsString("HXO_MIGRATION_TIMEOUT"));
        assertThat(seen.stream().noneMatch(c -> c.type().equals(Commands.SYSTEM_MIGRATE))).isTrue();
        assertThat(seen.stream().anyMatch(c -> c.type().equals(Commands.RESUME))).isTrue();
        assertThat(plannerState).isEqualTo("running");
    }

    @Inject
    io.hxo.gateway.api.SystemResource system;

    @Test
    void withZeroDowntimeOffAMigrationStopsTheWorldClosesTheApiAndSaysSo() throws Exception {
        migrationHold.set(1500);
        java.util.concurrent.CompletableFuture<jakarta.ws.rs.core.Response> done =
                java.util.concurrent.CompletableFuture.supplyAsync(() -> system.migrate(false));
        assertThat(migrating.await(20, java.util.concurrent.TimeUnit.SECONDS)).isTrue();
        // While the services migrate, every other API call is refused, with a problem and a time to retry.
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/plans").then().statusCode(503)
                .contentType("application/problem+json").header("Retry-After", equalTo("10"))
                .body("detail", org.hamcrest.Matchers.containsString("HXO_ZDU_ENABLED=false"));
        jakarta.ws.rs.core.Response answer = done.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(answer.getStatus()).isEqualTo(200);
        com.fasterxml.jackson.databind.JsonNode body = Json.tree(answer.getEntity());
        assertThat(body.path("mode").asText()).isEqualTo("stop_the_world");
        assertThat(body.path("drained").asBoolean(true)).isFalse();
        assertThat(body.path("planners").path("planner-a").asText()).isEqualTo("drained");
        assertThat(body.path("services").size()).isEqualTo(4);
        // The planners were told to stop without waiting, once each, and resumed after.
        List<CloudEvent> drains = seen.stream().filter(c -> c.type().equals(Commands.DRAIN)).toList();
        assertThat(drains).isNotEmpty().allMatch(c -> !Json.tree(c.data()).path("wait").asBoolean(true));
        assertThat(plannerState).isEqualTo("running");
        // Open again.
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/plans").then()
                .statusCode(org.hamcrest.Matchers.not(503));
    }

    @Test
    void theGatewayReportsWhetherItEnforcesHttpsForAriesRule() {
        try (KafkaConsumer<String, byte[]> beats = kafka.tail(Topic.FEDERATION_HEARTBEAT)) {
            CloudEvent beat = KafkaTestClient.await(beats, e -> e.source().startsWith("/federation-gateway/"),
                    Duration.ofSeconds(15));
            assertThat(beat.dataAs(io.hxo.contracts.payload.Events.Heartbeat.class).facts())
                    .containsEntry("hxo_https_enforced", true);
        }
    }

    @Test
    void onlyAnAdmiralMayMigrate() {
        given().when().post("/api/system/migrate").then().statusCode(401);
        given().header("Authorization", CAPTAIN).when().post("/api/system/migrate").then().statusCode(403);
        assertThat(seen).isEmpty();
    }
}
