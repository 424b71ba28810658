package io.hxo.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.deploy.Deployments;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
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
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Deployments: a deploy plan is a deployment and a rollback point only once certified; then it is
 * announced on deploy.platform.success and calls the Netlify build hook (a stub on a free port,
 * {@link PlatformFakes}) once per announcement; a plan whose validators disagree deploys nothing; a rollback
 * re-applies the recorded work from the CAS store.
 */
@QuarkusTest
@WithTestResource(PlatformFakes.class)
class DeploymentsTest {
    static KafkaTestClient kafka;
    static final AtomicInteger hookCalls = PlatformFakes.hookCalls;
    static final List<String> platformCalls = PlatformFakes.platformCalls;
    static final List<String> hookBodies = PlatformFakes.hookBodies;

    @Inject
    Deployments deployments;
    @Inject
    DataSource db;

    @BeforeAll
    static void start() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void stop() {
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

    /** The gateway's decision on a completed plan, as the consensus round would publish it. */
    static void decide(UUID planId, PlanStatus done, boolean certified) {
        try (HxoPublisher gateway = kafka.publisherAs("federation-gateway")) {
            gateway.emit(certified ? Topic.HXO_AGGREGATE_FINALIZED : Topic.HXO_AGGREGATE_FAILED, planId.toString(),
                    new Events.Certificate(planId.toString(), certified ? done.merkleRoot() : "00".repeat(32),
                            done.totalShards(), done.hashAlg(), "HARMONIC", certified ? "certified" : "disagreement",
                            List.of(), List.of(), Instant.now())).join();
        }
    }

    long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql);
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    /** Deployment rows of a plan, announced or not. */
    int deploymentRows(UUID planId) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM hxo.deployments WHERE plan_id = ?")) {
            ps.setObject(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getInt(1);
            }
        }
    }

    JsonNode site(Path dir) throws Exception {
        Files.writeString(dir.resolve("index.html"), "<h1>v1</h1>");
        Files.createDirectories(dir.resolve("static"));
        Files.writeString(dir.resolve("static/app.js"), "console.log(1)");
        return Json.tree(Map.of("name", "site-v1", "stages", List.of(Map.of("id", "pack",
                "kind", "deploy.pack", "partitioner", "by_module", "config", Map.of("source", dir.toString())))));
    }

    PlanStatus submit(UUID planId, JsonNode plan) {
        assertThat(kafka.request(Commands.PLAN_SUBMIT, planId.toString(),
                new Commands.SubmitPlan(planId.toString(), plan, true, "test")).status()).isEqualTo(202);
        return awaitEnd(planId);
    }

    @Test
    void aPlanDeploysOnlyOnceCertifiedIsHookedOnceAndRollsBackFromTheCasStore(@TempDir Path dir) throws Exception {
        JsonNode plan = site(dir);
        UUID planId = UUID.randomUUID();
        int hooksBefore = hookCalls.get();
        PlanStatus done;
        try (KafkaConsumer<String, byte[]> success = kafka.tail(Topic.DEPLOY_PLATFORM_SUCCESS)) {
            done = submit(planId, plan);
            assertThat(done.status()).isEqualTo("completed");
            // Completed is not deployed: no rollback point, no deployment row, no hook, nothing announced.
            assertThat(deploymentRows(planId)).isZero();
            assertThat(rollbackPoints()).noneMatch(p -> p.get("plan_id").asText().equals(planId.toString()));
            assertThat(hookCalls.get()).isEqualTo(hooksBefore);

            decide(planId, done, true);
            CloudEvent announced = KafkaTestClient.await(success, e -> planId.toString().equals(e.subject()),
                    Duration.ofSeconds(20));
            assertThat(Json.tree(announced.data()).get("merkle_root").asText()).isEqualTo(done.merkleRoot());
        }
        assertThat(awaitEnd(planId).status()).isEqualTo("certified");
        await().atMost(Duration.ofSeconds(15)).until(() -> hookCalls.get() == hooksBefore + 1);
        await().atMost(Duration.ofSeconds(15)).until(() -> unannounced(planId) == 0);

        JsonNode point = rollbackPoints().stream().filter(p -> p.get("plan_id").asText().equals(planId.toString()))
                .findFirst().orElseThrow();
        assertThat(point.path("certificate").path("outcome").asText()).isEqualTo("certified");
        String deploymentId = point.get("deployment_id").asText();

        // The same decision delivered again deploys nothing more.
        decide(planId, done, true);

        // A deployment whose announcement never reached the broker goes out again, under its recorded id.
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hxo.deployments SET announced_at = NULL WHERE plan_id = ?")) {
            ps.setObject(1, planId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
        try (KafkaConsumer<String, byte[]> success = kafka.tail(Topic.DEPLOY_PLATFORM_SUCCESS)) {
            assertThat(deployments.announcePending(Instant.now())).extracting(d -> d.deploymentId().toString())
                    .contains(deploymentId);
            CloudEvent again = KafkaTestClient.await(success, e -> planId.toString().equals(e.subject()),
                    Duration.ofSeconds(15));
            assertThat(Json.tree(again.data()).get("deployment_id").asText()).isEqualTo(deploymentId);
        }
        await().atMost(Duration.ofSeconds(15)).until(() -> hookCalls.get() == hooksBefore + 2);
        await().atMost(Duration.ofSeconds(15)).until(() -> unannounced(planId) == 0);
        assertThat(deploymentRows(planId)).isEqualTo(1);

        // CI reports where the certified plan went live: a Render service and a Netlify site.
        try (HxoPublisher gateway = kafka.publisherAs("federation-gateway")) {
            for (Events.Platform p : List.of(new Events.Platform("render", "srv-api", "dep-v1", planId.toString()),
                    new Events.Platform("netlify", "site-console", "nd-v1", planId.toString()))) {
                gateway.emit(Topic.DEPLOY_PLATFORM_SUCCESS, planId.toString(), new Events.DeployReport("success",
                        "run-1", "hxo", "abc123", null, null, "ci", Instant.now(), p)).join();
            }
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> count(
                "SELECT count(*) FROM hxo.platform_deploys WHERE plan_id = '" + planId + "'") == 2);

        // The site moves on; the rollback still re-applies exactly what was deployed, from the CAS store,
        // and is itself a deployment only once it is certified.
        Files.writeString(dir.resolve("index.html"), "<h1>v2</h1>");
        UUID rollbackPlan = UUID.randomUUID();
        Reply r = kafka.request(Commands.ROLLBACK, rollbackPlan.toString(),
                new Commands.Rollback(deploymentId, rollbackPlan.toString(), "test"));
        assertThat(r.status()).isEqualTo(202);
        PlanStatus rolledBack = awaitEnd(rollbackPlan);
        assertThat(rolledBack.status()).isEqualTo("completed");
        assertThat(rolledBack.shards().cached()).isEqualTo(rolledBack.totalShards());
        assertThat(rolledBack.merkleRoot()).isEqualTo(point.get("merkle_root").asText());
        assertThat(deploymentRows(rollbackPlan)).isZero();
        assertThat(platformCalls).as("nothing is rolled back on a platform before the rollback is certified").isEmpty();
        decide(rollbackPlan, rolledBack, true);
        await().atMost(Duration.ofSeconds(20)).until(() -> rollbackPoints().stream()
                .anyMatch(p -> p.get("plan_id").asText().equals(rollbackPlan.toString())
                        && p.get("rollback_of").asText().equals(deploymentId)));
        await().atMost(Duration.ofSeconds(15)).until(() -> hookCalls.get() == hooksBefore + 3);
        // Certified, the rollback rolls the platforms back to the deploys CI reported for the target.
        await().atMost(Duration.ofSeconds(20)).until(() -> platformCalls.size() == 2);
        assertThat(platformCalls).containsExactlyInAnyOrder(
                "POST /render/v1/services/srv-api/rollback Bearer test-render-api-key {\"deployId\":\"dep-v1\"}",
                "POST /netlify/api/v1/sites/site-console/deploys/nd-v1/restore Bearer test-netlify-token {}");
        await().atMost(Duration.ofSeconds(15)).until(() -> count("SELECT count(*) FROM hxo.platform_rollbacks"
                + " WHERE status = 'HTTP 201' AND deployment_id IN (SELECT deployment_id FROM hxo.deployments"
                + " WHERE plan_id = '" + rollbackPlan + "')") == 2);
        // Announced again (as after a stop), the rollback does not roll the platforms back twice.
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hxo.deployments SET announced_at = NULL WHERE plan_id = ?")) {
            ps.setObject(1, rollbackPlan);
            ps.executeUpdate();
        }
        deployments.announcePending(Instant.now());
        await().atMost(Duration.ofSeconds(15)).until(() -> hookCalls.get() == hooksBefore + 4);
        assertThat(platformCalls).hasSize(2);

        UUID nowhere = UUID.randomUUID();
        assertThat(kafka.request(Commands.ROLLBACK, nowhere.toString(), new Commands.Rollback(UUID.randomUUID().toString(),
                nowhere.toString(), "test")).status()).isEqualTo(404);
    }

    @Test
    void aPlanWhoseValidatorsDisagreeDeploysNothingAndIsNoRollbackPoint(@TempDir Path dir) throws Exception {
        JsonNode plan = site(dir);
        UUID planId = UUID.randomUUID();
        int hooksBefore = hookCalls.get();
        PlanStatus done = submit(planId, plan);
        assertThat(done.status()).isEqualTo("completed");
        try (KafkaConsumer<String, byte[]> plans = kafka.tail(Topic.HXO_PLAN)) {
            decide(planId, done, false);
            // Announced after the decision's consequences: once this arrives, a deployment would exist.
            KafkaTestClient.await(plans, e -> planId.toString().equals(e.subject())
                    && e.dataAs(Events.PlanChanged.class).status().equals("certification_failed"), Duration.ofSeconds(20));
        }
        assertThat(deploymentRows(planId)).isZero();
        assertThat(rollbackPoints()).noneMatch(p -> p.get("plan_id").asText().equals(planId.toString()));
        assertThat(hookCalls.get()).isEqualTo(hooksBefore);

        // A deployment row left by an older planner that deployed at completion is no rollback point:
        // rolling back to it is refused with a conflict, and nothing is submitted.
        UUID legacy = UUID.randomUUID();
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO hxo.deployments (deployment_id, plan_id, name, merkle_root, finished_at, announced_at)
                VALUES (?, ?, 'legacy', ?, now(), now())""")) {
            ps.setObject(1, legacy);
            ps.setObject(2, planId);
            ps.setString(3, done.merkleRoot());
            ps.executeUpdate();
        }
        assertThat(rollbackPoints()).noneMatch(p -> p.get("deployment_id").asText().equals(legacy.toString()));
        UUID refused = UUID.randomUUID();
        Reply r = kafka.request(Commands.ROLLBACK, refused.toString(),
                new Commands.Rollback(legacy.toString(), refused.toString(), "test"));
        assertThat(r.status()).isEqualTo(409);
        assertThat(r.problem().type()).endsWith("not-certified");
        assertThat(kafka.request(Commands.PLAN_STATUS, refused.toString(), new Commands.PlanQuery(refused.toString()))
                .status()).isEqualTo(404);
    }

    @Test
    void aSecretInAPlanIsSealedAndNeverEchoedAndOneNamedByVariableIsStoredByName() throws Exception {
        String secret = "s3cr3t-" + UUID.randomUUID();
        JsonNode literal = Json.tree(Map.of("name", "hook-literal", "stages", List.of(Map.of("id", "hook",
                "kind", "deploy.hook", "config", Map.of("url", PlatformFakes.base() + "/netlify-build-hook?token=" + secret,
                        "body", Map.of("api_key", secret + "-body"))))));
        JsonNode named = Json.tree(Map.of("name", "hook-named", "stages", List.of(Map.of("id", "hook",
                "kind", "deploy.hook", "config", Map.of("url_env", "HXO_TEST_HOOK_URL")))));
        // A first hook call in a fresh JVM can outlast the test profile's 1.5 s shard timeout (the HTTP client
        // starts its threads); a timed-out effect is tried again, and would call twice. Warm it up first.
        submit(UUID.randomUUID(), Json.tree(Map.of("name", "hook-warm-up", "stages", List.of(Map.of("id", "hook",
                "kind", "deploy.hook", "config", Map.of("url", PlatformFakes.base() + "/netlify-build-hook?warm-up=1"))))));
        List<String> surfaces = new ArrayList<>();
        List<String> planIds = new ArrayList<>();
        try (KafkaConsumer<String, byte[]> tasks = kafka.tail(Topic.HXO_SHARD_TASKS);
                KafkaConsumer<String, byte[]> plans = kafka.tail(Topic.HXO_PLAN)) {
            for (JsonNode plan : List.of(literal, named)) {
                UUID planId = UUID.randomUUID();
                PlanStatus done = submit(planId, plan);
                assertThat(done.status()).isEqualTo("completed");
                surfaces.add(Json.text(done));
                Reply report = kafka.request(Commands.PLAN_REPORT, planId.toString(), new Commands.PlanQuery(planId.toString()));
                assertThat(report.status()).isEqualTo(200);
                surfaces.add(Json.text(report.body()));
                try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                        "SELECT spec::text, coalesce(error, '') FROM hxo.plans WHERE plan_id = ?")) {
                    ps.setObject(1, planId);
                    try (ResultSet rs = ps.executeQuery()) {
                        rs.next();
                        surfaces.add(rs.getString(1) + rs.getString(2));
                    }
                }
                planIds.add(planId.toString());
            }
            // Every task and plan event of both plans, as any reader of the broker sees them.
            for (KafkaConsumer<String, byte[]> topic : List.of(tasks, plans)) {
                Set<String> seen = new java.util.HashSet<>();
                await().atMost(Duration.ofSeconds(15)).until(() -> {
                    for (var r : topic.poll(Duration.ofMillis(200))) {
                        if (planIds.contains(r.key()) || planIds.stream().anyMatch(id -> r.key() != null && r.key().startsWith(id))) {
                            surfaces.add(new String(r.value()));
                            seen.add(planIds.stream().filter(id -> r.key().startsWith(id)).findFirst().orElseThrow());
                        }
                    }
                    return seen.size() == 2;
                });
            }
        }
        // Both hooks were called: the sealed one opened, the named one read from its variable.
        // (Counted by their own tokens: another test's Netlify hook may still be arriving.)
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            assertThat(hookBodies.stream().filter(b -> b.startsWith("/netlify-build-hook?token=" + secret + " ")))
                    .singleElement().satisfies(b -> assertThat(b).contains(secret + "-body"));
            assertThat(hookBodies.stream().filter(b -> b.startsWith("/netlify-build-hook?token=from-the-environment ")))
                    .hasSize(1);
        });
        assertThat(surfaces).isNotEmpty().noneMatch(t -> t.contains(secret)).noneMatch(t -> t.contains("from-the-environment"));
        assertThat(String.join("\n", surfaces)).contains("secret_fingerprint").contains("HXO_TEST_HOOK_URL");
        assertThat(count("SELECT count(*) FROM hxo.secrets")).isGreaterThanOrEqualTo(2);
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT count(*) FROM hxo.secrets WHERE position(convert_to(?, 'UTF8') IN sealed) > 0")) {
            ps.setString(1, secret);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                assertThat(rs.getLong(1)).as("sealed, not stored in clear").isZero();
            }
        }

        // A variable that is not set is named in a 422, before any work.
        UUID unset = UUID.randomUUID();
        Reply refused = kafka.request(Commands.PLAN_SUBMIT, unset.toString(), new Commands.SubmitPlan(unset.toString(),
                Json.tree(Map.of("name", "hook-unset", "stages", List.of(Map.of("id", "hook", "kind", "deploy.hook",
                        "config", Map.of("url_env", "HXO_NOT_SET_ANYWHERE"))))), true, "test"));
        assertThat(refused.status()).isEqualTo(422);
        assertThat(refused.problem().detail()).contains("HXO_NOT_SET_ANYWHERE");
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
        decide(planId, done, true);
        await().atMost(Duration.ofSeconds(20)).until(() -> deploymentRows(planId) == 1);

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
        // Its Netlify hook has been called before the next test counts hook calls.
        await().atMost(Duration.ofSeconds(20)).until(() -> count("SELECT count(*) FROM hxo.deployments WHERE plan_id = '"
                + planId + "' AND hook_status IS NOT NULL") == 1);
    }

    Commands.DeploymentFiles files(String root, Integer from) {
        Reply r = kafka.request(Commands.DEPLOYMENT_FILES, root, new Commands.DeploymentFilesQuery(root, from));
        assertThat(r.status()).as(String.valueOf(r.problem())).isEqualTo(200);
        return Json.convert(r.body(), Commands.DeploymentFiles.class);
    }
}
