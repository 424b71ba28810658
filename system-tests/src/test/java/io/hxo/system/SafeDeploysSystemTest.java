package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.net.InetSocketAddress;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deploys a team can trust, from outside the running suite: a secret in a plan is on no surface a
 * reader can see; artifacts one planner instance stored are served by another, and after a restart
 * with an empty disk; a broker outage longer than the producer's delivery timeout still ends certified.
 */
@Order(55)
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class SafeDeploysSystemTest {
    static final String SECOND = "artifacts-b";

    /** Polls a plan until it is decided (certified or certification_failed); returns its status. */
    static JsonNode awaitDecided(String planId, Duration within) {
        JsonNode[] last = new JsonNode[1];
        await().atMost(within).pollInterval(Duration.ofMillis(500)).until(() -> {
            last[0] = Suite.planStatus(planId);
            return List.of("certified", "certification_failed", "halted", "aborted", "timed_out")
                    .contains(last[0].path("status").asText());
        });
        return last[0];
    }

    /**
     * Submits a plan; a 504 (no planner answered in time: right after an owner was killed, its
     * partitions wait for the group to notice) is tried again, as a client would.
     */
    static String submit(String plan) throws Exception {
        @SuppressWarnings("unchecked")
        HttpResponse<String>[] r = new HttpResponse[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            r[0] = Suite.post("/api/hxo/create-and-submit", "Bearer " + Suite.ADMIRAL, plan);
            return r[0].statusCode() != 504;
        });
        assertThat(r[0].statusCode()).as(r[0].body()).isEqualTo(202);
        return Json.tree(r[0].body().getBytes()).get("plan_id").asText();
    }

    @Test
    @Order(1)
    void aSecretInAPlanIsOnNoSurfaceAReaderCanSee() throws Exception {
        String secret = "s3cr3t-" + UUID.randomUUID().toString().replace("-", "");
        HttpServer hook = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        AtomicInteger calls = new AtomicInteger();
        hook.createContext("/", ex -> {
            calls.incrementAndGet();
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        hook.start();
        try {
            // A build hook with its token in the URL; a migration whose target URL carries a password
            // (the suite's database trusts local connections, so the password is never checked).
            String dbUrl = Suite.pgUrl(Suite.DATABASE).replace("postgresql://" + Suite.pgUser() + "@",
                    "postgresql://" + Suite.pgUser() + ":" + secret + "-db@");
            String plan = Json.text(Map.of("name", "secret-surfaces", "stages", List.of(
                    Map.of("id", "hook", "kind", "deploy.hook", "config", Map.of("url",
                            "http://127.0.0.1:" + hook.getAddress().getPort() + "/build_hooks/" + secret)),
                    Map.of("id", "migrate", "kind", "deploy.migrate", "config", Map.of("database_url", dbUrl,
                            "dry_run", true, "sql", List.of("SELECT 1"))))));
            String planId = submit(plan);
            JsonNode decided = awaitDecided(planId, Duration.ofSeconds(90));
            assertThat(decided.path("status").asText()).isEqualTo("certified");
            assertThat(calls.get()).isEqualTo(1);

            List<String> surfaces = new ArrayList<>();
            String admiral = "Bearer " + Suite.ADMIRAL;
            for (String path : List.of("/api/hxo/status/" + planId, "/api/hxo/report/" + planId, "/api/hxo/plans",
                    "/api/hxo/plan/" + planId + "/certificate", "/api/genesis/events?topic=*&after=0&limit=1000",
                    "/api/logs/genesis", "/api/hxo/deployments/rollback-points")) {
                HttpResponse<String> r = Suite.get(path, admiral);
                assertThat(r.statusCode()).as(path).isEqualTo(200);
                surfaces.add(path + " " + r.body());
            }
            // An ARIE scan's SARIF report, which covers the services' configuration facts.
            HttpResponse<String> scan = Suite.post("/api/arie/scan", admiral, "{}");
            assertThat(scan.statusCode()).as(scan.body()).isEqualTo(202);
            String scanId = Json.tree(scan.body().getBytes()).path("scan_id").asText();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() ->
                    Suite.get("/api/arie/report/" + scanId + "?format=sarif", admiral).statusCode() == 200);
            surfaces.add("sarif " + Suite.get("/api/arie/report/" + scanId + "?format=sarif", admiral).body());
            // Every service's log.
            try (Stream<Path> logs = Files.list(Suite.STATE.resolve("logs"))) {
                for (Path log : logs.toList()) {
                    surfaces.add(log + " " + Files.readString(log));
                }
            }
            assertThat(String.join("\n", surfaces)).contains(planId).contains("secret_fingerprint");
            for (String s : surfaces) {
                assertThat(s).as(s.substring(0, Math.min(120, s.length()))).doesNotContain(secret);
            }
        } finally {
            hook.stop(0);
        }
    }

    static Process startSecondPlanner() throws Exception {
        Path jar = Suite.ROOT.resolve("hxo-planner/target/quarkus-app/quarkus-run.jar");
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-jar", jar.toString());
        pb.environment().putAll(Suite.env());
        pb.environment().put("PORT", Integer.toString(Suite.GATEWAY + 21));
        pb.environment().put("HXO_INSTANCE_ID", SECOND);
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + Suite.KAFKA);
        // Its own local directory, which the default artifact store never uses.
        pb.environment().put("HXO_ARTIFACTS_DIR", Suite.STATE.resolve("artifacts-b").toString());
        Path log = Suite.STATE.resolve("logs/" + SECOND + ".log");
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** Waits until two planner instances split the partitions; returns instance → owned partitions mask. */
    static Map<String, Long> awaitTwoOwners(KafkaConsumer<String, byte[]> beats) {
        Map<String, Long> masks = new HashMap<>();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            for (ConsumerRecord<String, byte[]> rec : beats.poll(Duration.ofMillis(200))) {
                CloudEvent ev = KafkaBinding.fromRecord(rec);
                Events.Heartbeat hb = ev.dataAs(Events.Heartbeat.class);
                if ("hxo-planner".equals(hb.service())) {
                    masks.put(hb.instance(), hb.load().getOrDefault("owned_partitions_mask", 0.0).longValue());
                }
            }
            long b = masks.getOrDefault(SECOND, 0L);
            long others = masks.entrySet().stream().filter(e -> !e.getKey().equals(SECOND))
                    .mapToLong(Map.Entry::getValue).reduce(0, (x, y) -> x | y);
            return b != 0 && others != 0 && (b & others) == 0;
        });
        return masks;
    }

    @Test
    @Order(2)
    void artifactsOneInstanceStoredAreServedByAnotherAndSurviveARestartWithAnEmptyDisk(@TempDir Path site)
            throws Exception {
        for (int i = 0; i < 6; i++) {
            Files.createDirectories(site.resolve("m" + i));
            Files.writeString(site.resolve("m" + i + "/index.html"), "<h1>module " + i + " " + UUID.randomUUID() + "</h1>");
        }
        String plan = Json.text(Map.of("name", "shared-artifacts", "stages", List.of(Map.of("id", "pack",
                "kind", "deploy.pack", "partitioner", "by_module", "config", Map.of("source", site.toString())))));
        Process second = startSecondPlanner();
        String firstPlan;
        try (KafkaTestClient kafka = Suite.kafka(); KafkaConsumer<String, byte[]> beats = kafka.tail(Topic.FEDERATION_HEARTBEAT)) {
            Map<String, Long> masks = awaitTwoOwners(beats);
            firstPlan = submit(plan);
            JsonNode first = awaitDecided(firstPlan, Duration.ofSeconds(90));
            assertThat(first.path("status").asText()).isEqualTo("certified");
            assertThat(first.path("shards").path("cached").asLong()).isZero();

            // The instance that ran it goes away; the same work, now owned and run by the other
            // instance, is served from what the first stored.
            int partition = (int) Suite.count("SELECT owner_partition FROM hxo.plans WHERE plan_id = '" + firstPlan + "'");
            String owner = masks.entrySet().stream().filter(e -> (e.getValue() & (1L << partition)) != 0)
                    .map(Map.Entry::getKey).findFirst().orElseThrow();
            ProcessHandle victim = owner.equals(SECOND) ? second.toHandle()
                    : ProcessHandle.of(Suite.pids().get("hxo-planner")).orElseThrow();
            victim.destroyForcibly();
            victim.onExit().get(10, TimeUnit.SECONDS);
            String again = submit(plan.replace("shared-artifacts", "shared-artifacts-again"));
            JsonNode served = awaitDecided(again, Duration.ofSeconds(120));
            assertThat(served.path("status").asText()).isEqualTo("certified");
            assertThat(served.path("shards").path("cached").asLong()).isEqualTo(served.path("total_shards").asLong());
            assertThat(served.path("merkle_root").asText()).isEqualTo(first.path("merkle_root").asText());
        } finally {
            second.destroy();
            second.onExit().get(60, TimeUnit.SECONDS);
        }

        // Every planner stops; their local disks are emptied; the suite's planner starts again.
        Suite.stop("hxo-planner");
        for (String dir : List.of("artifacts", "artifacts-b")) {
            Path p = Suite.STATE.resolve(dir);
            if (Files.exists(p)) {
                try (Stream<Path> walk = Files.walk(p)) {
                    walk.sorted(java.util.Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
                }
            }
        }
        assertThat(Suite.hxo(Duration.ofMinutes(4), "up", "--detach", "--no-build").exitCode()).isZero();
        HttpResponse<String> points = Suite.get("/api/hxo/deployments/rollback-points", "Bearer " + Suite.ADMIRAL);
        String deployment = null;
        for (JsonNode p : Json.tree(points.body().getBytes()).path("rollback_points")) {
            if (p.path("plan_id").asText().equals(firstPlan)) {
                deployment = p.path("deployment_id").asText();
            }
        }
        assertThat(deployment).as(points.body()).isNotNull();
        String[] rollback = new String[1];
        String body = "{\"deployment_id\":\"" + deployment + "\"}";
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            HttpResponse<String> r = Suite.post("/api/hxo/rollback", "Bearer " + Suite.ADMIRAL, body);
            if (r.statusCode() != 202) {
                return false; // the planner may still be taking its partitions back
            }
            rollback[0] = Json.tree(r.body().getBytes()).get("plan_id").asText();
            return true;
        });
        JsonNode rolledBack = awaitDecided(rollback[0], Duration.ofSeconds(90));
        assertThat(rolledBack.path("status").asText()).isEqualTo("certified");
        assertThat(rolledBack.path("shards").path("cached").asLong()).isEqualTo(rolledBack.path("total_shards").asLong());
    }

    @Test
    @Order(3)
    void aBrokerOutageLongerThanTheDeliveryTimeoutStillEndsCertified() throws Exception {
        // The suite's planner gives a record up after HXO_KAFKA_DELIVERY_TIMEOUT_MS (Suite.env: 15 s);
        // the broker stays away longer than that while the plan runs.
        Drills.SleepPlan plan = Drills.submitSleepPlan("broker-outage", 300, 20, 8);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                .until(() -> Suite.doneShards(plan.planId()) >= 60);
        assertThat(Suite.hxo(Duration.ofSeconds(60), "kafka", "stop").exitCode()).isZero();
        Thread.sleep(Duration.ofMillis(Suite.DELIVERY_TIMEOUT_MS + 8_000).toMillis()); // the outage itself
        assertThat(Suite.hxo(Duration.ofSeconds(90), "kafka", "start").exitCode()).isZero();

        JsonNode decided = awaitDecided(plan.planId(), Duration.ofSeconds(180));
        assertThat(decided.path("status").asText()).as(decided.toString()).isEqualTo("certified");
        assertThat(decided.path("merkle_root").asText()).isEqualTo(plan.expectedRoot());
        // Each leaf stored once by the event store, whatever was sent again.
        assertThat(Suite.count("""
                SELECT count(*) FROM (SELECT DISTINCT (l->>'index')::int FROM genesis.events e,
                    jsonb_array_elements(e.data->'leaves') l
                WHERE e.type = 'hxo.shard.done' AND e.subject = '%s') x""".formatted(plan.planId()))).isEqualTo(300);
    }
}
