package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code hxoctl verify --deep --certify}, the CI gate after a deploy, against the running suite: a
 * fresh canary plan certified by the real validators, its sampled proofs verified offline → exit 0;
 * exit 1 naming the link with arie-auditor stopped; exit 5 naming the plan when a stored
 * certificate's root was tampered with; exit 3 when the plan the gate submits ends
 * {@code certification_failed} because a validator saw a tampered leaf.
 */
@Order(30)
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifySystemTest {
    static String planId;

    @Test
    @Order(1)
    void verifyDeepCertifyPassesOnTheRunningSuiteWithAFreshCertifiedCanary() throws Exception {
        planId = certifiedPlan("verify", 64);
        Suite.Result r = Suite.hxoctl("verify", "--deep", "--certify", "--timeout", "PT60S", "--samples", "8");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("8 of 8 leaves' proofs verify offline").contains("ok    plan " + planId)
                .contains("sampled proof(s) verify");
        assertThat(r.output().strip()).as("the verdict is the last line").endsWith("\nverify: ok");
        String canary = canaryOf(r);
        JsonNode status = Suite.planStatus(canary);
        assertThat(status.path("status").asText()).isEqualTo("certified");
        assertThat(status.path("shards").path("cached").asLong()).as("the canary is never served from cache").isZero();

        // The next run is another plan, certified on its own.
        Suite.Result again = Suite.hxoctl("verify", "--certify", "--timeout", "PT60S", "--plans", "0");
        assertThat(again.exitCode()).as(again.output()).isZero();
        assertThat(canaryOf(again)).isNotEqualTo(canary);
        assertThat(Suite.planStatus(canaryOf(again)).path("merkle_root").asText())
                .isNotEqualTo(status.path("merkle_root").asText());
    }

    /** The canary's plan id, from its {@code ok    canary <id>} line. */
    static String canaryOf(Suite.Result r) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("(?m)^ok {4}canary ([0-9a-f-]{36}) certified")
                .matcher(r.output());
        assertThat(m.find()).as(r.output()).isTrue();
        return m.group(1);
    }

    @Test
    @Order(2)
    void withArieAuditorStoppedVerifyNamesItsLink() throws Exception {
        try {
            Suite.stop("arie-auditor");
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500))
                    .until(() -> !"healthy".equals(linkState("arie-auditor")));
            Suite.Result r = Suite.hxoctl("verify", "--deep");
            assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
            assertThat(r.output()).containsPattern("FAIL +link arie-auditor +(degraded|down)");
            assertThat(r.output()).doesNotContain("FAIL  link hxo-planner").doesNotContain("FAIL  link genesis-bus");
        } finally {
            Suite.Result up = Suite.hxo(Duration.ofMinutes(3), "up", "--detach", "--no-build");
            assertThat(up.exitCode()).as(up.output()).isZero();
        }
        await().atMost(Duration.ofSeconds(30)).until(() -> "healthy".equals(linkState("arie-auditor")));
        assertThat(Suite.hxoctl("verify").exitCode()).isZero();
    }

    @Test
    @Order(3)
    void aTamperedCertificateFailsVerifyNamingThePlan() throws Exception {
        String forged = Hex.of(HashAlg.SHA3_256.hash(("forged " + UUID.randomUUID()).getBytes()));
        String original;
        try (Connection c = Suite.db()) {
            try (PreparedStatement s = c.prepareStatement("SELECT certificate::text FROM hxo.plans WHERE plan_id = ?::uuid")) {
                s.setString(1, planId);
                try (ResultSet rs = s.executeQuery()) {
                    assertThat(rs.next()).isTrue();
                    original = rs.getString(1);
                }
            }
            update(c, "UPDATE hxo.plans SET certificate = jsonb_set(certificate, '{merkle_root}', to_jsonb(?::text)) "
                    + "WHERE plan_id = ?::uuid", forged, planId);
            // The gateway that decided serves the certificate from its own decision; one that did not
            // (another instance, or this one after a restart) serves what the planner stores: the copy
            // tampered with.
            Suite.stop("federation-gateway");
            assertThat(Suite.hxo(Duration.ofMinutes(4), "up", "--detach", "--no-build").exitCode()).isZero();
            try {
                Suite.Result r = Suite.hxoctl("verify", "--certify", "--timeout", "PT60S", "--plans", "5");
                assertThat(r.exitCode()).as("5: a certificate does not hold\n" + r.output()).isEqualTo(5);
                assertThat(r.output()).contains("FAIL  plan " + planId).contains(forged);
                // Only the tampered plan is at fault.
                assertThat(r.output().lines().filter(l -> l.startsWith("FAIL")).allMatch(l -> l.contains(planId)))
                        .as(r.output()).isTrue();

                Suite.Result proof = Suite.hxoctl("proof", planId, anyLeaf(planId));
                assertThat(proof.exitCode()).as(proof.output()).isEqualTo(1);
                assertThat(proof.output()).contains("INVALID");
            } finally {
                update(c, "UPDATE hxo.plans SET certificate = ?::jsonb WHERE plan_id = ?::uuid", original, planId);
            }
        }
        Suite.Result after = Suite.hxoctl("verify", "--certify", "--timeout", "PT60S", "--plans", "5");
        assertThat(after.exitCode()).as(after.output()).isZero();
    }

    @Test
    @Order(4)
    void aPlanWhoseCertificationFailsFailsTheGateWithExit3(@TempDir Path dir) throws Exception {
        // The gate's plan (--plan FILE): stage b runs 5 s after stage a is done, the window in which
        // genesis-bus already stored stage a's leaves and nobody has voted yet (as ConsensusDrillSystemTest).
        String name = "gate-tamper-" + UUID.randomUUID();
        Path plan = dir.resolve("gate-plan.json");
        Files.writeString(plan, """
                {"name": "%s", "stages": [
                  {"id": "a", "kind": "test.sleep", "config": {"count": 4, "sleep_ms": 10, "salt": "%s"}},
                  {"id": "b", "kind": "test.sleep", "depends_on": ["a"], "config": {"count": 1, "sleep_ms": 5000, "salt": "%s"}}]}
                """.formatted(name, name, name));
        CompletableFuture<Suite.Result> gate = CompletableFuture.supplyAsync(() -> {
            try {
                return Suite.hxoctl("verify", "--certify", "--plan", plan.toString(), "--timeout", "PT90S", "--plans", "0");
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        String[] id = new String[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(50)).until(() -> {
            id[0] = planNamed(name);
            return id[0] != null && Suite.count("SELECT count(*) FROM genesis.events WHERE topic = 'hxo.shard.done' "
                    + "AND subject = '" + id[0] + "'") >= 1;
        });
        assertThat(Suite.planStatus(id[0]).path("status").asText()).as("stage b still running").isEqualTo("running");
        try (Connection c = Suite.db(); PreparedStatement tamper = c.prepareStatement("""
                UPDATE genesis.events SET data = jsonb_set(data, '{leaves,0,output_digest}', to_jsonb(repeat('0', 64)))
                WHERE seq = (SELECT min(seq) FROM genesis.events WHERE topic = 'hxo.shard.done' AND subject = ?)""")) {
            tamper.setString(1, id[0]);
            assertThat(tamper.executeUpdate()).isEqualTo(1);
        }
        Suite.Result r = gate.get(2, TimeUnit.MINUTES);
        assertThat(r.exitCode()).as(r.output()).isEqualTo(3);
        assertThat(r.output()).contains("FAIL  canary " + id[0]).contains("ended certification_failed")
                .contains("verify: FAIL (exit 3) certification failed: canary " + id[0]);
        assertThat(Suite.planStatus(id[0]).path("status").asText()).isEqualTo("certification_failed");
    }

    static String planNamed(String name) throws Exception {
        try (Connection c = Suite.db();
                PreparedStatement s = c.prepareStatement("SELECT plan_id::text FROM hxo.plans WHERE name = ?")) {
            s.setString(1, name);
            try (ResultSet rs = s.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static void update(Connection c, String sql, String a, String b) throws Exception {
        try (PreparedStatement s = c.prepareStatement(sql)) {
            s.setString(1, a);
            s.setString(2, b);
            assertThat(s.executeUpdate()).isEqualTo(1);
        }
    }

    /** A shard id of the plan, as the bus's history recorded it. */
    static String anyLeaf(String planId) throws Exception {
        // Page through the history: earlier tests (a 10,000-shard plan among them) fill the first pages.
        String after = "";
        while (true) {
            HttpResponse<String> r = Suite.get("/api/genesis/events?topic=hxo.shard.done&limit=1000" + after,
                    "Bearer " + Suite.ADMIRAL);
            JsonNode page = Json.tree(r.body().getBytes());
            for (JsonNode ev : page.path("events")) {
                if (planId.equals(ev.path("subject").asText())) {
                    JsonNode data = ev.path("data").isTextual() ? Json.tree(ev.path("data").asText().getBytes()) : ev.path("data");
                    return data.path("leaves").get(0).path("cas_id").asText();
                }
            }
            if (!page.path("more").asBoolean(false)) {
                throw new AssertionError("no hxo.shard.done event for plan " + planId);
            }
            after = "&after=" + page.path("through").asText();
        }
    }

    static String linkState(String service) throws Exception {
        HttpResponse<String> r = Suite.get("/api/hxo/links/health", "Bearer " + Suite.ADMIRAL);
        for (JsonNode link : Json.tree(r.body().getBytes()).path("links")) {
            if (service.equals(link.path("service").asText())) {
                return link.path("state").asText();
            }
        }
        return "absent";
    }

    /** Submits a small no-op plan and waits until it is certified; returns its id. */
    static String certifiedPlan(String name, int shards) throws Exception {
        String salt = UUID.randomUUID().toString();
        String plan = "{\"name\":\"" + name + "\",\"stages\":[{\"id\":\"s\",\"kind\":\"test.noop\",\"config\":{\"count\":"
                + shards + ",\"salt\":\"" + salt + "\"}}]}";
        String id = Drills.submit(plan, salt);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
                .until(() -> "certified".equals(Suite.planStatus(id).path("status").asText()));
        return id;
    }
}
