package io.hxo.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code verify --certify}, the CI gate, against a stubbed gateway whose plans are real Merkle trees:
 * it passes only when a fresh canary is certified and every sampled proof verifies; each way it can
 * fail has its exit code and names the plan.
 */
class VerifyGateTest {
    static final String CANARY = "01900000-0000-7000-8000-0000000000c1";
    static final String OLDER = "01900000-0000-7000-8000-0000000000a1";
    static final int SHARDS = 8;

    StubGateway gw;
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    PrintStream savedOut;
    PlanFixture canary;

    @BeforeEach
    void setUp() throws Exception {
        gw = new StubGateway();
        savedOut = System.out;
        System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
        CommandsTest.healthySuite(gw);
        canary = new PlanFixture(CANARY, SHARDS).serve(gw);
        gw.json("POST", "/api/hxo/create-and-submit", 202, "{\"plan_id\":\"" + CANARY + "\",\"status\":\"running\"}");
        history(canary);
        plansList();
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

    String lastLine() {
        List<String> lines = printed().lines().toList();
        return lines.get(lines.size() - 1);
    }

    /** The bus's history holds these plans' hxo.shard.done events. */
    void history(PlanFixture... plans) {
        ObjectNode page = Json.mapper().createObjectNode();
        ArrayNode events = page.putArray("events");
        long seq = 1;
        for (PlanFixture p : plans) {
            events.add(p.shardDoneEvent(seq++));
        }
        page.put("more", false).put("through", seq);
        gw.json("GET", "/api/genesis/events", 200, Json.text(page));
    }

    /** The certified plans the gateway lists, newest first (the canary among them, as the real one does). */
    void plansList(PlanFixture... older) {
        ObjectNode doc = Json.mapper().createObjectNode();
        ArrayNode list = doc.putArray("plans");
        list.add(canary.listed());
        for (PlanFixture p : older) {
            list.add(p.listed());
        }
        gw.json("GET", "/api/hxo/plans", 200, Json.text(doc));
    }

    List<StubGateway.Request> requests(String pathPart) {
        return gw.requests.stream().filter(r -> r.path().contains(pathPart)).toList();
    }

    // ---- passes

    @Test
    void aCertifiedCanaryWhoseSampledProofsVerifyPasses() throws Exception {
        assertThat(run("verify", "--deep", "--certify", "--samples", "4", "--poll-ms", "10")).as(printed()).isZero();
        assertThat(printed()).contains("ok    canary " + CANARY).contains("4 of 8 leaves' proofs verify offline")
                .contains("under root " + canary.root());
        assertThat(lastLine()).isEqualTo("verify: ok");
        assertThat(requests("/proof/")).hasSize(4).allMatch(r -> r.path().startsWith("/api/hxo/plan/" + CANARY + "/proof/"));

        JsonNode plan = Json.tree(requests("/create-and-submit").get(0).body().getBytes());
        JsonNode stage = plan.path("stages").get(0);
        assertThat(stage.path("kind").asText()).isEqualTo("test.noop");
        assertThat(stage.path("config").path("count").asInt()).isEqualTo(SHARDS);
        assertThat(plan.path("idempotency_key").asText()).isNotEmpty();

        // Every run is a new plan: a fresh salt (never served from cache) and a fresh idempotency key.
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isZero();
        JsonNode again = Json.tree(requests("/create-and-submit").get(1).body().getBytes());
        assertThat(again.path("stages").get(0).path("config").path("salt").asText())
                .isNotEqualTo(stage.path("config").path("salt").asText());
        assertThat(again.path("idempotency_key").asText()).isNotEqualTo(plan.path("idempotency_key").asText());
    }

    @Test
    void theGateWaitsThroughRunningAndCompletedForTheDecision() {
        AtomicInteger polls = new AtomicInteger();
        gw.on("GET", "/api/hxo/status/" + CANARY, r -> {
            int n = polls.incrementAndGet();
            ObjectNode s = canary.statusDocument();
            if (n < 3) {
                s.put("status", n == 1 ? "running" : "completed").putNull("certificate");
            }
            return StubGateway.Response.json(200, Json.text(s));
        });
        assertThat(run("verify", "--certify", "--poll-ms", "10")).as(printed()).isZero();
        assertThat(polls.get()).isEqualTo(3);
    }

    @Test
    void aSubmitAnsweredLaterIsSentAgainUnderTheSameKey() throws Exception {
        AtomicInteger submits = new AtomicInteger();
        gw.on("POST", "/api/hxo/create-and-submit", r -> submits.incrementAndGet() < 3
                ? StubGateway.Response.json(504, "{\"status\":504,\"detail\":\"hxo-planner did not answer in time\"}")
                : StubGateway.Response.json(202, "{\"plan_id\":\"" + CANARY + "\",\"status\":\"running\"}"));
        assertThat(run("verify", "--certify", "--poll-ms", "10")).as(printed()).isZero();
        List<StubGateway.Request> sent = requests("/create-and-submit");
        assertThat(sent).hasSize(3);
        assertThat(sent.stream().map(StubGateway.Request::body).distinct()).as("the same plan, key and salt").hasSize(1);
    }

    @Test
    void aPlanFileIsSubmittedInsteadOfTheCanary(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("gate.json");
        Files.writeString(file, """
                {"name":"release-gate","idempotency_key":"kept-from-last-time",
                 "stages":[{"id":"a","kind":"assets.index","config":{"source":"."}}]}""");
        assertThat(run("verify", "--certify", "--plan", file.toString(), "--poll-ms", "10")).as(printed()).isZero();
        JsonNode sent = Json.tree(requests("/create-and-submit").get(0).body().getBytes());
        assertThat(sent.path("name").asText()).isEqualTo("release-gate");
        assertThat(sent.path("stages").get(0).path("kind").asText()).isEqualTo("assets.index");
        assertThat(sent.path("idempotency_key").asText()).as("an old key would answer with an old plan")
                .isNotEqualTo("kept-from-last-time");

        Files.writeString(file, "[1,2]");
        assertThat(run("verify", "--certify", "--plan", file.toString())).isEqualTo(2);
        assertThat(run("verify", "--plan", file.toString())).as("--plan needs --certify").isEqualTo(2);
    }

    // ---- exit 3: certification failed

    @Test
    void aCanaryThatEndsCertificationFailedIsExit3() {
        canary.disagreement();
        assertThat(run("verify", "--deep", "--certify", "--poll-ms", "10")).as(printed()).isEqualTo(3);
        assertThat(lastLine()).startsWith("verify: FAIL (exit 3) certification failed: canary " + CANARY)
                .contains("disagreement under HARMONIC").contains("genesis-bus voted 000000000000…");
        assertThat(requests("/proof/")).as("no proof is sampled from an uncertified plan").isEmpty();
    }

    @Test
    void missingVotesAtTheConsensusTimeoutAreNamed() {
        canary.disagreement();
        canary.certificate.put("outcome", "timeout");
        ((ArrayNode) canary.certificate.get("votes")).remove(2);
        canary.certificate.putArray("missing").add("arie-auditor");
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isEqualTo(3);
        assertThat(lastLine()).contains("timeout under HARMONIC").contains("missing votes from [\"arie-auditor\"]");
    }

    // ---- exit 4: no certificate

    @Test
    void noCertificateWithinTheTimeoutIsExit4() {
        canary.status = "completed";
        long start = System.nanoTime();
        assertThat(run("verify", "--certify", "--timeout", "PT0.3S", "--poll-ms", "20")).as(printed()).isEqualTo(4);
        assertThat((System.nanoTime() - start) / 1_000_000).as("bounded by --timeout").isLessThan(10_000);
        assertThat(lastLine()).startsWith("verify: FAIL (exit 4) no certificate: canary " + CANARY)
                .contains("no certificate within PT0.3S: still completed, 8 of 8 shards done");
        assertThat(requests("/status/" + CANARY).size()).as("it polled").isGreaterThan(1);
    }

    @Test
    void aCanaryThatHaltsOrIsRefusedIsExit4() {
        canary.status = "halted";
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isEqualTo(4);
        assertThat(lastLine()).contains("canary " + CANARY + ": ended halted without a certificate");

        gw.json("POST", "/api/hxo/create-and-submit", 403, "{\"status\":403,\"detail\":\"admiral role required\"}");
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isEqualTo(4);
        assertThat(lastLine()).contains("no certificate: canary: the gateway refused the plan: admiral role required (403)");
    }

    @Test
    void aCertifiedStatusWithoutAServedCertificateIsExit4() {
        gw.json("GET", "/api/hxo/plan/" + CANARY + "/certificate", 404, "{\"status\":404,\"detail\":\"gone\"}");
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isEqualTo(4);
        assertThat(lastLine()).contains("certified, but no certificate is served: gone (404)");
    }

    // ---- exit 5: a certificate or proof does not hold

    @Test
    void aTamperedProofIsExit5NamingTheShard() {
        for (int i = 0; i < SHARDS; i++) {
            gw.json("GET", "/api/hxo/plan/" + CANARY + "/proof/" + canary.cas(i), 200, Json.text(canary.forgedProof(i)));
        }
        assertThat(run("verify", "--certify", "--samples", "8", "--poll-ms", "10")).as(printed()).isEqualTo(5);
        assertThat(printed()).contains("FAIL  canary " + CANARY).contains("does not lead to the certificate's root");
        assertThat(lastLine()).startsWith("verify: FAIL (exit 5) a certificate or proof does not hold: canary " + CANARY);
    }

    @Test
    void oneBadProofAmongGoodOnesFailsTheGate() {
        // Only shard 5's proof is forged; sampling all eight must find it.
        gw.json("GET", "/api/hxo/plan/" + CANARY + "/proof/" + canary.cas(5), 200, Json.text(canary.forgedProof(5)));
        assertThat(run("verify", "--certify", "--samples", "8", "--poll-ms", "10")).isEqualTo(5);
        assertThat(lastLine()).contains("shard " + canary.cas(5));
        assertThat(printed()).doesNotContain("ok    canary");
    }

    @Test
    void aProofOfAnotherOutputThanTheBusRecordedIsExit5() {
        // A self-consistent tree over a different output for shard 2: it verifies, but not against the bus's record.
        PlanFixture other = new PlanFixture(CANARY, SHARDS);
        other.digests.set(2, HashAlg.SHA3_256.hash("another output".getBytes()));
        InclusionProof lie = InclusionProof.of(CANARY, io.hxo.contracts.merkle.MerkleTree.build(HashAlg.SHA3_256,
                java.util.stream.IntStream.range(0, SHARDS).mapToObj(i -> InclusionProof.leafData(other.ids.get(i),
                        other.digests.get(i))).toList()), 2, other.ids.get(2), other.digests.get(2));
        assertThat(lie.verify()).isTrue();
        gw.json("GET", "/api/hxo/plan/" + CANARY + "/proof/" + canary.cas(2), 200, Json.text(lie));
        assertThat(run("verify", "--certify", "--samples", "8", "--poll-ms", "10")).isEqualTo(5);
        assertThat(printed()).contains("shard " + canary.cas(2) + ": the proof's output digest differs");
    }

    @Test
    void aCertificateWhoseVotesDoNotHoldOrThatCoversTooFewLeavesIsExit5() {
        String forged = Hex.of(HashAlg.SHA3_256.hash("forged root".getBytes()));
        canary.certificate.put("merkle_root", forged);
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isEqualTo(5);
        assertThat(lastLine()).contains("canary " + CANARY).contains(forged);

        canary.certificate.put("merkle_root", canary.root());
        assertThat(run("verify", "--certify", "--canary-shards", "9", "--poll-ms", "10")).isEqualTo(5);
        assertThat(lastLine()).contains("the certificate covers 8 leaves, the canary has 9 shards");
    }

    @Test
    void aTamperedCertificateOfARecentPlanIsExit5NamingThatPlan() {
        PlanFixture older = new PlanFixture(OLDER, 5).serve(gw);
        history(canary, older);
        plansList(older);
        assertThat(run("verify", "--certify", "--poll-ms", "10")).as(printed()).isZero();
        assertThat(printed()).contains("ok    plan " + OLDER).doesNotContain("ok    plan " + CANARY);
        assertThat(requests("/api/hxo/plans").get(0).query()).as("--plans 3, and one for the canary")
                .contains("status=certified").contains("limit=4");

        String forged = Hex.of(HashAlg.SHA3_256.hash("forged root".getBytes()));
        older.certificate.put("merkle_root", forged);
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isEqualTo(5);
        assertThat(printed()).contains("FAIL  plan " + OLDER).contains("votes do not certify root " + forged);
        assertThat(printed().lines().filter(l -> l.startsWith("FAIL")).allMatch(l -> l.contains(OLDER))).isTrue();
    }

    // ---- exit 6: nothing could be checked

    @Test
    void noLeafOfTheCanaryInTheBusHistoryIsExit6() {
        history(); // the bus recorded nothing of it
        assertThat(run("verify", "--certify", "--timeout", "PT0.3S", "--poll-ms", "20")).as(printed()).isEqualTo(6);
        assertThat(lastLine()).startsWith("verify: FAIL (exit 6) nothing could be checked: canary " + CANARY)
                .contains("no leaf of it in the bus's history");
        assertThat(requests("/proof/")).isEmpty();
    }

    @Test
    void anUnreadableHistoryIsExit6AtOnce() {
        gw.json("GET", "/api/genesis/events", 503, "{\"status\":503,\"detail\":\"the bus routes are disabled\"}");
        assertThat(run("verify", "--certify", "--timeout", "PT1M", "--poll-ms", "10")).isEqualTo(6);
        assertThat(lastLine()).contains("the bus's history is not readable").contains("the bus routes are disabled (503)");
    }

    @Test
    void noProofServedIsExit6AndSomeProofsMissingIsExit5() {
        for (int i = 0; i < SHARDS; i++) {
            gw.json("GET", "/api/hxo/plan/" + CANARY + "/proof/" + canary.cas(i), 404, "{\"status\":404,\"detail\":\"no such shard\"}");
        }
        assertThat(run("verify", "--certify", "--poll-ms", "10")).isEqualTo(6);
        assertThat(lastLine()).contains("no proof served: no such shard (404)");

        gw.json("GET", "/api/hxo/plan/" + CANARY + "/proof/" + canary.cas(0), 200, Json.text(canary.proof(0)));
        assertThat(run("verify", "--certify", "--samples", "8", "--poll-ms", "10")).isEqualTo(5);
    }

    // ---- classes and output

    @Test
    void theGateDecidesTheExitCodeOverAnUnhealthyLinkAndJsonCarriesTheReason() throws Exception {
        gw.json("GET", "/api/hxo/links/health", 200, """
                {"links":[{"service":"arie-auditor","state":"down","instances":[{"schema_version":"1"}]}]}""");
        assertThat(run("verify", "--certify", "--poll-ms", "10")).as("the canary passes, a link is down").isEqualTo(1);
        canary.disagreement();
        out.reset();
        assertThat(run("--json", "verify", "--certify", "--poll-ms", "10")).isEqualTo(3);
        JsonNode doc = Json.tree(out.toByteArray());
        assertThat(doc.path("ok").asBoolean()).isFalse();
        assertThat(doc.path("exit_code").asInt()).isEqualTo(3);
        assertThat(doc.path("failure").asText()).isEqualTo("certification_failed");
        assertThat(doc.path("reason").asText()).contains("canary " + CANARY);
        assertThat(doc.path("canary_plan_id").asText()).isEqualTo(CANARY);
        assertThat(doc.path("problems").asInt()).isEqualTo(2);
    }

    @Test
    void badGateOptionsAreUsageErrors() {
        assertThat(run("verify", "--certify", "--timeout", "PT0S")).isEqualTo(2);
        assertThat(run("verify", "--certify", "--canary-shards", "0")).isEqualTo(2);
        assertThat(requests("/create-and-submit")).isEmpty();
    }
}
