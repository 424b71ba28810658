package io.hxo.genesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.Genesis;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.inject.Inject;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import javax.sql.DataSource;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** genesis-bus against a real broker and database. */
@QuarkusTest
class GenesisBusTest {
    static KafkaTestClient kafka;

    @Inject
    DataSource db;

    /** The store's own connections (the reactive client's pool). */
    @Inject
    Pool pool;

    @ConfigProperty(name = "mp.messaging.incoming.events.topics")
    String storedTopics;

    @BeforeAll
    static void connect() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void disconnect() {
        kafka.close();
    }

    @Test
    void everyStatementIsPlannedForItsOwnParametersAndTheTableAsItIsNow() {
        // A generic plan kept from when the tables were empty turns lookups into full scans later.
        Row row = pool.query("SHOW plan_cache_mode").execute().await().atMost(Duration.ofSeconds(10)).iterator().next();
        assertThat(row.getString(0)).isEqualTo("force_custom_plan");
    }

    /**
     * A validator reads one plan's leaf events among every plan's: the index must match subject and
     * topic both, or the read filters the whole topic (it did, on a store nothing had ANALYZEd).
     * The rows are inserted in a transaction that is rolled back.
     */
    @Test
    void aPlansLeafEventsAreReadThroughOneIndexOnSubjectAndTopic() {
        String plan = pool.withConnection(c -> c.begin().flatMap(tx -> c.query("""
                        INSERT INTO genesis.events (source, id, topic, type, subject, time, kafka_partition, kafka_offset, data)
                        SELECT '/explain-test', 'e-' || n, 'hxo.shard.done', 'hxo.shard.done', 'plan-' || n, now(), 0, n, '{}'
                        FROM generate_series(1, 5000) n""").execute()
                // Bound as the store binds them, so the plan is the one the store's own call gets.
                .flatMap(inserted -> c.preparedQuery("EXPLAIN " + io.hxo.genesis.store.EventStore.SUBJECT_TOPIC_SQL)
                        .execute(Tuple.of("plan-42", "hxo.shard.done", 0L, 200L)))
                .map(rows -> {
                    StringBuilder out = new StringBuilder();
                    rows.forEach(r -> out.append(r.getString(0)).append('\n'));
                    return out.toString();
                })
                .call(tx::rollback)))
                .await().atMost(Duration.ofSeconds(30));
        assertThat(plan).contains("Index Scan using events_subject_topic").doesNotContain("Filter: (subject");
    }

    @Test
    void theStoreReadsEveryEventTopicOfTheCatalogButHeartbeats() {
        Set<String> expected = Topic.ofKind(Topic.Kind.EVENT).stream().map(Topic::topicName)
                .filter(t -> !t.equals("federation.heartbeat")).collect(Collectors.toSet());
        assertThat(Set.copyOf(Arrays.asList(storedTopics.split(",")))).isEqualTo(expected);
    }

    @Test
    void catalogTopicsExistWithRetentionAndBrokerTimestamps() throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", KafkaTestClient.bootstrap()))) {
            Set<String> names = admin.listTopics().names().get(10, TimeUnit.SECONDS);
            for (Topic t : Topic.values()) {
                assertThat(names).contains(t.topicName());
            }
            ConfigResource commands = new ConfigResource(ConfigResource.Type.TOPIC, "hxo.commands");
            ConfigResource plan = new ConfigResource(ConfigResource.Type.TOPIC, "hxo.plan");
            Map<ConfigResource, Config> cfg = admin.describeConfigs(List.of(commands, plan)).all().get(10, TimeUnit.SECONDS);
            assertThat(cfg.get(commands).get("retention.ms").value()).isEqualTo("86400000");
            assertThat(cfg.get(plan).get("retention.ms").value()).isEqualTo("604800000");
            assertThat(cfg.get(plan).get("message.timestamp.type").value()).isEqualTo("LogAppendTime");
        }
    }

    @Test
    void everyEventIsStoredOnceAndAReplayIsDeadLettered() throws Exception {
        String subject = "plan-" + UUID.randomUUID();
        CloudEvent first = null;
        for (int i = 0; i < 20; i++) {
            CloudEvent ev = kafka.publisher.event("hxo.alert", subject,
                    new Events.Alert("slo.breach", "warning", subject, "test", "alert " + i, Map.of("i", i)));
            kafka.publisher.publish(Topic.HXO_ALERT, ev).join();
            if (first == null) {
                first = ev;
            }
        }
        // The same event sent again: same source and id, new offset.
        kafka.publisher.publish(Topic.HXO_ALERT, first).join();

        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM genesis.events WHERE subject = ?", subject) == 20);
        String firstId = first.id();
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM genesis.dead_letters WHERE event_id = ? AND reason = 'replayed'", firstId) >= 1);
        assertThat(count("SELECT count(*) FROM genesis.events WHERE subject = ? GROUP BY source, id HAVING count(*) > 1",
                subject)).isZero();
        // Stored in the order they were published.
        assertThat(count("""
                SELECT count(*) FROM (SELECT seq, data->>'message' AS m,
                                             row_number() OVER (ORDER BY seq) - 1 AS n
                                      FROM genesis.events WHERE subject = ?) t
                WHERE m <> 'alert ' || n""", subject)).isZero();
    }

    @Test
    void anUnsignedEventIsNotStored() throws Exception {
        String subject = "forged-" + UUID.randomUUID();
        CloudEvent forged = CloudEvent.of("/intruder/1", "hxo.alert", subject,
                new Events.Alert("guardian.halt", "critical", subject, "intruder", "fake", Map.of()));
        CloudEvent honest = kafka.publisher.event("hxo.alert", subject,
                new Events.Alert("slo.breach", "warning", subject, "test", "real", Map.of()));
        Map<String, Object> cfg = Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, KafkaTestClient.bootstrap(),
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        try (KafkaProducer<String, byte[]> raw = new KafkaProducer<>(cfg)) {
            raw.send(KafkaBinding.toRecord("hxo.alert", forged)).get();
        }
        kafka.publisher.publish(Topic.HXO_ALERT, honest).join();
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM genesis.dead_letters WHERE event_id = ? AND reason = 'missing_signature'",
                forged.id()) == 1);
        await().atMost(Duration.ofSeconds(30)).until(() -> count(
                "SELECT count(*) FROM genesis.events WHERE id = ?", honest.id()) == 1);
        assertThat(count("SELECT count(*) FROM genesis.events WHERE id = ?", forged.id())).isZero();
    }

    long count(String sql, String param) throws Exception {
        try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : 0;
            }
        }
    }

    @Test
    void itVotesTheRootItFoldsFromItsEventStore() {
        io.hxo.runtime.testing.VoteFixture plan = new io.hxo.runtime.testing.VoteFixture();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE)) {
            plan.publish(kafka);
            Events.Vote vote = plan.awaitVote(votes, "genesis-bus");
            assertThat(vote.validator()).isEqualTo("genesis-bus");
            assertThat(vote.error()).isNull();
            assertThat(vote.leafCount()).isEqualTo(6);
            assertThat(vote.merkleRoot()).isEqualTo(plan.root);
        }
    }

    @Test
    void leavesStoredAfterTheReadyEventStillEnterItsVote() throws InterruptedException {
        io.hxo.runtime.testing.VoteFixture plan = new io.hxo.runtime.testing.VoteFixture();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE)) {
            // The bus reads on from its last read as the late leaves are stored, and votes the full tree.
            plan.publishWithLateLeaves(kafka, Duration.ofMillis(800));
            Events.Vote vote = plan.awaitVote(votes, "genesis-bus");
            assertThat(vote.error()).isNull();
            assertThat(vote.merkleRoot()).isEqualTo(plan.root);
        }
    }

    @Test
    void leavesThatNeverReachTheBrokerAreAskedForAgainAndEnterTheVote() {
        io.hxo.runtime.testing.VoteFixture plan = new io.hxo.runtime.testing.VoteFixture();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE);
                org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> commands = kafka.tail(Topic.HXO_COMMANDS)) {
            plan.publishWithLostLeaves(kafka);
            // The store stops gaining leaves with three of six: the bus asks the plan's owner for them.
            CloudEvent ask = KafkaTestClient.await(commands, e -> plan.planId.equals(e.subject())
                    && Commands.PLAN_RESEND_LEAVES.equals(e.type()), Duration.ofSeconds(20));
            assertThat(ask.source()).startsWith("/genesis-bus/");
            assertThat(ask.dataAs(Commands.ResendLeaves.class).planId()).isEqualTo(plan.planId);
            plan.announceTheRest(kafka);
            Events.Vote vote = plan.awaitVote(votes, "genesis-bus");
            assertThat(vote.error()).isNull();
            assertThat(vote.merkleRoot()).isEqualTo(plan.root);
        }
    }

    @Test
    void storedEventsFollowOnTheFeedAndHistoryComesFromTheCacheOrTheStore() {
        String subject = "feed-" + UUID.randomUUID();
        int n = 120;
        List<Genesis.StoredEvent> fed = new java.util.ArrayList<>();
        try (var feed = kafka.tail(Topic.GENESIS_FEED)) {
            for (int i = 0; i < n; i++) {
                kafka.publisher.emit(Topic.HXO_ALERT, subject,
                        new Events.Alert("slo.breach", "warning", subject, "test", "alert " + i, Map.of()));
            }
            kafka.publisher.flush();
            List<Genesis.FeedBatch> batches = new java.util.ArrayList<>();
            KafkaTestClient.collect(feed, got -> {
                got.forEach(ev -> batches.add(ev.dataAs(Genesis.FeedBatch.class)));
                got.clear();
                return batches.stream().flatMap(b -> b.events().stream())
                        .filter(e -> subject.equals(e.subject())).count() >= n;
            }, Duration.ofSeconds(30));
            // Each record follows on from the one before it; sequence numbers only grow.
            for (int i = 1; i < batches.size(); i++) {
                assertThat(batches.get(i).prev()).isEqualTo(batches.get(i - 1).last());
            }
            batches.forEach(b -> fed.addAll(b.events()));
        }
        List<Genesis.StoredEvent> ours = fed.stream().filter(e -> subject.equals(e.subject())).toList();
        assertThat(ours).hasSize(n);
        assertThat(ours.stream().map(e -> e.data().path("message").asText()).toList())
                .isEqualTo(java.util.stream.IntStream.range(0, n).mapToObj(i -> "alert " + i).toList());
        assertThat(fed.stream().map(Genesis.StoredEvent::seq).toList()).isSorted();

        // The cache holds the last 50 events (test setting): the start of the range comes from the store...
        long beforeFirst = ours.get(0).seq() - 1;
        Genesis.HistoryPage all = history(new Genesis.HistoryQuery("hxo.alert", beforeFirst, null, null, 1000));
        assertThat(all.servedFrom()).isEqualTo("store");
        assertThat(all.events().stream().filter(e -> subject.equals(e.subject())).map(Genesis.StoredEvent::seq).toList())
                .isEqualTo(ours.stream().map(Genesis.StoredEvent::seq).toList());
        // ...and its end from the cache, once the cache has read the feed that far.
        long cursor = ours.get(n - 21).seq();
        await().atMost(Duration.ofSeconds(20)).until(() -> "cache".equals(
                history(new Genesis.HistoryQuery("hxo.*", cursor, null, null, 1000)).servedFrom()));
        Genesis.HistoryPage tail = history(new Genesis.HistoryQuery("hxo.*", cursor, null, null, 1000));
        assertThat(tail.events().stream().filter(e -> subject.equals(e.subject())).map(Genesis.StoredEvent::seq).toList())
                .isEqualTo(ours.subList(n - 20, n).stream().map(Genesis.StoredEvent::seq).toList());
        // Paging: a small limit says there is more and where to go on from.
        Genesis.HistoryPage page = history(new Genesis.HistoryQuery("hxo.alert", beforeFirst, null, null, 7));
        assertThat(page.events()).hasSize(7);
        assertThat(page.more()).isTrue();
        assertThat(page.through()).isEqualTo(page.events().get(6).seq());
        // A pattern that is not one is refused with the reason.
        Reply bad = kafka.request(Topic.GENESIS_COMMANDS, Genesis.HISTORY, null,
                new Genesis.HistoryQuery("hxo*", 0L, null, null, 10));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.problem().detail()).contains("topic pattern");
    }

    @Test
    void dataJsonbCannotHoldIsStoredWithReplacementsAndTheStoreGoesOn() throws Exception {
        String subject = "nul-" + UUID.randomUUID();
        // Valid JSON that PostgreSQL's jsonb refuses: U+0000 and a lone surrogate, as escapes.
        var hostile = com.fasterxml.jackson.databind.node.JsonNodeFactory.instance.rawValueNode(
                new com.fasterxml.jackson.databind.util.RawValue("{\"message\":\"a\\u0000b \\ud800\"}"));
        kafka.publisher.emit(Topic.HXO_ALERT, subject, hostile).join();
        kafka.publisher.emit(Topic.HXO_ALERT, subject,
                new Events.Alert("slo.breach", "info", subject, "test", "after", Map.of())).join();
        List<String> messages = new java.util.ArrayList<>();
        await().atMost(Duration.ofSeconds(20)).until(() -> {
            messages.clear();
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT data->>'message' FROM genesis.events WHERE subject = ? ORDER BY seq")) {
                ps.setString(1, subject);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        messages.add(rs.getString(1));
                    }
                }
            }
            return messages.size() == 2;
        });
        assertThat(messages).containsExactly("a\uFFFDb \uFFFD", "after");
    }

    private Genesis.HistoryPage history(Genesis.HistoryQuery q) {
        Reply r = kafka.request(Topic.GENESIS_COMMANDS, Genesis.HISTORY, null, q);
        assertThat(r.status()).as(String.valueOf(r.problem())).isEqualTo(200);
        return io.hxo.contracts.json.Json.convert(r.body(), Genesis.HistoryPage.class);
    }

    @Test
    void aFloodOfForgedMessagesRaisesOneAlertAndShowsInMetricsAndLogs() throws Exception {
        String subject = "flood-" + UUID.randomUUID();
        List<String> forgedIds = new java.util.ArrayList<>();
        try (var alerts = kafka.tail(Topic.HXO_ALERT);
                KafkaTestClient intruder = new KafkaTestClient(KafkaTestClient.bootstrap(),
                        "an-intruders-own-secret-0123456789abcdef")) {
            for (int i = 0; i < 10; i++) {
                CloudEvent ev = intruder.publisher.event("hxo.alert", subject,
                        new Events.Alert("guardian.halt", "critical", subject, "intruder", "fake " + i, Map.of()));
                intruder.publisher.publish(Topic.HXO_ALERT, ev).join();
                forgedIds.add(ev.id());
            }
            await().atMost(Duration.ofSeconds(30)).until(() -> count(
                    "SELECT count(*) FROM genesis.dead_letters WHERE event_source = ?", intruder.publisher.source()) == 10);
            assertThat(count("SELECT count(*) FROM genesis.events WHERE subject = ?", subject)).isZero();
            String reason;
            try (Connection c = db.getConnection(); PreparedStatement ps = c.prepareStatement(
                    "SELECT DISTINCT reason FROM genesis.dead_letters WHERE event_source = ?")) {
                ps.setString(1, intruder.publisher.source());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    reason = rs.getString(1);
                    assertThat(rs.next()).isFalse();
                }
            }
            assertThat(reason).isIn("unknown_key", "bad_signature");
            // One alert for the flood (the window is a minute), naming the reason.
            List<CloudEvent> raised = KafkaTestClient.collect(alerts, got -> false, Duration.ofSeconds(3)).stream()
                    .filter(ev -> ev.dataAs(Events.Alert.class).type().equals("security.rejected_event"))
                    .filter(ev -> reason.equals(ev.dataAs(Events.Alert.class).details().get("reason")))
                    .toList();
            assertThat(raised).hasSize(1);
        }
        Reply metrics = kafka.request(Topic.GENESIS_COMMANDS, Genesis.METRICS, null, Map.of());
        assertThat(metrics.status()).isEqualTo(200);
        assertThat(metrics.body().path("dead_letters").size()).isPositive();
        assertThat(metrics.body().path("topics").path("hxo.alert").path("total").asLong()).isPositive();
        assertThat(metrics.body().path("store").path("bytes").asLong()).isPositive();
        assertThat(metrics.body().path("terc").path("capacity").asInt()).isEqualTo(50);
        assertThat(metrics.body().path("consumer_lag").has("genesis-store")).isTrue();
        assertThat(metrics.body().path("catalog").path("topics").asInt()).isEqualTo(Topic.values().length);
        assertThat(metrics.body().path("catalog").path("missing")).isEmpty();

        Reply logs = kafka.request(Topic.GENESIS_COMMANDS, Genesis.LOGS, null, new Genesis.LogsQuery(1000));
        assertThat(logs.status()).isEqualTo(200);
        assertThat(logs.body().path("lines").toString()).contains("refused hxo.alert");
        Reply tooMany = kafka.request(Topic.GENESIS_COMMANDS, Genesis.LOGS, null, new Genesis.LogsQuery(5000));
        assertThat(tooMany.status()).isEqualTo(400);
    }
}
