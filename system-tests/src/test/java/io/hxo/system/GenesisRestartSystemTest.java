package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * The event store keeps every event exactly once across a crash: genesis-bus is killed (SIGKILL, no
 * drain) while a 10,000-shard plan runs and started again; afterwards every event the plan's topics
 * carry is in the store once, counted by {@code source}+{@code id}, none missing and none extra.
 */
@Order(25) // before LauncherSystemTest, which stops the suite
@ExtendWith(Suite.class)
class GenesisRestartSystemTest {
    static final String ADMIRAL = "Bearer " + Suite.ADMIRAL;
    static final int SHARDS = 10_000;
    /** The topics whose events are keyed by (and name) their plan. */
    static final List<Topic> PLAN_TOPICS = List.of(Topic.HXO_PLAN, Topic.HXO_SHARD_CREATED, Topic.HXO_SHARD_CLAIMED,
            Topic.HXO_SHARD_DONE, Topic.HXO_SHARD_FAILED, Topic.HXO_SHARD_SPLIT, Topic.HXO_SHARD_RETRY,
            Topic.HXO_AGGREGATE_READY, Topic.HXO_AGGREGATE_VOTE, Topic.HXO_AGGREGATE_FINALIZED,
            Topic.HXO_AGGREGATE_FAILED);

    @Test
    void everyEventOfAPlanIsStoredOnceAcrossABusCrash() throws Exception {
        // 10,000 shards of 150 ms at ≤ 16 in flight: at least ~94 s, so the bus (a minute to start on a
        // loaded CI box) is back while the plan runs. A validator still down when the plan ends would
        // rightly leave it uncertified.
        String plan = "{\"name\":\"store-once\",\"constraints\":{\"max_concurrency\":16,\"dispatch_window\":16},\"stages\":[{\"id\":\"s\","
                + "\"kind\":\"test.sleep\",\"config\":{\"count\":" + SHARDS + ",\"sleep_ms\":150,\"salt\":\""
                + UUID.randomUUID() + "\"}}]}";
        HttpResponse<String> accepted = Suite.post("/api/hxo/create-and-submit", ADMIRAL, plan);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String planId = Json.tree(accepted.body().getBytes()).get("plan_id").asText();

        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> Suite.doneShards(planId) >= 1500);
        long bus = Suite.pids().get("genesis-bus");
        ProcessHandle.of(bus).ifPresent(ProcessHandle::destroyForcibly);
        await().atMost(Duration.ofSeconds(20)).until(() -> ProcessHandle.of(bus).map(p -> !p.isAlive()).orElse(true));
        long doneAtCrash = Suite.doneShards(planId);
        assertThat(doneAtCrash).as("the crash lands in the middle of the plan").isLessThan(SHARDS);

        Suite.Result up = Suite.hxo(Duration.ofMinutes(3), "up", "--detach", "--no-build");
        assertThat(up.exitCode()).as(up.output()).isZero();
        assertThat(Suite.pids().get("genesis-bus")).isNotEqualTo(bus);
        assertThat(Suite.planStatus(planId).path("status").asText()).as("the bus is back before the plan ends")
                .isEqualTo("running");

        JsonNode status = await().atMost(Duration.ofSeconds(180)).pollInterval(Duration.ofMillis(500))
                .until(() -> Suite.planStatus(planId), s -> !List.of("accepted", "running", "completed")
                        .contains(s.path("status").asText()));
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("certified");
        assertThat(status.path("shards").path("done").asLong()).isEqualTo(SHARDS);

        Set<String> published = publishedEvents(planId);
        assertThat(published).as("events of the plan on the broker").hasSizeGreaterThan(10);
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    Set<String> missing = new HashSet<>(published);
                    missing.removeAll(storedEvents(planId));
                    assertThat(missing).as("published but not stored").isEmpty();
                });
        Set<String> stored = storedEvents(planId);
        assertThat(stored).as("stored but never published").isEqualTo(published);
        assertThat(Suite.count("SELECT count(*) FROM genesis.events WHERE subject = '" + planId + "' AND topic LIKE 'hxo.%'"
                + " AND topic NOT IN ('hxo.audit', 'hxo.alert', 'hxo.autotune.signal')"))
                .as("rows in the store: one per source+id").isEqualTo(published.size());
    }

    /** {@code source id} of every distinct event about the plan on its topics, read from the broker. */
    static Set<String> publishedEvents(String planId) {
        Set<String> out = new HashSet<>();
        try (KafkaTestClient kafka = Suite.kafka()) {
            for (Topic topic : PLAN_TOPICS) {
                try (KafkaConsumer<String, byte[]> c = kafka.rawFromBeginning(topic)) {
                    Map<TopicPartition, Long> end = c.endOffsets(c.assignment());
                    while (end.entrySet().stream().anyMatch(e -> c.position(e.getKey()) < e.getValue())) {
                        for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(200))) {
                            CloudEvent ev = KafkaBinding.fromRecord(rec);
                            if (planId.equals(ev.subject())) {
                                out.add(ev.source() + " " + ev.id());
                            }
                        }
                    }
                }
            }
        }
        return out;
    }

    static Set<String> storedEvents(String planId) throws Exception {
        Set<String> out = new HashSet<>();
        try (Connection c = Suite.db();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT source, id FROM genesis.events WHERE subject = ? AND topic = ANY (?)")) {
            ps.setString(1, planId);
            ps.setArray(2, c.createArrayOf("text", PLAN_TOPICS.stream().map(Topic::topicName).toArray()));
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1) + " " + rs.getString(2));
                }
            }
        }
        return out;
    }
}
