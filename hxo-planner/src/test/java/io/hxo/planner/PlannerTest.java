package io.hxo.planner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.cas.ShardId;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.announce.Reannouncer;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import javax.sql.DataSource;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** The planner against a real broker and database, driven over Kafka exactly as the gateway drives it. */
@QuarkusTest
class PlannerTest {
    static KafkaTestClient kafka;

    @Inject
    DataSource db;
    @Inject
    Reannouncer owner;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    static JsonNode noopPlan(String name, int count, String salt) {
        return Json.tree(Map.of("name", name, "stages", List.of(Map.of("id", "noop", "kind", "test.noop",
                "config", Map.of("count", count, "salt", salt)))));
    }

    Reply submit(UUID planId, JsonNode plan) {
        return kafka.request(Commands.PLAN_SUBMIT, planId.toString(),
                new Commands.SubmitPlan(planId.toString(), plan, true, "test"));
    }

    PlanStatus status(UUID planId) {
        Reply r = kafka.request(Commands.PLAN_STATUS, planId.toString(), new Commands.PlanQuery(planId.toString()));
        assertThat(r.status()).isEqualTo(200);
        return Json.convert(r.body(), PlanStatus.class);
    }

    PlanStatus awaitFinished(UUID planId) {
        PlanStatus[] last = new PlanStatus[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            last[0] = status(planId);
            return !List.of("accepted", "running").contains(last[0].status());
        });
        return last[0];
    }

    /** The leaves the planner announced on hxo.shard.done for a plan, by index. */
    static Map<Integer, Events.Leaf> leaves(KafkaConsumer<String, byte[]> done, String planId, int expected) {
        Map<Integer, Events.Leaf> byIndex = new TreeMap<>();
        KafkaTestClient.collect(done, events -> {
            for (CloudEvent ev : events) {
                Events.ShardsDone d = KafkaTestClient.data(ev, Events.ShardsDone.class);
                if (d.planId().equals(planId)) {
                    d.leaves().forEach(l -> byIndex.put(l.index(), l));
                }
            }
            events.clear();
            return byIndex.size() >= expected;
        }, Duration.ofSeconds(30));
        return byIndex;
    }

    /** The plan's hxo.shard.done events read until they carry {@code leaves} distinct leaves: each event's leaves by its id. */
    static Map<String, List<Events.Leaf>> announcements(KafkaConsumer<String, byte[]> done, String planId, int leaves) {
        Map<String, List<Events.Leaf>> byId = new java.util.LinkedHashMap<>();
        java.util.Set<Integer> seen = new java.util.HashSet<>();
        KafkaTestClient.collect(done, events -> {
            for (CloudEvent ev : events) {
                Events.ShardsDone d = KafkaTestClient.data(ev, Events.ShardsDone.class);
                if (d.planId().equals(planId)) {
                    byId.put(ev.id(), d.leaves());
                    d.leaves().forEach(l -> seen.add(l.index()));
                }
            }
            events.clear();
            return seen.size() >= leaves;
        }, Duration.ofSeconds(30));
        return byId;
    }

    static Map<Integer, Events.Leaf> leavesOf(Map<String, List<Events.Leaf>> announcements) {
        Map<Integer, Events.Leaf> byIndex = new TreeMap<>();
        announcements.values().forEach(list -> list.forEach(l -> byIndex.put(l.index(), l)));
        return byIndex;
    }

    static String rootOf(Map<Integer, Events.Leaf> leaves, HashAlg alg) {
        List<byte[]> data = new ArrayList<>();
        leaves.values().forEach(l -> data.add(InclusionProof.leafData(Hex.parseHash(l.casId()), Hex.parseHash(l.outputDigest()))));
        return Hex.of(MerkleTree.build(alg, data).root());
    }

    Commands.ShardPage shards(UUID planId, String state, String stage, Integer after, Integer limit) {
        Reply r = kafka.request(Commands.PLAN_SHARDS, planId.toString(),
                new Commands.ShardsQuery(planId.toString(), state, stage, after, limit));
        assertThat(r.status()).as(String.valueOf(r.problem())).isEqualTo(200);
        return Json.convert(r.body(), Commands.ShardPage.class);
    }

    @Test
    void aPlansShardsAreListedWithStateAttemptsDurationDigestAndLastErrorPageByPage() {
        UUID planId = UUID.randomUUID();
        JsonNode plan = Json.tree(Map.of("name", "listed", "stages", List.of(
                Map.of("id", "ok", "kind", "test.sleep", "config", Map.of("count", 5, "sleep_ms", 30, "salt", planId.toString())),
                Map.of("id", "bad", "kind", "test.fail", "config", Map.of("count", 3, "fail_indices", List.of(1),
                        "salt", planId.toString())))));
        assertThat(submit(planId, plan).status()).isEqualTo(202);
        PlanStatus st = awaitFinished(planId);
        assertThat(st.status()).isEqualTo("halted");

        Commands.ShardPage all = shards(planId, null, null, null, 100);
        assertThat(all.total()).isEqualTo(8);
        assertThat(all.next()).isNull();
        assertThat(all.shards()).extracting(Commands.ShardRow::position).containsExactly(0, 1, 2, 3, 4, 5, 6, 7);
        Commands.ShardRow slept = all.shards().get(0);
        assertThat(slept.stage()).isEqualTo("ok");
        assertThat(slept.state()).isEqualTo("done");
        assertThat(slept.casId()).matches("[0-9a-f]{64}");
        assertThat(slept.outputDigest()).matches("[0-9a-f]{64}");
        assertThat(slept.durationMs()).isGreaterThanOrEqualTo(30);
        assertThat(slept.attempts()).isEqualTo(1);

        // The shard that failed for good, with its attempts and last error; filtered and paged.
        Commands.ShardPage failed = shards(planId, "failed", null, null, 10);
        assertThat(failed.shards()).singleElement().satisfies(f -> {
            assertThat(f.stage()).isEqualTo("bad");
            assertThat(f.attempts()).isEqualTo(3);
            assertThat(f.error()).contains("failed on purpose");
            assertThat(f.outputDigest()).isNull();
        });
        Commands.ShardPage first = shards(planId, null, "ok", null, 2);
        assertThat(first.shards()).extracting(Commands.ShardRow::index).containsExactly(0, 1);
        Commands.ShardPage second = shards(planId, null, "ok", first.next(), 2);
        assertThat(second.shards()).extracting(Commands.ShardRow::index).containsExactly(2, 3);

        // A state it does not know, and a plan it does not know.
        Reply unknownState = kafka.request(Commands.PLAN_SHARDS, planId.toString(),
                new Commands.ShardsQuery(planId.toString(), "sleeping", null, null, 10));
        assertThat(unknownState.status()).isEqualTo(400);
        UUID nowhere = UUID.randomUUID();
        assertThat(kafka.request(Commands.PLAN_SHARDS, nowhere.toString(), new Commands.ShardsQuery(nowhere.toString(),
                null, null, null, 10)).status()).isEqualTo(404);
    }

    @Test
    void aValidatorMissingLeavesGetsThemAnnouncedAgainByTheOwner() {
        UUID planId = UUID.randomUUID();
        assertThat(submit(planId, noopPlan("resend", 30, UUID.randomUUID().toString())).status()).isEqualTo(202);
        PlanStatus done = awaitFinished(planId);
        assertThat(done.merkleRoot()).isNotNull();
        // Each round reads with a consumer of its own: a consumer's zero-trust check drops an event id it
        // has seen before, and the rounds send the same events.
        try (KafkaConsumer<String, byte[]> again = kafka.tail(Topic.HXO_SHARD_DONE)) {
            // Positions 10..19 in Merkle order: they go out in the checkpoint rows that hold them.
            Reply some = kafka.request(Commands.PLAN_RESEND_LEAVES, planId.toString(),
                    new Commands.ResendLeaves(planId.toString(), 10, 20));
            assertThat(some.status()).isEqualTo(202);
            assertThat(some.body().get("leaves").asInt()).isEqualTo(10);
            assertThat(leavesOf(announcements(again, planId.toString(), 10))).hasSizeGreaterThanOrEqualTo(10);
        }
        // All of them, twice: the same events each time (each row's identity), so the event store,
        // which keeps an event once by source and id, never holds a leaf twice.
        Map<String, List<Events.Leaf>> first;
        try (KafkaConsumer<String, byte[]> again = kafka.tail(Topic.HXO_SHARD_DONE)) {
            assertThat(kafka.request(Commands.PLAN_RESEND_LEAVES, planId.toString(),
                    new Commands.ResendLeaves(planId.toString(), null, null)).body().get("leaves").asInt()).isEqualTo(30);
            first = announcements(again, planId.toString(), 30);
            assertThat(rootOf(leavesOf(first), HashAlg.fromWire(done.hashAlg()))).isEqualTo(done.merkleRoot());
        }
        try (KafkaConsumer<String, byte[]> again = kafka.tail(Topic.HXO_SHARD_DONE)) {
            kafka.request(Commands.PLAN_RESEND_LEAVES, planId.toString(),
                    new Commands.ResendLeaves(planId.toString(), null, null));
            assertThat(announcements(again, planId.toString(), 30).keySet()).isEqualTo(first.keySet());
        }
        UUID unknown = UUID.randomUUID();
        assertThat(kafka.request(Commands.PLAN_RESEND_LEAVES, unknown.toString(),
                new Commands.ResendLeaves(unknown.toString(), null, null)).status()).isEqualTo(404);
    }

    @Test
    void everyStatementIsPlannedForItsOwnParametersAndTheTableAsItIsNow() throws Exception {
        // A generic plan kept from when the tables were empty turns lookups into full scans later.
        assertThat(io.hxo.contracts.testing.PgSettings.show(db, "plan_cache_mode")).isEqualTo("force_custom_plan");
    }

    @Test
    void noopPlanRunsToCompletionWithARootAnyoneCanRecompute() {
        UUID planId = UUID.randomUUID();
        String salt = UUID.randomUUID().toString();
        // Over the size from which the owner computes a stage's CAS ids on all cores.
        int shards = 5_000;
        try (KafkaConsumer<String, byte[]> done = kafka.tail(Topic.HXO_SHARD_DONE)) {
            Reply accepted = submit(planId, noopPlan("skeleton", shards, salt));
            assertThat(accepted.status()).isEqualTo(202);
            assertThat(accepted.body().get("plan_id").asText()).isEqualTo(planId.toString());

            PlanStatus st = awaitFinished(planId);
            assertThat(st.status()).isEqualTo("completed");
            assertThat(st.totalShards()).isEqualTo(shards);
            assertThat(st.shards().done()).isEqualTo(shards);
            assertThat(st.shards().cached()).isZero();
            assertThat(st.hashAlg()).isEqualTo("sha3-256");
            assertThat(Hex.isHash(st.merkleRoot())).isTrue();

            Map<Integer, Events.Leaf> leaves = leaves(done, planId.toString(), shards);
            assertThat(leaves).hasSize(shards);
            assertThat(rootOf(leaves, HashAlg.SHA3_256)).isEqualTo(st.merkleRoot());

            // Each leaf's id is the CAS id of its work, computed here from SPEC section 3 alone.
            for (Events.Leaf leaf : leaves.values()) {
                ObjectNode inputs = Json.mapper().createObjectNode().put("index", leaf.index()).put("salt", salt);
                assertThat(leaf.casId()).as("leaf %d", leaf.index()).isEqualTo(
                        ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "noop", "1", inputs, List.of()));
            }
        }
    }

    @Test
    void aPlanIsAnnouncedInTheStatesItIsStoredIn() {
        UUID started = UUID.randomUUID();
        UUID created = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> plans = kafka.tail(Topic.HXO_PLAN)) {
            submit(started, noopPlan("started-at-once", 3, UUID.randomUUID().toString()));
            Reply reply = kafka.request(Commands.PLAN_SUBMIT, created.toString(), new Commands.SubmitPlan(
                    created.toString(), noopPlan("created-only", 3, UUID.randomUUID().toString()), false, "test"));
            assertThat(reply.status()).isEqualTo(202);
            List<CloudEvent> seen = KafkaTestClient.collect(plans, events -> events.stream().anyMatch(e ->
                    started.toString().equals(e.subject()) && "completed".equals(e.dataAs(Events.PlanChanged.class).status()))
                    && events.stream().anyMatch(e -> created.toString().equals(e.subject())), Duration.ofSeconds(30));
            // Stored running in the insert's transaction, so never announced as accepted.
            assertThat(statusesOf(seen, started)).containsExactly("running", "completed");
            assertThat(statusesOf(seen, created)).containsExactly("accepted");
        }
        assertThat(status(created).status()).isEqualTo("accepted");
    }

    private static List<String> statusesOf(List<CloudEvent> events, UUID planId) {
        return events.stream().filter(e -> planId.toString().equals(e.subject()))
                .map(e -> e.dataAs(Events.PlanChanged.class).status()).toList();
    }

    @Test
    void thePlannerVotesWhatItsStoreHoldsAndAppliesTheGatewaysDecision() {
        UUID good = UUID.randomUUID();
        UUID bad = UUID.randomUUID();
        try (KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE);
                KafkaConsumer<String, byte[]> plans = kafka.tail(Topic.HXO_PLAN);
                HxoPublisher gateway = kafka.publisherAs("federation-gateway");
                HxoPublisher impostor = kafka.publisherAs("arie-auditor")) {
            submit(good, noopPlan("certify-me", 40, UUID.randomUUID().toString()));
            submit(bad, noopPlan("fail-me", 40, UUID.randomUUID().toString()));
            PlanStatus st = awaitFinished(good);
            assertThat(st.status()).isEqualTo("completed");
            assertThat(awaitFinished(bad).status()).isEqualTo("completed");

            CloudEvent ev = KafkaTestClient.await(votes, e -> good.toString().equals(e.subject()), Duration.ofSeconds(20));
            Events.Vote vote = ev.dataAs(Events.Vote.class);
            assertThat(ev.source()).startsWith("/hxo-planner/");
            assertThat(vote.validator()).isEqualTo("hxo-planner");
            assertThat(vote.merkleRoot()).isEqualTo(st.merkleRoot());
            assertThat(vote.leafCount()).isEqualTo(40);

            Events.SignedVote signed = new Events.SignedVote("hxo-planner", vote.instance(), vote.merkleRoot(), 40, null,
                    vote.at(), ev.id(), "sig", "kid");
            // Only the gateway decides: the same certificate from another service moves nothing.
            impostor.emit(Topic.HXO_AGGREGATE_FINALIZED, good.toString(), new Events.Certificate(good.toString(),
                    st.merkleRoot(), 40, "sha3-256", "HARMONIC", "certified", List.of(signed), List.of(), Instant.now())).join();
            gateway.emit(Topic.HXO_AGGREGATE_FAILED, bad.toString(), new Events.Certificate(bad.toString(),
                    "00".repeat(32), 40, "sha3-256", "HARMONIC", "disagreement", List.of(), List.of(), Instant.now())).join();
            await().atMost(Duration.ofSeconds(20)).until(() -> status(bad).status().equals("certification_failed"));
            assertThat(status(good).status()).isEqualTo("completed");

            gateway.emit(Topic.HXO_AGGREGATE_FINALIZED, good.toString(), new Events.Certificate(good.toString(),
                    st.merkleRoot(), 40, "sha3-256", "HARMONIC", "certified", List.of(signed), List.of(), Instant.now())).join();
            await().atMost(Duration.ofSeconds(20)).until(() -> status(good).status().equals("certified"));
            PlanStatus certified = status(good);
            assertThat(certified.certificate().path("outcome").asText()).isEqualTo("certified");
            assertThat(certified.certificate().path("votes").get(0).path("merkle_root").asText()).isEqualTo(st.merkleRoot());
            KafkaTestClient.await(plans, e -> good.toString().equals(e.subject())
                    && e.dataAs(Events.PlanChanged.class).status().equals("certified"), Duration.ofSeconds(10));
        }
    }

    static Events.Certificate certificate(UUID planId, PlanStatus st, Instant decidedAt) {
        return new Events.Certificate(planId.toString(), st.merkleRoot(), st.totalShards(), st.hashAlg(), "HARMONIC",
                "certified", List.of(), List.of(), decidedAt);
    }

    @Test
    void aRedeliveredDecisionIsAnnouncedAgainAndALaterOneChangesNothing() {
        UUID planId = UUID.randomUUID();
        submit(planId, noopPlan("decided-twice", 10, UUID.randomUUID().toString()));
        PlanStatus st = awaitFinished(planId);
        assertThat(st.status()).isEqualTo("completed");
        Events.Certificate first = certificate(planId, st, Instant.parse("2026-12-04T20:00:00Z"));
        Events.Certificate later = certificate(planId, st, Instant.parse("2026-12-04T20:00:09Z"));
        try (KafkaConsumer<String, byte[]> plans = kafka.tail(Topic.HXO_PLAN);
                HxoPublisher gateway = kafka.publisherAs("federation-gateway")) {
            gateway.emit(Topic.HXO_AGGREGATE_FINALIZED, planId.toString(), first).join();
            // A later round's decision keeps the first; the first again (redelivered after the planner
            // stopped, perhaps before announcing it) is announced again.
            gateway.emit(Topic.HXO_AGGREGATE_FINALIZED, planId.toString(), later).join();
            gateway.emit(Topic.HXO_AGGREGATE_FINALIZED, planId.toString(), first).join();
            java.util.function.Predicate<CloudEvent> certifiedEvent = e -> planId.toString().equals(e.subject())
                    && e.dataAs(Events.PlanChanged.class).status().equals("certified");
            List<CloudEvent> seen = KafkaTestClient.collect(plans,
                    events -> events.stream().filter(certifiedEvent).count() >= 2, Duration.ofSeconds(20));
            assertThat(seen.stream().filter(certifiedEvent).count()).isEqualTo(2);
        }
        PlanStatus decided = status(planId);
        assertThat(decided.status()).isEqualTo("certified");
        assertThat(decided.certificate().path("decided_at").asText()).isEqualTo("2026-12-04T20:00:00Z");
    }

    @Test
    void aCompletedPlanLeftWithoutADecisionIsAnnouncedAgainOnceOverdue() {
        UUID planId = UUID.randomUUID();
        submit(planId, noopPlan("undecided", 12, UUID.randomUUID().toString()));
        PlanStatus st = awaitFinished(planId);
        assertThat(st.status()).isEqualTo("completed");
        Instant now = Instant.now();
        try (KafkaConsumer<String, byte[]> ready = kafka.tail(Topic.HXO_AGGREGATE_READY);
                KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE)) {
            assertThat(owner.announceUndecided(now, 1)).doesNotContain(planId); // a round may still be open
            assertThat(owner.announceUndecided(now.plus(Duration.ofMinutes(3)), 1)).contains(planId);
            Events.AggregateReady again = KafkaTestClient.await(ready, e -> planId.toString().equals(e.subject()),
                    Duration.ofSeconds(20)).dataAs(Events.AggregateReady.class);
            assertThat(again.merkleRoot()).isEqualTo(st.merkleRoot());
            assertThat(again.leafCount()).isEqualTo(12);
            assertThat(again.hashAlg()).isEqualTo(st.hashAlg());
            Events.Vote vote = KafkaTestClient.await(votes, e -> planId.toString().equals(e.subject()),
                    Duration.ofSeconds(20)).dataAs(Events.Vote.class);
            assertThat(vote.merkleRoot()).isEqualTo(st.merkleRoot());
        }
        // Then after twice the wait (4 minutes from +3), and never once decided.
        assertThat(owner.announceUndecided(now.plus(Duration.ofMinutes(6)), 1)).doesNotContain(planId);
        assertThat(owner.announceUndecided(now.plus(Duration.ofMinutes(8)), 1)).contains(planId);
        try (HxoPublisher gateway = kafka.publisherAs("federation-gateway")) {
            gateway.emit(Topic.HXO_AGGREGATE_FINALIZED, planId.toString(), certificate(planId, st, Instant.now())).join();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> status(planId).status().equals("certified"));
        assertThat(owner.announceUndecided(now.plus(Duration.ofMinutes(20)), 1)).doesNotContain(planId);
    }

    @Test
    void theSameWorkTwiceIsServedFromTheCasStoreWithTheSameRoot() {
        String salt = UUID.randomUUID().toString();
        UUID first = UUID.randomUUID();
        assertThat(submit(first, noopPlan("twice", 50, salt)).status()).isEqualTo(202);
        PlanStatus a = awaitFinished(first);

        UUID second = UUID.randomUUID();
        assertThat(submit(second, noopPlan("twice", 50, salt)).status()).isEqualTo(202);
        PlanStatus b = awaitFinished(second);

        assertThat(b.status()).isEqualTo("completed");
        assertThat(b.merkleRoot()).isEqualTo(a.merkleRoot());
        assertThat(b.shards().cached()).isEqualTo(50);
        assertThat(a.shards().cached()).isZero();
    }

    @Test
    void identicalPlansRunningAtOnceBothCompleteWithOneRoot() {
        String salt = UUID.randomUUID().toString();
        UUID a = UUID.randomUUID();
        UUID b = UUID.randomUUID();
        assertThat(submit(a, noopPlan("together", 200, salt)).status()).isEqualTo(202);
        assertThat(submit(b, noopPlan("together", 200, salt)).status()).isEqualTo(202);
        PlanStatus sa = awaitFinished(a);
        PlanStatus sb = awaitFinished(b);
        assertThat(sa.status()).isEqualTo("completed");
        assertThat(sb.status()).isEqualTo("completed");
        assertThat(sb.merkleRoot()).isEqualTo(sa.merkleRoot());
    }

    @Test
    void resubmittingTheSamePlanIdOrIdempotencyKeyCreatesNothingNew() throws Exception {
        UUID planId = UUID.randomUUID();
        ObjectNode plan = (ObjectNode) noopPlan("idem", 3, UUID.randomUUID().toString());
        plan.put("idempotency_key", "key-" + planId);
        assertThat(submit(planId, plan).status()).isEqualTo(202);
        Reply again = submit(planId, plan);
        assertThat(again.status()).isEqualTo(200);
        Reply otherId = submit(UUID.randomUUID(), plan);
        assertThat(otherId.status()).isEqualTo(200);
        assertThat(otherId.body().get("plan_id").asText()).isEqualTo(planId.toString());
        assertThat(count("SELECT count(*) FROM hxo.plans WHERE name = 'idem' AND idempotency_key = 'key-" + planId + "'"))
                .isEqualTo(1);
    }

    @Test
    void invalidPlansAreRefusedWithTheFieldPathAndNothingIsStored() throws Exception {
        long before = count("SELECT count(*) FROM hxo.plans");
        assertRefused(Map.of("stages", List.of(Map.of("id", "a", "kind", "test.noop"))), 400, "name");
        assertRefused(Map.of("name", "x"), 400, "stages");
        assertRefused(Map.of("name", "x", "stages", List.of(Map.of("id", "a", "kind", "deploy.nothing"))), 422,
                "stages[0].kind");
        assertRefused(Map.of("name", "x", "stages", List.of(Map.of("id", "a", "kind", "test.noop"),
                Map.of("id", "a", "kind", "test.noop"))), 422, "stages[1].id");
        assertRefused(Map.of("name", "x", "stages", List.of(Map.of("id", "a", "kind", "test.noop",
                "depends_on", List.of("ghost")))), 422, "stages[0].depends_on[0]");
        assertRefused(Map.of("name", "x", "stages", List.of(
                Map.of("id", "a", "kind", "test.noop", "depends_on", List.of("b")),
                Map.of("id", "b", "kind", "test.noop", "depends_on", List.of("a")))), 422, "stages[0].depends_on");
        assertRefused(Map.of("name", "x", "stages", List.of(Map.of("id", "a", "kind", "test.noop",
                "partitioner", "by_filesize"))), 422, "stages[0].partitioner");
        assertRefused(Map.of("name", "x", "constraints", Map.of("max_shards", 10), "stages",
                List.of(Map.of("id", "a", "kind", "test.noop", "config", Map.of("count", 11)))), 422,
                "stages[0].config.count");
        assertRefused(Map.of("name", "x", "stages", List.of(Map.of("id", "a", "kind", "test.noop",
                "config", Map.of("count", "many")))), 422, "stages[0].config.count");
        // Valid JSON that jsonb cannot store: refused as bad input, not a database failure.
        assertRefused(Map.of("name", "a\u0000b", "stages", List.of(Map.of("id", "a", "kind", "test.noop"))), 400,
                "name");
        assertRefused(Map.of("name", "x", "stages", List.of(Map.of("id", "a", "kind", "test.noop",
                "config", Map.of("salt", "lone \ud800")))), 400, "stages[0].config.salt");
        assertThat(count("SELECT count(*) FROM hxo.plans")).isEqualTo(before);
    }

    private void assertRefused(Map<String, Object> plan, int status, String path) {
        Reply r = submit(UUID.randomUUID(), Json.tree(plan));
        assertThat(r.status()).as("%s", plan).isEqualTo(status);
        Problem p = r.problem();
        assertThat(p.status()).isEqualTo(status);
        assertThat(p.errors()).extracting(Problem.FieldError::path).as("%s", plan).contains(path);
    }

    @Test
    void statusOfAnUnknownPlanIs404() {
        Reply r = kafka.request(Commands.PLAN_STATUS, "x", new Commands.PlanQuery(UUID.randomUUID().toString()));
        assertThat(r.status()).isEqualTo(404);
        assertThat(r.problem().type()).endsWith("plan-not-found");
    }

    @Test
    void anUnsignedCommandChangesNothingAndIsDeadLettered() throws Exception {
        UUID planId = UUID.randomUUID();
        CloudEvent cmd = CloudEvent.of("/intruder/1", Commands.PLAN_SUBMIT, planId.toString(),
                new Commands.SubmitPlan(planId.toString(), noopPlan("forged", 5, "s"), true, "intruder"));
        Map<String, Object> cfg = Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClient.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaConsumer<String, byte[]> dlq = kafka.tail(Topic.GENESIS_DLQ);
                KafkaProducer<String, byte[]> raw = new KafkaProducer<>(cfg)) {
            raw.send(KafkaBinding.toRecord(Topic.HXO_COMMANDS.topicName(), cmd)).get();
            CloudEvent letter = KafkaTestClient.await(dlq,
                    ev -> cmd.id().equals(KafkaTestClient.data(ev, DeadLetter.class).eventId()), Duration.ofSeconds(20));
            DeadLetter d = KafkaTestClient.data(letter, DeadLetter.class);
            assertThat(d.reason()).isEqualTo("missing_signature");
            assertThat(d.topic()).isEqualTo("hxo.commands");
            assertThat(d.consumer()).isEqualTo("hxo-planner");
        }
        // A signed command sent after the forged one has been answered, so the forged one was seen and dropped.
        assertThat(kafka.request(Commands.PLAN_STATUS, planId.toString(),
                new Commands.PlanQuery(planId.toString())).status()).isEqualTo(404);
        assertThat(count("SELECT count(*) FROM hxo.plans WHERE plan_id = '" + planId + "'")).isZero();
    }

    long count(String sql) throws Exception {
        try (Connection c = db.getConnection(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }
}
