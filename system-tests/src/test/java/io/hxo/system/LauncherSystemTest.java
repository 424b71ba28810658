package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The launcher's promises: health through a broker restart, status, a clean `down`, and bad configuration. */
@Order(100)
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class LauncherSystemTest {

    @Test
    @Order(1)
    void healthIsUpAndStatusListsEveryComponent() throws Exception {
        HttpResponse<String> h = Suite.get("/health", null);
        assertThat(h.statusCode()).as(h.body()).isEqualTo(200);
        Suite.Result status = Suite.hxo(Duration.ofSeconds(60), "status");
        assertThat(status.exitCode()).isZero();
        for (String s : List.of("genesis-bus", "hxo-planner", "arie-auditor", "federation-gateway", "kafka")) {
            assertThat(status.output()).containsPattern("(?m)^" + s + "\\s+running");
        }
    }

    @Test
    @Order(2)
    void stoppingTheBrokerTurnsHealthTo503NamingKafkaAndStartingItRecoversWithoutRestarts() throws Exception {
        Map<String, Long> before = Suite.pids();
        assertThat(Suite.hxo(Duration.ofSeconds(60), "kafka", "stop").exitCode()).isZero();
        long stoppedAt = System.nanoTime();
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(250)).untilAsserted(() -> {
            HttpResponse<String> h = Suite.get("/health", null);
            assertThat(h.statusCode()).isEqualTo(503);
            JsonNode body = Json.tree(h.body().getBytes());
            assertThat(body.at("/checks/kafka/status").asText()).isEqualTo("DOWN");
            assertThat(body.at("/checks/kafka/detail").asText()).contains("Kafka");
        });
        assertThat(Duration.ofNanos(System.nanoTime() - stoppedAt)).isLessThan(Duration.ofSeconds(10));

        assertThat(Suite.hxo(Duration.ofSeconds(90), "kafka", "start").exitCode()).isZero();
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(250)).until(() ->
                Suite.get("/health", null).statusCode() == 200);
        Map<String, Long> after = Suite.pids();
        for (String service : List.of("genesis-bus", "hxo-planner", "arie-auditor", "federation-gateway")) {
            assertThat(after.get(service)).as(service + " was not restarted").isEqualTo(before.get(service));
        }
        // The services reconnected by themselves: a new plan goes all the way through.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            HttpResponse<String> r = Suite.post("/api/hxo/create-and-submit", "Bearer " + Suite.ADMIRAL,
                    "{\"name\":\"after-restart\",\"stages\":[{\"id\":\"n\",\"kind\":\"test.noop\",\"config\":{\"count\":20,\"salt\":\"r\"}}]}");
            if (r.statusCode() != 202) {
                return false;
            }
            String id = Json.tree(r.body().getBytes()).get("plan_id").asText();
            return waitCompleted(id);
        });
    }

    private static boolean waitCompleted(String id) throws Exception {
        for (int i = 0; i < 60; i++) {
            HttpResponse<String> s = Suite.get("/api/hxo/status/" + id, "Bearer " + Suite.ADMIRAL);
            if (s.statusCode() == 200 && (s.body().contains("\"status\":\"completed\"") || s.body().contains("\"status\":\"certified\""))) {
                return true;
            }
            Thread.sleep(500);
        }
        return false;
    }

    @Test
    @Order(3)
    void aBadEnvironmentVariableStopsAServiceWithOneLineNamingIt() throws Exception {
        Path jar = Suite.ROOT.resolve("hxo-planner/target/quarkus-app/quarkus-run.jar");
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-jar", jar.toString());
        pb.environment().put("HXO_MAX_SHARDS", "lots");
        pb.environment().put("PORT", "18099");
        Path err = Files.createTempFile("planner-", ".err");
        pb.redirectError(err.toFile());
        pb.redirectOutput(ProcessBuilder.Redirect.DISCARD);
        Process p = pb.start();
        assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
        assertThat(p.exitValue()).isEqualTo(2);
        List<String> lines = Files.readAllLines(err);
        assertThat(lines).hasSize(1);
        assertThat(lines.get(0)).contains("HXO_MAX_SHARDS").contains("lots").doesNotContain("Exception");
    }

    @Test
    @Order(4)
    void downStopsEveryProcessItStarted() throws Exception {
        Map<String, Long> pids = Suite.pids();
        assertThat(pids.keySet()).contains("kafka", "genesis-bus", "hxo-planner", "arie-auditor", "federation-gateway");
        Suite.Result down = Suite.hxo(Duration.ofMinutes(2), "down");
        assertThat(down.exitCode()).as(down.output()).isZero();
        for (var e : pids.entrySet()) {
            assertThat(ProcessHandle.of(e.getValue()).map(ProcessHandle::isAlive).orElse(false))
                    .as(e.getKey() + " (pid " + e.getValue() + ") still running").isFalse();
        }
        assertThat(Suite.pids()).isEmpty();
    }
}
