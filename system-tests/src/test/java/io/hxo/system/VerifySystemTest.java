package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * {@code hxoctl verify --deep --certify}, the CI gate after a deploy, against the running suite: ok
 * after a certified plan; exit 1 naming the link with arie-auditor stopped; exit 1 naming the plan
 * when a stored certificate's root was tampered with.
 */
@Order(30)
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class VerifySystemTest {
    static String planId;

    @Test
    @Order(1)
    void verifyDeepCertifyPassesOnTheRunningSuite() throws Exception {
        planId = certifiedPlan("verify", 64);
        Suite.Result r = Suite.hxoctl("verify", "--deep", "--certify");
        assertThat(r.exitCode()).as(r.output()).isZero();
        assertThat(r.output()).contains("ok    plan " + planId).contains("sampled proof(s) verify").contains("verify: ok");
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
            try {
                Suite.Result r = Suite.hxoctl("verify", "--certify");
                assertThat(r.exitCode()).as(r.output()).isEqualTo(1);
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
        assertThat(Suite.hxoctl("verify", "--certify").exitCode()).isZero();
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
