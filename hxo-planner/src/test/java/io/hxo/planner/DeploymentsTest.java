package io.hxo.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.sun.net.httpserver.HttpServer;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.testing.KafkaTestClient;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.execute.PlanOwner;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments: a completed deploy plan is a rollback point, is announced on deploy.platform.success
 * and calls the Netlify build hook (a stub on port 38999 in the test profile) exactly once; a
 * rollback re-applies the recorded work from the CAS store.
 */
@QuarkusTest
class DeploymentsTest {
    static KafkaTestClient kafka;
    static HttpServer netlify;
    static final AtomicInteger hookCalls = new AtomicInteger();

    @Inject
    PlanOwner owner;
    @Inject
    DataSource db;

    @BeforeAll
    static void start() throws Exception {
        kafka = new KafkaTestClient();
        netlify = HttpServer.create(new InetSocketAddress("127.0.0.1", 38999), 0);
        netlify.createContext("/netlify-build-hook", ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                hookCalls.incrementAndGet();
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        netlify.start();
    }

    @AfterAll
    static void stop() {
        netlify.stop(0);
        kafka.close();
    }

    PlanStatus awaitEnd(UUID planId) {
        PlanStatus[] st = new PlanStatus[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            st[0] = Json.convert(kafka.request(Commands.PLAN_STATUS, planId.toString(),
                    new Commands.PlanQuery(planId.toString())).body(), PlanStatus.class);
            return !List.of("accepted", "running").contains(st[0].status());
        });
        return st[0];
    }

    /** Deployments of the plan not yet noted as announced. */
    int unannounced(UUID planId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM hxo.deployments WHERE plan_id = ? AND announced_at IS NULL")) {
            ps.setObject(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    List<JsonNode> rollbackPoints() {
        Reply points = kafka.request(Commands.DEPLOYMENTS, "points", Map.of());
        List<JsonNode> out = new ArrayList<>();
        points.body().get("rollback_points").forEach(out::add);
        return out;
    }

    @Test
    void aDeploymentIsRecordedAnnouncedHookedOnceAndRollsBackFromTheCasStore(@TempDir Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<h1>v1</h1>");
        Files.createDirectories(dir.resolve("static"));
        Files.writeString(dir.resolve("static/app.js"), "console.log(1)");
        UUID planId = UUID.randomUUID();
        JsonNode plan = Json.tree(Map.of("name", "site-v1", "stages", List.of(Map.of("id", "pack",
                "kind", "deploy.pack", "partitioner", "by_module", "config", Map.of("source", dir.toString())))));
        int hooksBefore = hookCalls.get();
        PlanStatus done;
        try (KafkaConsumer<String, byte[]> success = kafka.tail(Topic.DEPLOY_PLATFORM_SUCCESS)) {
            assertThat(kafka.request(Commands.PLAN_SUBMIT, planId.toString(),
                    new Commands.SubmitPlan(planId.toString(), plan, true, "test")).status()).isEqualTo(202);
            done = awaitEnd(planId);
            assertThat(done.status()).isEqualTo("completed");
            CloudEvent announced = KafkaTestClient.await(success, e -> planId.toString().equals(e.subject()),
                    Duration.ofSeconds(15));
            assertThat(Json.tree(announced.data()).get("merkle_root").asText()).isEqualTo(done.merkleRoot());
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> hookCalls.get() == hooksBefore + 1);

        JsonNode point = null;
        for (JsonNode p : rollbackPoints()) {
            if (p.get("plan_id").asText().equals(planId.toString())) {
                point = p;
            }
        }
        assertThat(point).isNotNull();
        String deploymentId = point.get("deployment_id").asText();

        // The site moves on; the rollback still re-applies exactly what was deployed.
        Files.writeString(dir.resolve("index.html"), "<h1>v2</h1>");
        UUID rollbackPlan = UUID.randomUUID();
        Reply r = kafka.request(Commands.ROLLBACK, rollbackPlan.toString(),
                new Commands.Rollback(deploymentId, rollbackPlan.toString(), "test"));
        assertThat(r.status()).isEqualTo(202);
        PlanStatus rolledBack = awaitEnd(rollbackPlan);
        assertThat(rolledBack.status()).isEqualTo("completed");
        assertThat(rolledBack.shards().cached()).isEqualTo(rolledBack.totalShards());
        assertThat(rolledBack.merkleRoot()).isEqualTo(point.get("merkle_root").asText());
        await().atMost(Duration.ofSeconds(15)).until(() -> hookCalls.get() == hooksBefore + 2);
        await().atMost(Duration.ofSeconds(15)).until(() -> unannounced(planId) + unannounced(rollbackPlan) == 0);
        // Both plans wait for a decision no gateway here makes; once overdue, their owner announces them
        // again. The rollback's deployment is made to look recorded but never announced (its planner
        // stopped in between): it goes out now, under its recorded id. The other is neither recorded,
        // announced nor hooked a second time.
        String rollbackDeployment = rollbackPoints().stream()
                .filter(p -> p.get("plan_id").asText().equals(rollbackPlan.toString())).findFirst().orElseThrow()
                .get("deployment_id").asText();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hxo.deployments SET announced_at = NULL WHERE plan_id = ?")) {
            ps.setObject(1, rollbackPlan);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (KafkaConsumer<String, byte[]> success = kafka.tail(Topic.DEPLOY_PLATFORM_SUCCESS)) {
            assertThat(owner.announceUndecided(Instant.now().plus(Duration.ofMinutes(10)), 2))
                    .contains(planId, rollbackPlan);
            CloudEvent again = KafkaTestClient.await(success, e -> rollbackPlan.toString().equals(e.subject()),
                    Duration.ofSeconds(15));
            assertThat(Json.tree(again.data()).get("deployment_id").asText()).isEqualTo(rollbackDeployment);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> hookCalls.get() == hooksBefore + 3);
        await().atMost(Duration.ofSeconds(15)).until(() -> unannounced(rollbackPlan) == 0);
        Thread.sleep(1500);
        assertThat(hookCalls.get()).isEqualTo(hooksBefore + 3);
        assertThat(rollbackPoints().stream().filter(p -> p.get("plan_id").asText().equals(planId.toString())))
                .hasSize(1);

        // The certificate the plan gets is the one its rollback point shows.
        assertThat(point.path("certificate").path("outcome").isMissingNode()).isTrue();
        try (HxoPublisher gateway = kafka.publisherAs("federation-gateway")) {
            gateway.emit(Topic.HXO_AGGREGATE_FINALIZED, planId.toString(), new Events.Certificate(planId.toString(),
                    done.merkleRoot(), done.totalShards(), done.hashAlg(), "HARMONIC", "certified", List.of(),
                    List.of(), Instant.now())).join();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> rollbackPoints().stream()
                .anyMatch(p -> p.get("plan_id").asText().equals(planId.toString())
                        && p.path("certificate").path("outcome").asText().equals("certified")));

        UUID nowhere = UUID.randomUUID();
        assertThat(kafka.request(Commands.ROLLBACK, nowhere.toString(), new Commands.Rollback(UUID.randomUUID().toString(),
                nowhere.toString(), "test")).status()).isEqualTo(404);
    }

    @Test
    void aDeploymentsPackedFilesAreServedByItsManifestRootInPagesWithinTheRecordLimit(@TempDir Path dir)
            throws Exception {
        byte[] medium = "m".repeat(900 * 1024).getBytes();
        Files.writeString(dir.resolve(".env"), "API_TOKEN=abc\n");
        Files.write(dir.resolve("big.bin"), new byte[3 * 1024 * 1024]);
        Files.writeString(dir.resolve("index.html"), "<h1>files</h1>");
        Files.createDirectories(dir.resolve("m"));
        for (String name : List.of("a.txt", "b.txt", "c.txt")) {
            Files.write(dir.resolve("m").resolve(name), (name + ":").getBytes());
            Files.write(dir.resolve("m").resolve(name), medium, java.nio.file.StandardOpenOption.APPEND);
        }
        UUID planId = UUID.randomUUID();
        JsonNode plan = Json.tree(Map.of("name", "files", "stages", List.of(Map.of("id", "pack",
                "kind", "deploy.pack", "partitioner", "by_module", "config", Map.of("source", dir.toString())))));
        assertThat(kafka.request(Commands.PLAN_SUBMIT, planId.toString(),
                new Commands.SubmitPlan(planId.toString(), plan, true, "test")).status()).isEqualTo(202);
        PlanStatus done = awaitEnd(planId);
        assertThat(done.status()).isEqualTo("completed");

        // Page 1 carries what fits 2 MiB of content; the 3 MiB file comes without its content; m/c.txt
        // does not fit what is left and opens page 2.
        String root = done.merkleRoot();
        Commands.DeploymentFiles first = files(root, null);
        assertThat(first.planId()).isEqualTo(planId.toString());
        assertThat(first.total()).isEqualTo(6);
        assertThat(first.files()).extracting(Commands.DeploymentFile::path)
                .containsExactly(".env", "big.bin", "index.html", "m/a.txt", "m/b.txt");
        assertThat(first.next()).isEqualTo(5);
        Commands.DeploymentFile big = first.files().get(1);
        assertThat(big.size()).isEqualTo(3 * 1024 * 1024);
        assertThat(big.content()).isNull();
        assertThat(big.missing()).isFalse();
        assertThat(new String(java.util.Base64.getDecoder().decode(first.files().get(0).content()))).isEqualTo("API_TOKEN=abc\n");
        Commands.DeploymentFiles second = files(root.toUpperCase(), 5);
        assertThat(second.files()).extracting(Commands.DeploymentFile::path).containsExactly("m/c.txt");
        assertThat(second.next()).isNull();
        assertThat(java.util.Base64.getDecoder().decode(second.files().get(0).content()))
                .isEqualTo(Files.readAllBytes(dir.resolve("m/c.txt")));

        // A root no deployment has, and a root that is not one.
        String unknown = "0".repeat(64);
        assertThat(kafka.request(Commands.DEPLOYMENT_FILES, unknown, new Commands.DeploymentFilesQuery(unknown, 0))
                .status()).isEqualTo(404);
        assertThat(kafka.request(Commands.DEPLOYMENT_FILES, "x", new Commands.DeploymentFilesQuery("../etc", 0))
                .status()).isEqualTo(400);
    }

    Commands.DeploymentFiles files(String root, Integer from) {
        Reply r = kafka.request(Commands.DEPLOYMENT_FILES, root, new Commands.DeploymentFilesQuery(root, from));
        assertThat(r.status()).as(String.valueOf(r.problem())).isEqualTo(200);
        return Json.convert(r.body(), Commands.DeploymentFiles.class);
    }
}
