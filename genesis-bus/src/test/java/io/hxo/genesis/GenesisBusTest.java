package io.hxo.genesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.testing.KafkaTestClient;
import io.hxo.contracts.topic.Topic;
import io.quarkus.test.junit.QuarkusTest;
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
        io.hxo.contracts.testing.VoteFixture plan = new io.hxo.contracts.testing.VoteFixture();
        try (org.apache.kafka.clients.consumer.KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE)) {
            plan.publish(kafka);
            Events.Vote vote = plan.awaitVote(votes, "genesis-bus");
            assertThat(vote.validator()).isEqualTo("genesis-bus");
            assertThat(vote.error()).isNull();
            assertThat(vote.leafCount()).isEqualTo(6);
            assertThat(vote.merkleRoot()).isEqualTo(plan.root);
        }
    }
}
