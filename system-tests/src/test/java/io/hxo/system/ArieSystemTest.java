package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * ARIE through the running suite (issue 6): a certified deploy is audited by itself and its report
 * is served by the gateway; an identical deploy finds nothing new; a stored result changed behind
 * the planner's back is an integrity finding and an {@code arie.alert}.
 */
@Order(30)
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ArieSystemTest {
    static final String ADMIRAL = "Bearer " + Suite.ADMIRAL;
    static final String CAPTAIN = "Bearer " + Suite.CAPTAIN;
    static String firstDeploy;

    @Test
    @Order(1)
    void aCertifiedDeployIsAuditedByItselfAndItsReportIsServed() throws Exception {
        firstDeploy = deploy();
        JsonNode report = awaitDeployAudit(firstDeploy);
        assertThat(report.path("trigger").asText()).isEqualTo("deploy");
        // The deployment's own files were scanned, fetched from the planner by the manifest root.
        String root = Json.tree(Suite.get("/api/hxo/status/" + firstDeploy, ADMIRAL).body().getBytes())
                .path("merkle_root").asText();
        assertThat(report.path("deployment").asText()).isEqualTo(root);
        List<String> files = new java.util.ArrayList<>();
        report.path("findings").forEach(f -> {
            if (f.path("location").has("file")) {
                files.add(f.path("rule_id").asText() + " " + f.path("location").path("file").asText());
            }
        });
        assertThat(files).as(report.toString()).containsExactly("HXO-WS-004 .env");
        String id = report.path("scan_id").asText();
        HttpResponse<String> byId = Suite.get("/api/arie/report/" + id, CAPTAIN);
        assertThat(byId.statusCode()).isEqualTo(200);
        assertThat(Json.tree(byId.body().getBytes()).path("summary").isObject()).isTrue();
        HttpResponse<String> sarif = Suite.get("/api/arie/report/" + id + "?format=sarif", CAPTAIN);
        assertThat(sarif.statusCode()).isEqualTo(200);
        assertThat(sarif.headers().firstValue("Content-Type")).hasValueSatisfying(
                t -> assertThat(t).startsWith("application/sarif+json"));
        assertThat(Json.tree(sarif.body().getBytes()).path("version").asText()).isEqualTo("2.1.0");
    }

    @Test
    @Order(2)
    void aSecondIdenticalDeployFindsNothingNew() throws Exception {
        String second = deploy();
        JsonNode report = awaitDeployAudit(second);
        assertThat(report.path("summary").path("new_findings").asInt()).as(report.toString()).isZero();
        for (JsonNode f : report.path("findings")) {
            assertThat(f.path("baseline").asText()).isEqualTo("existing");
        }
    }

    @Test
    @Order(3)
    void aTamperedResultOfACertifiedPlanIsAnIntegrityFindingAndAnAlert() throws Exception {
        byte[] casId;
        byte[] original;
        try (Connection c = Suite.db()) {
            // The first leaf of the first deploy's first checkpoint: index (4 bytes), then its cas id.
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT leaves FROM hxo.checkpoints WHERE plan_id = ?::uuid ORDER BY seq LIMIT 1")) {
                ps.setString(1, firstDeploy);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    casId = java.util.Arrays.copyOfRange(rs.getBytes(1), 4, 36);
                }
            }
            try (PreparedStatement ps = c.prepareStatement("SELECT output_digest FROM hxo.results WHERE cas_id = ?")) {
                ps.setBytes(1, casId);
                try (ResultSet rs = ps.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    original = rs.getBytes(1);
                }
            }
        }
        byte[] forged = original.clone();
        forged[0] ^= 0x01;
        setDigest(casId, forged);
        try (KafkaTestClient kafka = Suite.kafka(); KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.ARIE_ALERT)) {
            HttpResponse<String> accepted = Suite.post("/api/arie/scan", ADMIRAL, "{}");
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String scanId = Json.tree(accepted.body().getBytes()).path("scan_id").asText();
            JsonNode report = awaitDone(scanId);
            List<JsonNode> integrity = findings(report, "HXO-INT-001");
            assertThat(integrity).as(report.toString()).anySatisfy(f -> {
                assertThat(f.path("location").path("service").asText()).isEqualTo("plan " + firstDeploy);
                assertThat(f.path("severity").asText()).isEqualTo("critical");
                assertThat(f.path("message").asText()).contains(io.hxo.contracts.hash.Hex.of(casId));
            });
            CloudEvent alert = KafkaTestClient.await(alerts, e -> scanId.equals(e.subject())
                    && "HXO-INT-001".equals(KafkaTestClient.data(e, Arie.Alert.class).ruleId()), Duration.ofSeconds(30));
            assertThat(KafkaTestClient.data(alert, Arie.Alert.class).severity()).isEqualTo("critical");
        } finally {
            setDigest(casId, original);
        }
    }

    // ---- helpers

    static void setDigest(byte[] casId, byte[] digest) throws Exception {
        try (Connection c = Suite.db(); PreparedStatement ps = c.prepareStatement(
                "UPDATE hxo.results SET output_digest = ? WHERE cas_id = ?")) {
            ps.setBytes(1, digest);
            ps.setBytes(2, casId);
            assertThat(ps.executeUpdate()).isEqualTo(1);
        }
    }

    /** Deploys the same small site (a deploy.pack plan) and waits until it is certified. */
    static String deploy() throws Exception {
        Path site = Path.of("target/arie-site").toAbsolutePath();
        Files.createDirectories(site.resolve("static"));
        Files.writeString(site.resolve("index.html"), "<h1>hello</h1>\n");
        Files.writeString(site.resolve("static/app.js"), "console.log('hello');\n");
        Files.writeString(site.resolve(".env"), "DEBUG=true\n"); // shipped by mistake: the audit finds it
        String plan = Json.text(Map.of("name", "arie-site", "stages", List.of(Map.of("id", "pack", "kind", "deploy.pack",
                "partitioner", "by_module", "config", Map.of("source", site.toString())))));
        HttpResponse<String> accepted = Suite.post("/api/hxo/create-and-submit", ADMIRAL, plan);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String planId = Json.tree(accepted.body().getBytes()).get("plan_id").asText();
        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
            JsonNode s = Json.tree(Suite.get("/api/hxo/status/" + planId, ADMIRAL).body().getBytes());
            return "certified".equals(s.path("status").asText());
        });
        return planId;
    }

    /** The audit the deploy of {@code planId} started, once done, as the gateway serves the latest report. */
    static JsonNode awaitDeployAudit(String planId) {
        JsonNode[] out = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> r = Suite.get("/api/arie/report", CAPTAIN);
            if (r.statusCode() != 200) {
                return false;
            }
            JsonNode report = Json.tree(r.body().getBytes());
            out[0] = report;
            return ("deploy " + planId).equals(report.path("requested_by").asText())
                    && "done".equals(report.path("status").asText());
        });
        return out[0];
    }

    static JsonNode awaitDone(String scanId) {
        JsonNode[] out = new JsonNode[1];
        await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() -> {
            HttpResponse<String> r = Suite.get("/api/arie/report/" + scanId, CAPTAIN);
            assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
            out[0] = Json.tree(r.body().getBytes());
            return "done".equals(out[0].path("status").asText());
        });
        return out[0];
    }

    static List<JsonNode> findings(JsonNode report, String rule) {
        java.util.ArrayList<JsonNode> out = new java.util.ArrayList<>();
        report.path("findings").forEach(f -> {
            if (rule.equals(f.path("rule_id").asText())) {
                out.add(f);
            }
        });
        return out;
    }
}
