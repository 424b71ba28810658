package io.hxo.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.cas.ShardId;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The engine's behaviours of SPEC section 3, on a real broker and database: DAG order, retries and
 * the heal-depth guard, replay, abort, autosplit, time boxes, SLOs and proofs. The test profile
 * uses a short fuse (autosplit above 300 ms, 1.5 s shard timeout, 3 attempts).
 */
@QuarkusTest
class EngineTest {
    static KafkaTestClient kafka;

    @jakarta.inject.Inject
    io.hxo.planner.consensus.StoredRoot storedRoot;

    @jakarta.inject.Inject
    javax.sql.DataSource db;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    static Map<String, Object> stage(String id, String kind, Map<String, Object> config, Object... extra) {
        Map<String, Object> s = new java.util.LinkedHashMap<>();
        s.put("id", id);
        s.put("kind", kind);
        s.put("config", config);
        for (int i = 0; i < extra.length; i += 2) {
            s.put((String) extra[i], extra[i + 1]);
        }
        return s;
    }

    static JsonNode plan(String name, Map<String, Object> constraints, Object... stages) {
        Map<String, Object> p = new java.util.LinkedHashMap<>();
        p.put("name", name);
        p.put("stages", List.of(stages));
        if (constraints != null) {
            p.put("constraints", constraints);
        }
        return Json.tree(p);
    }

    Reply submit(UUID planId, JsonNode plan) {
        return kafka.request(Commands.PLAN_SUBMIT, planId.toString(),
                new Commands.SubmitPlan(planId.toString(), plan, true, "test"));
    }

    Reply command(String type, UUID planId) {
        return kafka.request(type, planId.toString(), new Commands.PlanQuery(planId.toString()));
    }

    PlanStatus status(UUID planId) {
        return Json.convert(command(Commands.PLAN_STATUS, planId).body(), PlanStatus.class);
    }

    PlanStatus awaitStatus(UUID planId, Predicate<String> done, Duration within) {
        PlanStatus[] last = new PlanStatus[1];
        await().atMost(within).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = status(planId);
            return done.test(last[0].status());
        });
        return last[0];
    }

    PlanStatus awaitEnd(UUID planId) {
        return awaitStatus(planId, s -> !List.of("accepted", "running").contains(s), Duration.ofSeconds(90));
    }

    /**
     * Everything on {@code consumer} about the plan, until {@code enough} holds, or nothing more came
     * for 1.5 s, or 15 s pass.
     */
    static <T> List<T> read(KafkaConsumer<String, byte[]> consumer, UUID planId, Class<T> type,
            Predicate<List<T>> enough) {
        List<T> out = new ArrayList<>();
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        long quietSince = System.nanoTime();
        while (System.nanoTime() < deadline && !enough.test(out)
                && System.nanoTime() - quietSince < Duration.ofMillis(1500).toNanos()) {
            for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(100))) {
                CloudEvent ev = KafkaBinding.fromRecord(rec);
                if (planId.toString().equals(ev.subject())) {
                    out.add(ev.dataAs(type));
                    quietSince = System.nanoTime();
                }
            }
        }
        return out;
    }

    static List<ShardWork.Result> results(KafkaConsumer<String, byte[]> consumer, UUID planId) {
        List<ShardWork.Result> out = new ArrayList<>();
        read(consumer, planId, ShardWork.ResultBatch.class, l -> false).forEach(b -> out.addAll(b.results()));
        return out;
    }

    @Test
    void aStageStartsOnlyAfterItsDependenciesAndIndependentStagesOverlap() {
        UUID planId = UUID.randomUUID();
        String salt = UUID.randomUUID().toString();
        try (KafkaConsumer<String, byte[]> res = kafka.tail(Topic.HXO_SHARD_RESULTS)) {
            Reply r = submit(planId, plan("dag", Map.of("max_concurrency", 8),
                    stage("a", "test.sleep", Map.of("count", 4, "sleep_ms", 150, "salt", salt)),
                    stage("b", "test.sleep", Map.of("count", 4, "sleep_ms", 150, "salt", salt + "b")),
                    stage("c", "test.sleep", Map.of("count", 2, "sleep_ms", 10, "salt", salt), "depends_on",
                            List.of("a", "b"))));
            assertThat(r.status()).isEqualTo(202);
            PlanStatus st = awaitEnd(planId);
            assertThat(st.status()).isEqualTo("completed");

            List<ShardWork.Result> all = results(res, planId);
            long aStart = min(all, "a");
            long bStart = min(all, "b");
            long aEnd = maxEnd(all, "a");
            long bEnd = maxEnd(all, "b");
            long cStart = min(all, "c");
            assertThat(cStart).isGreaterThanOrEqualTo(Math.max(aEnd, bEnd));
            assertThat(aStart).isLessThan(bEnd);
            assertThat(bStart).isLessThan(aEnd);

            // Stage c's shard ids carry the roots of a and b, in the order c names them.
            PlanStatus.StageStatus a = st.stages().stream().filter(s -> s.id().equals("a")).findFirst().orElseThrow();
            PlanStatus.StageStatus b = st.stages().stream().filter(s -> s.id().equals("b")).findFirst().orElseThrow();
            JsonNode cInput = Json.tree(Map.of("index", 1, "sleep_ms", 10, "salt", salt));
            String expected = ShardId.computeHex(HashAlg.SHA3_256, "test.sleep", "sleep", "1", cInput,
                    List.of(a.root(), b.root()));
            assertThat(all).anyMatch(x -> x.stageId().equals("c") && x.casId().equals(expected));

            // The root the owner folded over three stages is the one rebuilt from the checkpoints.
            assertThat(st.merkleRoot()).isNotNull().isEqualTo(storedRoot.of(planId));

            // The last results, the three stage roots and the end were one commit: a stop leaves
            // either all of them or none.
            assertThat(completionWriters(planId)).hasSize(1);
        }
    }

    /** The transactions that last wrote the plan's row, its stages' rows and its last checkpoint. */
    private List<String> completionWriters(UUID planId) {
        String sql = """
                SELECT DISTINCT w FROM (
                    SELECT xmin::text AS w FROM hxo.plans WHERE plan_id = ?
                    UNION ALL SELECT xmin::text FROM hxo.stages WHERE plan_id = ?
                    UNION ALL (SELECT xmin::text FROM hxo.checkpoints WHERE plan_id = ? ORDER BY seq DESC LIMIT 1)
                ) writers""";
        List<String> out = new ArrayList<>();
        try (var c = db.getConnection(); var ps = c.prepareStatement(sql)) {
            for (int i = 1; i <= 3; i++) {
                ps.setObject(i, planId);
            }
            try (var rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
        } catch (java.sql.SQLException e) {
            throw new IllegalStateException(e);
        }
        return out;
    }

    private static long min(List<ShardWork.Result> all, String stage) {
        return all.stream().filter(r -> r.stageId().equals(stage)).mapToLong(ShardWork.Result::startedAt).min().orElseThrow();
    }

    private static long maxEnd(List<ShardWork.Result> all, String stage) {
        return all.stream().filter(r -> r.stageId().equals(stage)).mapToLong(r -> r.startedAt() + r.durationMs())
                .max().orElseThrow();
    }

    @Test
    void aShardThatAlwaysFailsIsTriedHealDepthTimesThenThePlanHaltsWithOneAlert() {
        UUID planId = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> res = kafka.tail(Topic.HXO_SHARD_RESULTS);
                KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.HXO_ALERT)) {
            submit(planId, plan("fails", null,
                    stage("f", "test.fail", Map.of("count", 1, "probability", 1.0, "salt", planId.toString())),
                    stage("after", "test.noop", Map.of("count", 3), "depends_on", List.of("f"))));
            PlanStatus st = awaitEnd(planId);
            assertThat(st.status()).isEqualTo("halted");
            assertThat(st.shards().failed()).isEqualTo(1);
            assertThat(st.error()).contains("failed 3 times");

            List<ShardWork.Result> attempts = results(res, planId);
            assertThat(attempts).hasSize(3).allMatch(r -> !r.ok());
            assertThat(attempts).extracting(ShardWork.Result::attempt).containsExactlyInAnyOrder(1, 2, 3);
            assertThat(attempts).noneMatch(r -> r.stageId().equals("after"));

            List<Events.Alert> halts = read(alerts, planId, Events.Alert.class, l -> false);
            assertThat(halts).filteredOn(a -> a.type().equals("guardian.halt")).hasSize(1);
            Reply report = command(Commands.PLAN_REPORT, planId);
            assertThat(report.body().get("failures")).hasSize(1);
            assertThat(report.body().get("failures").get(0).get("attempts").asInt()).isEqualTo(3);
        }
    }

    @Test
    void replayRerunsOnlyTheFailedShardAndWhatDependsOnIt() throws Exception {
        Path fault = Files.createTempFile("hxo-fault", ".flag");
        UUID planId = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> res = kafka.tail(Topic.HXO_SHARD_RESULTS)) {
            submit(planId, plan("replay", null,
                    stage("a", "test.fail", Map.of("count", 5, "fail_indices", List.of(2),
                            "fail_while_file", fault.toString(), "salt", planId.toString())),
                    stage("b", "test.noop", Map.of("count", 2, "salt", planId.toString()), "depends_on", List.of("a"))));
            assertThat(awaitEnd(planId).status()).isEqualTo("halted");
            List<ShardWork.Result> first = results(res, planId);
            assertThat(first).filteredOn(ShardWork.Result::ok).hasSize(4);

            Files.delete(fault);
            Reply replay = command(Commands.PLAN_REPLAY, planId);
            assertThat(replay.status()).isEqualTo(202);
            assertThat(replay.body().get("kept_shards").asLong()).isEqualTo(4);
            PlanStatus st = awaitEnd(planId);
            assertThat(st.status()).isEqualTo("completed");
            assertThat(st.shards().done()).isEqualTo(7);

            List<ShardWork.Result> second = results(res, planId);
            assertThat(second).filteredOn(r -> r.stageId().equals("a")).extracting(ShardWork.Result::index)
                    .containsOnly(2);
            assertThat(second).filteredOn(r -> r.stageId().equals("b")).hasSize(2);
        }
        assertThat(command(Commands.PLAN_REPLAY, planId).status()).isEqualTo(409);
    }

    @Test
    void afterAnAbortIsAcknowledgedNoShardStartsAndNoLaterStageRuns() {
        UUID planId = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> res = kafka.tail(Topic.HXO_SHARD_RESULTS)) {
            submit(planId, plan("abort", Map.of("max_concurrency", 3, "dispatch_window", 3),
                    stage("slow", "test.sleep", Map.of("count", 60, "sleep_ms", 200, "salt", planId.toString())),
                    stage("later", "test.noop", Map.of("count", 2), "depends_on", List.of("slow"))));
            awaitStatus(planId, s -> true, Duration.ofSeconds(5));
            await().atMost(Duration.ofSeconds(20)).until(() -> status(planId).shards().done() >= 3);
            Reply abort = command(Commands.PLAN_ABORT, planId);
            long acknowledged = System.currentTimeMillis();
            assertThat(abort.status()).isEqualTo(200);
            assertThat(status(planId).status()).isEqualTo("aborted");

            List<ShardWork.Result> all = results(res, planId);
            assertThat(all).allMatch(r -> r.startedAt() <= acknowledged,
                    "no shard started after the abort was acknowledged at " + acknowledged);
            assertThat(all).noneMatch(r -> r.stageId().equals("later"));
            assertThat(status(planId).shards().done()).isLessThan(60);
        }
        assertThat(command(Commands.PLAN_ABORT, planId).status()).isEqualTo(409);
    }

    @jakarta.inject.Inject
    io.hxo.planner.execute.ExecutionSlots slots;
    @jakarta.inject.Inject
    io.hxo.planner.run.PlanRuns owner;

    @Test
    void executingShardsNeverExceedTheConcurrencyLimitWhileTheWindowSendsMore() {
        UUID planId = UUID.randomUUID();
        int limit = 3;
        assertThat(submit(planId, plan("limited", Map.of("max_concurrency", limit),
                stage("s", "test.sleep", Map.of("count", 24, "sleep_ms", 200, "salt", planId.toString()))))
                .status()).isEqualTo(202);
        int maxExecuting = 0;
        int maxInFlight = 0;
        long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
        while (System.nanoTime() < deadline) {
            maxExecuting = Math.max(maxExecuting, slots.executing(planId.toString()));
            maxInFlight = Math.max(maxInFlight, owner.inFlight());
            if (maxExecuting == limit && maxInFlight > limit) {
                break;
            }
            Thread.onSpinWait();
        }
        // Sampled on the test's thread while the plan runs: never more than the limit executing...
        PlanStatus st;
        do {
            maxExecuting = Math.max(maxExecuting, slots.executing(planId.toString()));
            st = status(planId);
        } while (List.of("accepted", "running").contains(st.status()));
        assertThat(st.status()).isEqualTo("completed");
        assertThat(maxExecuting).isEqualTo(limit);
        // ...while the dispatch window had sent more than that without a result.
        assertThat(maxInFlight).isGreaterThan(limit);
    }

    @Test
    void aPlanMayAskForLessConcurrencyThanTheSettingButNeverMore() {
        for (int asked : List.of(Integer.MAX_VALUE, 5)) {
            UUID planId = UUID.randomUUID();
            try (KafkaConsumer<String, byte[]> tasks = kafka.tail(Topic.HXO_SHARD_TASKS)) {
                assertThat(submit(planId, plan("asks-" + asked, Map.of("max_concurrency", asked),
                        stage("s", "test.noop", Map.of("count", 3, "salt", planId.toString())))).status()).isEqualTo(202);
                List<ShardWork.TaskBatch> batches = read(tasks, planId, ShardWork.TaskBatch.class, l -> !l.isEmpty());
                // HXO_MAX_CONCURRENCY is 64 by default: what the workers are told to enforce.
                assertThat(batches).isNotEmpty().allMatch(b -> b.maxExecuting() == Math.min(asked, 64));
            }
            awaitEnd(planId);
        }
    }

    @Test
    void aSlowTailIsSplitAndTheCountsAndRootStillAddUp() {
        UUID planId = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> splits = kafka.tail(Topic.HXO_SHARD_SPLIT);
                KafkaConsumer<String, byte[]> done = kafka.tail(Topic.HXO_SHARD_DONE)) {
            submit(planId, plan("tail", Map.of("max_concurrency", 4, "dispatch_window", 4),
                    stage("s", "test.sleep", Map.of("count", 16, "min_ms", 20, "max_ms", 40, "tail_fraction", 0.3,
                            "tail_ms", 2000, "salt", "tail-" + planId))));
            PlanStatus st = awaitEnd(planId);
            assertThat(st.status()).isEqualTo("completed");
            List<Events.ShardSplit> splitEvents = read(splits, planId, Events.ShardSplit.class, l -> false);
            assertThat(splitEvents).isNotEmpty();
            assertThat(st.shards().split()).isEqualTo(splitEvents.size());
            int childrenAdded = splitEvents.stream().mapToInt(e -> e.children().size() - 1).sum();
            assertThat(st.totalShards()).isEqualTo(16 + childrenAdded);
            assertThat(st.shards().done()).isEqualTo(st.totalShards());

            // Leaves in Merkle order (children in their parent's place) give the plan's root.
            List<Events.Leaf> leaves = new ArrayList<>();
            read(done, planId, Events.ShardsDone.class, l -> l.stream().mapToInt(d -> d.leaves().size()).sum()
                    >= st.totalShards()).forEach(d -> leaves.addAll(d.leaves()));
            leaves.sort(java.util.Comparator.comparing(Events.Leaf::order, io.hxo.contracts.merkle.LeafFold.ORDER));
            List<byte[]> data = leaves.stream().map(l -> InclusionProof.leafData(Hex.parseHash(l.casId()),
                    Hex.parseHash(l.outputDigest()))).toList();
            assertThat(Hex.of(MerkleTree.build(HashAlg.SHA3_256, data).root())).isEqualTo(st.merkleRoot());
            // And the planner's vote, rebuilt from the checkpoints and split records alone, agrees.
            assertThat(storedRoot.of(planId)).isEqualTo(st.merkleRoot());
        }
    }

    @Test
    void aPlanOverItsTimeboxEndsTimedOutAndAStageOverItsSloRaisesABreach() {
        UUID planId = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.HXO_ALERT)) {
            submit(planId, plan("boxed", Map.of("max_concurrency", 2, "timebox_ms", 1200),
                    stage("s", "test.sleep", Map.of("count", 20, "sleep_ms", 250, "salt", planId.toString()),
                            "slo_ms", 400)));
            PlanStatus st = awaitEnd(planId);
            assertThat(st.status()).isEqualTo("timed_out");
            assertThat(st.shards().done()).isLessThan(20);
            List<Events.Alert> got = read(alerts, planId, Events.Alert.class,
                    l -> l.stream().anyMatch(a -> a.type().equals("slo.breach")));
            assertThat(got).filteredOn(a -> a.type().equals("slo.breach")).hasSize(1);
        }
    }

    @Test
    void proofsOfACompletedPlanVerifyOfflineAndATamperedOneDoesNot() {
        UUID planId = UUID.randomUUID();
        submit(planId, plan("proofs", null, stage("n", "test.noop", Map.of("count", 37, "salt", planId.toString()))));
        PlanStatus st = awaitEnd(planId);
        String casId = ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "noop", "1",
                Json.tree(Map.of("index", 11, "salt", planId.toString())), List.of());
        Reply r = kafka.request(Commands.PLAN_PROOF, planId.toString(), new Commands.ProofQuery(planId.toString(), casId));
        assertThat(r.status()).isEqualTo(200);
        InclusionProof proof = Json.convert(r.body(), InclusionProof.class);
        assertThat(proof.merkleRoot()).isEqualTo(st.merkleRoot());
        assertThat(proof.leafIndex()).isEqualTo(11);
        assertThat(proof.treeSize()).isEqualTo(37);
        assertThat(proof.verify()).isTrue();
        String p0 = proof.auditPath().get(0);
        List<String> tampered = new ArrayList<>(proof.auditPath());
        tampered.set(0, (p0.charAt(0) == 'f' ? "e" : "f") + p0.substring(1));
        assertThat(new InclusionProof(proof.planId(), proof.casId(), proof.outputDigest(), proof.leafIndex(),
                proof.treeSize(), proof.hashAlg(), tampered, proof.merkleRoot()).verify()).isFalse();

        Reply missing = kafka.request(Commands.PLAN_PROOF, planId.toString(),
                new Commands.ProofQuery(planId.toString(), "0".repeat(64)));
        assertThat(missing.status()).isEqualTo(404);
    }

    @Test
    void storedLeavesFoldToTheRootInMerkleOrderWithTheResultRowsDigests() {
        UUID planId = UUID.randomUUID();
        submit(planId, plan("leaves", null, stage("n", "test.noop", Map.of("count", 9, "salt", planId.toString()))));
        PlanStatus st = awaitEnd(planId);
        Reply r = kafka.request(Commands.PLAN_LEAVES, planId.toString(), new Commands.PlanQuery(planId.toString()));
        assertThat(r.status()).isEqualTo(200);
        Commands.StoredLeaves leaves = Json.convert(r.body(), Commands.StoredLeaves.class);
        assertThat(leaves.leaves()).hasSize(9);
        assertThat(leaves.total()).isEqualTo(9);
        assertThat(leaves.next()).isNull();

        // Pages of 4: positions 0-3, 4-7, 8, each pointing at the next, together the same leaves.
        List<Commands.StoredLeaf> paged = new ArrayList<>();
        List<Integer> nexts = new ArrayList<>();
        for (Integer from = 0; from != null;) {
            Commands.StoredLeaves page = Json.convert(kafka.request(Commands.PLAN_LEAVES, planId.toString(),
                    new Commands.LeavesQuery(planId.toString(), from, 4)).body(), Commands.StoredLeaves.class);
            assertThat(page.total()).isEqualTo(9);
            paged.addAll(page.leaves());
            nexts.add(page.next());
            from = page.next();
        }
        assertThat(nexts).containsExactly(4, 8, null);
        assertThat(paged).isEqualTo(leaves.leaves());
        Reply badPage = kafka.request(Commands.PLAN_LEAVES, planId.toString(),
                new Commands.LeavesQuery(planId.toString(), -1, 4));
        assertThat(badPage.status()).isEqualTo(400);

        List<byte[]> data = new ArrayList<>();
        for (Commands.StoredLeaf leaf : leaves.leaves()) {
            assertThat(leaf.resultDigest()).isEqualTo(leaf.checkpointDigest());
            assertThat(leaf.missingArtifacts()).isEmpty();
            data.add(io.hxo.contracts.merkle.InclusionProof.leafData(io.hxo.contracts.hash.Hex.parseHash(leaf.casId()),
                    io.hxo.contracts.hash.Hex.parseHash(leaf.resultDigest())));
        }
        assertThat(io.hxo.contracts.hash.Hex.of(io.hxo.contracts.merkle.MerkleTree
                .build(HashAlg.fromWire(leaves.hashAlg()), data).root())).isEqualTo(st.merkleRoot());
        Reply unknown = kafka.request(Commands.PLAN_LEAVES, UUID.randomUUID().toString(),
                new Commands.PlanQuery(UUID.randomUUID().toString()));
        assertThat(unknown.status()).isEqualTo(404);
    }

    @Test
    void aPlanPredictedToMissItsSloRaisesTimeoutRiskAtSubmit() {
        // History first: the kind's shards take about 100 ms.
        UUID warm = UUID.randomUUID();
        submit(warm, plan("history", null, stage("s", "test.sleep", Map.of("count", 4, "sleep_ms", 100,
                "salt", warm.toString()))));
        assertThat(awaitEnd(warm).status()).isEqualTo("completed");

        UUID planId = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> signals = kafka.tail(Topic.HXO_AUTOTUNE_SIGNAL)) {
            submit(planId, plan("risky", Map.of("max_concurrency", 1),
                    stage("s", "test.sleep", Map.of("count", 30, "sleep_ms", 100, "salt", planId.toString()),
                            "slo_ms", 500)));
            List<Events.AutotuneSignal> got = read(signals, planId, Events.AutotuneSignal.class,
                    l -> l.stream().anyMatch(s -> s.type().equals("timeout_risk")));
            assertThat(got).anyMatch(s -> s.type().equals("timeout_risk") && s.stageId().equals("s"));
            assertThat(status(planId).etaSeconds()).isNotNull();
        }
        command(Commands.PLAN_ABORT, planId);
    }

    @Test
    void createdPlansWaitUntilSubmittedAndAreListed() {
        UUID planId = UUID.randomUUID();
        Reply created = kafka.request(Commands.PLAN_SUBMIT, planId.toString(), new Commands.SubmitPlan(
                planId.toString(), plan("later", null, stage("n", "test.noop", Map.of("count", 2))), false, "test"));
        assertThat(created.status()).isEqualTo(202);
        assertThat(status(planId).status()).isEqualTo("accepted");
        Reply list = kafka.request(Commands.PLAN_LIST, "list", new Commands.ListPlans("accepted", 100, null));
        assertThat(list.body().get("plans").findValuesAsText("plan_id")).contains(planId.toString());
        assertThat(command(Commands.PLAN_START, planId).status()).isEqualTo(202);
        assertThat(awaitEnd(planId).status()).isEqualTo("completed");
        assertThat(command(Commands.PLAN_START, planId).status()).isEqualTo(409);
    }

    @Test
    void aDrainedPlannerStartsNothingAndFinishesWhenResumed() {
        UUID planId = UUID.randomUUID();
        submit(planId, plan("drain", Map.of("max_concurrency", 2, "dispatch_window", 2),
                stage("s", "test.sleep", Map.of("count", 40, "sleep_ms", 150, "salt", planId.toString()))));
        try {
            await().atMost(Duration.ofSeconds(20)).until(() -> status(planId).shards().done() >= 2);
            Reply drain = kafka.request(Commands.DRAIN, "drain", Map.of());
            assertThat(drain.status()).isEqualTo(202);
            await().atMost(Duration.ofSeconds(10)).until(() -> status(planId).shards().running() == 0);
            long doneWhenDrained = status(planId).shards().done();
            await().pollDelay(Duration.ofMillis(800)).atMost(Duration.ofSeconds(2)).until(() -> true);
            PlanStatus still = status(planId);
            assertThat(still.status()).isEqualTo("running");
            assertThat(still.shards().done()).isEqualTo(doneWhenDrained);
            assertThat(doneWhenDrained).isLessThan(40);
        } finally {
            assertThat(kafka.request(Commands.RESUME, "resume", Map.of()).status()).isEqualTo(200);
        }
        assertThat(awaitEnd(planId).status()).isEqualTo("completed");
    }

    @Test
    void migrateRunsFlywayAndAnswersTheSchemaVersion() {
        Reply r = kafka.request(Commands.SYSTEM_MIGRATE, "migrate", Map.of());
        assertThat(r.status()).as(String.valueOf(r.problem())).isEqualTo(200);
        Commands.Migrated m = io.hxo.contracts.json.Json.mapper().convertValue(r.body(), Commands.Migrated.class);
        assertThat(m.service()).isEqualTo("hxo-planner");
        // Migrated at start already: nothing pending, the version of the newest script.
        assertThat(m.migrationsApplied()).isZero();
        assertThat(m.schemaVersion()).isEqualTo(io.hxo.contracts.testing.Migrations.newest());
    }

    static Comparator<ShardWork.Result> byStart() {
        return Comparator.comparingLong(ShardWork.Result::startedAt);
    }
}
