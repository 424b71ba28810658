package io.hxo.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** hxoctl's commands against a stubbed gateway: what they call, what they print, how they exit. */
class CommandsTest {
    static final String PLAN = "01900000-0000-7000-8000-000000000001";
    static final int LEAVES = 7;

    StubGateway gw;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream savedOut;
    MerkleTree tree;
    final List<byte[]> ids = new ArrayList<>();
    final List<byte[]> digests = new ArrayList<>();

    @BeforeEach
    void setUp() throws Exception {
        gw = new StubGateway();
        savedOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < LEAVES; i++) {
            ids.add(HashAlg.SHA3_256.hash(("shard" + i).getBytes()));
            digests.add(HashAlg.SHA3_256.hash(("out" + i).getBytes()));
            leaves.add(InclusionProof.leafData(ids.get(i), digests.get(i)));
        }
        tree = MerkleTree.build(HashAlg.SHA3_256, leaves);
    }

    @AfterEach
    void tearDown() {
        System.setOut(savedOut);
        gw.close();
    }

    int run(String... args) {
        String[] all = new String[args.length + 2];
        all[0] = "--url";
        all[1] = gw.url();
        System.arraycopy(args, 0, all, 2, args.length);
        return HxoCtl.run(all);
    }

    String printed() {
        return out.toString(StandardCharsets.UTF_8);
    }

    // ---- verify

    void healthySuite() {
        healthySuite(gw);
    }

    /** Health UP, three healthy links, a running planner, the whole topic catalog. */
    static void healthySuite(StubGateway gw) {
        gw.json("GET", "/health", 200, "{\"status\":\"UP\",\"checks\":{}}");
        gw.json("GET", "/api/hxo/links/health", 200, """
                {"links":[
                 {"service":"hxo-planner","state":"healthy","instances":[{"schema_version":"5","version":"1"},{"schema_version":"5","version":"1"}]},
                 {"service":"genesis-bus","state":"healthy","instances":[{"schema_version":"1","version":"1"}]},
                 {"service":"arie-auditor","state":"healthy","instances":[{"schema_version":"1","version":"1"}]}]}""");
        gw.json("GET", "/api/hxo/status", 200, "{\"instances\":[{\"instance\":\"a\",\"state\":\"running\"}]}");
        gw.json("GET", "/api/genesis/metrics", 200, "{\"catalog\":{\"topics\":33,\"missing\":[]}}");
    }

    String root() {
        return Hex.of(tree.root());
    }

    ObjectNode certificate(String root) {
        ObjectNode cert = Json.mapper().createObjectNode();
        cert.put("plan_id", PLAN).put("merkle_root", root).put("leaf_count", LEAVES).put("hash_alg", "sha3-256")
                .put("mode", "HARMONIC").put("outcome", "certified");
        var votes = cert.putArray("votes");
        for (String v : List.of("hxo-planner", "genesis-bus", "arie-auditor")) {
            votes.addObject().put("validator", v).put("merkle_root", root()).put("leaf_count", LEAVES);
        }
        cert.putArray("missing");
        return cert;
    }

    void certifiedPlan(ObjectNode cert) {
        gw.json("GET", "/api/hxo/plans", 200, "{\"plans\":[{\"plan_id\":\"" + PLAN + "\",\"status\":\"certified\","
                + "\"merkle_root\":\"" + root() + "\",\"created_at\":\"2026-11-29T01:00:00Z\","
                + "\"finished_at\":\"2026-11-29T01:01:00Z\"}]}");
        gw.json("GET", "/api/hxo/plan/" + PLAN + "/certificate", 200, Json.text(cert));
        var events = Json.mapper().createObjectNode();
        var event = events.putArray("events").addObject().put("seq", 7).put("subject", PLAN);
        var data = Json.mapper().createObjectNode().put("plan_id", PLAN);
        var leaves = data.putArray("leaves");
        for (int i = 0; i < LEAVES; i++) {
            leaves.addObject().put("index", i).put("cas_id", Hex.of(ids.get(i))).put("output_digest", Hex.of(digests.get(i)));
        }
        event.put("data", Json.text(data)); // the bus's history serves data as JSON text
        events.put("more", false).put("through", 7);
        gw.json("GET", "/api/genesis/events", 200, Json.text(events));
        for (int i = 0; i < LEAVES; i++) {
            InclusionProof p = InclusionProof.of(PLAN, tree, i, ids.get(i), digests.get(i));
            gw.json("GET", "/api/hxo/plan/" + PLAN + "/proof/" + Hex.of(ids.get(i)), 200, Json.text(p));
        }
    }

    // verify --certify (the gate: canary, certificates, proofs) is VerifyGateTest.

    @Test
    void aLinkThatIsNotHealthyIsAProblemThatNamesIt() {
        healthySuite();
        gw.json("GET", "/api/hxo/links/health", 200, """
                {"links":[{"service":"hxo-planner","state":"healthy","instances":[{"schema_version":"5"}]},
                 {"service":"arie-auditor","state":"down","age_ms":9000,"instances":[{"schema_version":"1"}]}]}""");
        assertThat(run("verify")).isEqualTo(1);
        assertThat(printed()).contains("FAIL  link arie-auditor").contains("down");
    }

    @Test
    void instancesOnDifferentSchemaVersionsFailTheDeepCheck() {
        healthySuite();
        gw.json("GET", "/api/hxo/links/health", 200, """
                {"links":[{"service":"hxo-planner","state":"healthy","instances":[{"schema_version":"5"},{"schema_version":"6"}]}]}""");
        assertThat(run("verify")).isZero();
        assertThat(run("verify", "--deep")).isEqualTo(1);
        assertThat(printed()).contains("link hxo-planner").contains("disagree on the schema version");
    }

    @Test
    void aMissingTopicIsNamed() {
        healthySuite();
        gw.json("GET", "/api/genesis/metrics", 200, "{\"catalog\":{\"topics\":33,\"missing\":[\"hxo.alert\"]}}");
        assertThat(run("verify", "--deep")).isEqualTo(1);
        assertThat(printed()).contains("topic hxo.alert");
    }

    @Test
    void aCertificateWithAMissingVoteDoesNotHoldUnderHarmonic() {
        ObjectNode cert = certificate(root());
        ((com.fasterxml.jackson.databind.node.ArrayNode) cert.get("votes")).remove(2);
        cert.putArray("missing").add("arie-auditor");
        assertThat(Verification.certificateFaults(cert, PLAN, root())).singleElement().asString()
                .contains("2 of 3 agree").contains("missing");
        cert.put("mode", "QUORUM");
        assertThat(Verification.certificateFaults(cert, PLAN, root())).isEmpty();
        assertThat(Verification.certificateFaults(cert, PLAN, Hex.of(HashAlg.SHA3_256.hash("x".getBytes()))))
                .singleElement().asString().contains("is not the plan's root");
    }

    @Test
    void anUnreachableGatewayIsExitCode2() {
        gw.close();
        assertThat(run("verify", "--deep", "--certify")).isEqualTo(2);
    }

    @Test
    void jsonOutputListsEveryCheck() throws Exception {
        healthySuite();
        assertThat(run("--json", "verify", "--deep")).isZero();
        var doc = Json.tree(out.toByteArray());
        assertThat(doc.path("ok").asBoolean()).isTrue();
        assertThat(doc.path("checks").size()).isGreaterThanOrEqualTo(5);
    }

    // ---- proof PLAN CAS

    @Test
    void proofFetchesAndVerifiesAgainstTheCertificate() {
        certifiedPlan(certificate(root()));
        assertThat(run("proof", PLAN, Hex.of(ids.get(3)))).isZero();
        assertThat(printed()).contains("valid: shard " + Hex.of(ids.get(3)) + " is leaf 3 of 7");
    }

    @Test
    void proofAgainstADifferentCertifiedRootIsInvalid() {
        certifiedPlan(certificate(Hex.of(HashAlg.SHA3_256.hash("other".getBytes()))));
        assertThat(run("proof", PLAN, Hex.of(ids.get(3)))).isEqualTo(1);
        assertThat(printed()).contains("INVALID");
    }

    // ---- alerts --follow

    @Test
    void alertsFollowResumesWithLastEventIdAfterADrop() {
        AtomicInteger connections = new AtomicInteger();
        gw.on("GET", "/api/genesis/subscribe/hxo.alert", r -> {
            String body = connections.incrementAndGet() == 1
                    ? sse(41, "guardian.halt") + sse(42, "slo.breach")
                    : sse(43, "federation.degraded");
            return new StubGateway.Response(200, ": replay from cache\n\n" + body, Map.of("Content-Type", "text/event-stream"));
        });
        assertThat(run("alerts", "--follow", "--count", "3", "--retry-ms", "10")).isZero();
        var subs = gw.requests.stream().filter(r -> r.path().endsWith("hxo.alert")).toList();
        assertThat(subs).hasSize(2);
        assertThat(subs.get(0).header("Last-Event-ID")).isNull();
        assertThat(subs.get(1).header("Last-Event-ID")).isEqualTo("42");
        assertThat(printed()).contains("guardian.halt").contains("slo.breach").contains("federation.degraded");
    }

    static String sse(long seq, String type) {
        return "id: " + seq + "\nevent: hxo.alert\ndata: {\"seq\":" + seq + ",\"topic\":\"hxo.alert\",\"time\":\"2026-11-29T01:00:00Z\","
                + "\"data\":{\"type\":\"" + type + "\",\"severity\":\"high\",\"message\":\"m" + seq + "\"}}\n\n";
    }

    // ---- audit --wait

    @Test
    void auditWaitsForTheReportAndFailsOnNewSevereFindings() {
        AtomicInteger polls = new AtomicInteger();
        gw.on("POST", "/api/arie/scan", r -> new StubGateway.Response(202, "{\"scan_id\":\"s1\"}",
                Map.of("Content-Type", "application/json", "Location", "/api/arie/report/s1")));
        gw.on("GET", "/api/arie/report/s1", r -> StubGateway.Response.json(200, polls.incrementAndGet() < 3
                ? "{\"status\":\"running\",\"findings\":[]}"
                : "{\"status\":\"done\",\"findings\":[{\"rule_id\":\"HXO-CFG-001\",\"severity\":\"high\",\"new\":true,\"message\":\"zero trust off\"}]}"));
        assertThat(run("audit", "--wait", "--poll-ms", "10")).isEqualTo(1);
        assertThat(polls.get()).isEqualTo(3);
        assertThat(printed()).contains("1 new high/critical").contains("HXO-CFG-001");
    }

    @Test
    void auditWithoutFindingsIsOkAndWithoutWaitPrintsTheScanId() {
        gw.on("POST", "/api/arie/scan", r -> new StubGateway.Response(202, "{\"scan_id\":\"s2\"}",
                Map.of("Content-Type", "application/json", "Location", "/api/arie/report/s2")));
        gw.json("GET", "/api/arie/report/s2", 200, "{\"status\":\"done\",\"findings\":[{\"severity\":\"low\",\"new\":true}]}");
        assertThat(run("audit")).isZero();
        assertThat(printed().trim()).isEqualTo("s2");
        assertThat(gw.requests.get(0).body()).isEqualTo("{}");
        String root = "ab".repeat(32);
        assertThat(run("audit", "--deployment", root)).isZero();
        assertThat(gw.requests.get(gw.requests.size() - 1).body()).isEqualTo("{\"deployment\":\"" + root + "\"}");
        assertThat(run("audit", "--wait", "--poll-ms", "10")).isZero();
    }

    @Test
    void aFailedScanIsExitCode1() {
        gw.json("POST", "/api/arie/scan", 202, "{\"scan_id\":\"s3\"}");
        gw.json("GET", "/api/arie/report/s3", 200, "{\"status\":\"failed\",\"findings\":[]}");
        assertThat(run("audit", "--wait", "--poll-ms", "10")).isEqualTo(1);
    }

    // ---- migrate, rollback

    @Test
    void migratePrintsEachServicesSchemaAndATimeoutIsAProblem() {
        gw.json("POST", "/api/system/migrate", 200, """
                {"drained":true,"drain_ms":120,"resumed":"running","services":{"hxo-planner":{"schema_version":"5","migrations_applied":0}}}""");
        assertThat(run("migrate")).isZero();
        assertThat(printed()).contains("hxo-planner").contains("schema 5");
        gw.json("POST", "/api/system/migrate", 504, "{\"status\":504,\"detail\":\"the planners did not drain\"}");
        assertThat(run("migrate")).isEqualTo(1);
    }

    @Test
    void rollbackPostsTheDeploymentAndPrintsTheNewPlan() {
        gw.json("POST", "/api/hxo/rollback", 202, "{\"plan_id\":\"" + PLAN + "\",\"status\":\"running\"}");
        assertThat(run("rollback", "01900000-0000-7000-8000-00000000000d")).isZero();
        assertThat(printed().trim()).isEqualTo(PLAN);
        assertThat(gw.requests.get(0).body()).contains("\"deployment_id\":\"01900000-0000-7000-8000-00000000000d\"");
        gw.json("POST", "/api/hxo/rollback", 404, "{\"status\":404,\"detail\":\"no deployment\"}");
        assertThat(run("rollback", "x")).isEqualTo(1);
    }

    @Test
    void suppressSendsTheFingerprintAndReasonAndARefusalExitsOne() {
        String fp = "ab".repeat(32);
        gw.json("POST", "/api/arie/suppress", 200,
                "{\"fingerprint\":\"" + fp + "\",\"reason\":\"fixture\",\"suppressed_by\":\"admiral\"}");
        assertThat(run("suppress", fp, "--reason", "fixture")).isZero();
        assertThat(printed()).contains("suppressed " + fp).contains("admiral");
        assertThat(gw.requests.get(0).body()).contains("\"fingerprint\":\"" + fp + "\"").contains("\"reason\":\"fixture\"");
        gw.json("POST", "/api/arie/suppress", 400, "{\"status\":400,\"detail\":\"fingerprint must be 64 hex\"}");
        assertThat(run("suppress", "xyz", "--reason", "r")).isEqualTo(1);
        assertThat(run("suppress", fp)).as("--reason is required").isNotZero();
    }

    @Test
    void rollbackPointsAreListed() {
        gw.json("GET", "/api/hxo/deployments/rollback-points", 200,
                "{\"rollback_points\":[{\"deployment_id\":\"d1\",\"name\":\"deploy_backend\",\"plan_id\":\"p1\",\"merkle_root\":\"ab\"}]}");
        assertThat(run("rollback-points")).isZero();
        assertThat(printed()).contains("d1").contains("deploy_backend");
    }

    @Test
    void shardsFollowThePagesAndPrintEachShardsStateAndErrorOrDigest() {
        String cas = "ab".repeat(32);
        gw.on("GET", "/api/hxo/plan/" + PLAN + "/shards", r -> StubGateway.Response.json(200, r.query().contains("after=0")
                ? "{\"plan_id\":\"" + PLAN + "\",\"total\":2,\"next\":null,\"shards\":[{\"stage\":\"bad\",\"index\":1,"
                        + "\"position\":1,\"cas_id\":\"" + cas + "\",\"state\":\"failed\",\"attempts\":3,"
                        + "\"error\":\"boom\",\"cached\":false}]}"
                : "{\"plan_id\":\"" + PLAN + "\",\"total\":2,\"next\":0,\"shards\":[{\"stage\":\"ok\",\"index\":0,"
                        + "\"position\":0,\"cas_id\":\"" + cas + "\",\"state\":\"done\",\"attempts\":1,\"duration_ms\":31,"
                        + "\"output_digest\":\"" + "cd".repeat(32) + "\",\"cached\":false}]}"));
        assertThat(run("shards", PLAN, "--state", "failed")).isZero();
        assertThat(printed()).contains("ok").contains("cd".repeat(32)).contains("31")
                .contains("bad").contains("failed").contains("boom");
        assertThat(gw.requests).extracting(StubGateway.Request::query).anyMatch(q -> q.contains("state=failed"))
                .anyMatch(q -> q.contains("after=0"));
    }

    @Test
    void statusWatchEndsWhenThePlanIsCertified() {
        AtomicInteger polls = new AtomicInteger();
        gw.on("GET", "/api/hxo/status/" + PLAN, r -> StubGateway.Response.json(200, polls.incrementAndGet() < 3
                ? "{\"status\":\"running\",\"total_shards\":10,\"shards\":{\"done\":5}}"
                : "{\"status\":\"certified\",\"total_shards\":10,\"shards\":{\"done\":10},\"merkle_root\":\"ab\"}"));
        assertThat(run("status", PLAN, "--watch", "--poll-ms", "10")).isZero();
        assertThat(printed()).contains("[###############...............]  50%").contains("certified");
        gw.json("GET", "/api/hxo/status/" + PLAN, 200, "{\"status\":\"halted\",\"total_shards\":10,\"shards\":{\"done\":5}}");
        assertThat(run("status", PLAN)).isEqualTo(1);
    }

    @Test
    void tokenFromTheOptionIsSentAsBearer() {
        gw.json("GET", "/api/hxo/links/health", 200, "{\"links\":[]}");
        HxoCtl.run("--url", gw.url(), "--token", "t0ken", "links");
        assertThat(gw.requests.get(0).header("Authorization")).isEqualTo("Bearer t0ken");
    }
}
