package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.testing.SseClient;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Subscribe, disconnect, let 500 events pass, resume with Last-Event-ID: exactly the missed events,
 * in order, once — through the real gateway and bus. The suite runs with a gateway window of 100
 * events and a bus replay cache (TERC) of 1,000, so the first resume is served from TERC and the
 * second, whose gap is pushed out of TERC by 1,000 other events, from the event store.
 */
@Order(20) // before LauncherSystemTest, which stops the suite
@ExtendWith(Suite.class)
class GenesisSystemTest {
    static final String CAPTAIN = "Bearer " + Suite.CAPTAIN;
    static final String URL = "http://127.0.0.1:" + Suite.GATEWAY + "/api/genesis/subscribe/hxo.*";

    @Test
    void aResumedSubscriberGetsExactlyWhatItMissedFromTheCacheAndFromTheStore() throws Exception {
        String subject = "resume-" + UUID.randomUUID();
        try (KafkaTestClient kafka = Suite.kafka()) {
            String last;
            try (SseClient live = new SseClient(URL, CAPTAIN, null)) {
                live.awaitComment("subscribed", 10000);
                // The gateway follows the feed from its start; wait until an event makes it through.
                await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    alerts(kafka, subject + "-warmup", 1, "hxo.alert");
                    return live.drain(400).stream().anyMatch(e -> e.data() != null
                            && e.data().contains(subject + "-warmup"));
                });
                alerts(kafka, subject + "-marker", 1, "hxo.alert");
                SseClient.Event marker;
                do {
                    marker = live.take(1, 10000).get(0);
                } while (!marker.data().contains(subject + "-marker"));
                last = marker.id();
            }

            // Gap 1: 500 events, inside TERC (1,000) but beyond the gateway's window (100).
            alerts(kafka, subject + "-a", 500, "hxo.alert");
            List<Long> missedA = awaitStored(subject + "-a", 500);
            awaitFollowed(missedA.get(missedA.size() - 1));
            last = resume(last, subject + "-a", missedA, "replay from cache");

            // Gap 2: 500 events, then 1,000 events the pattern does not match push them out of TERC.
            alerts(kafka, subject + "-b", 500, "hxo.alert");
            alerts(kafka, subject + "-filler", 1000, "deploy.platform.start");
            List<Long> missedB = awaitStored(subject + "-b", 500);
            List<Long> filler = awaitStored(subject + "-filler", 1000);
            awaitFollowed(Math.max(filler.get(filler.size() - 1), missedB.get(missedB.size() - 1)));
            resume(last, subject + "-b", missedB, "replay from store");
        }
    }

    /** Reconnects after {@code lastId}; checks it gets exactly {@code expected} and says where they came from. */
    private static String resume(String lastId, String subject, List<Long> expected, String servedFrom)
            throws Exception {
        try (SseClient s = new SseClient(URL, CAPTAIN, lastId)) {
            s.awaitComment(servedFrom, 20000);
            // Other events matching hxo.* may sit in the gap too; every event comes once, in order.
            List<SseClient.Event> got = new ArrayList<>();
            long previous = Long.parseLong(lastId);
            long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
            while (got.size() < expected.size() && System.nanoTime() < deadline) {
                for (SseClient.Event e : s.take(1, 60000)) {
                    long seq = Long.parseLong(e.id());
                    assertThat(seq).as("ids only grow").isGreaterThan(previous);
                    previous = seq;
                    if (e.data().contains(subject + " ")) {
                        got.add(e);
                    }
                }
            }
            assertThat(got.stream().map(e -> Long.parseLong(e.id())).toList()).isEqualTo(expected);
            // Nothing after them: no duplicate, nothing else of ours.
            assertThat(s.drain(1000).stream().filter(e -> !e.comment() && e.data().contains(subject)).toList())
                    .isEmpty();
            return got.get(got.size() - 1).id();
        }
    }

    /**
     * Waits until the bus's cache and this gateway have read the feed up to {@code seq}: which of
     * them serves a resume must depend on the gap, not on how far a reader lags.
     */
    private static void awaitFollowed(long seq) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> {
            var r = Suite.get("/api/genesis/metrics", CAPTAIN);
            return r.statusCode() == 200 && io.hxo.contracts.json.Json.tree(r.body().getBytes())
                    .path("terc").path("last_seq").asLong() >= seq;
        });
        try (SseClient probe = new SseClient("http://127.0.0.1:" + Suite.GATEWAY + "/api/genesis/subscribe/*", CAPTAIN,
                Long.toString(seq - 1))) {
            probe.take(1, 30000); // the event at seq itself: the gateway has it
        }
    }

    private static void alerts(KafkaTestClient kafka, String subject, int n, String topic) {
        Topic t = Topic.byName(topic).orElseThrow();
        for (int i = 0; i < n; i++) {
            kafka.publisher.emit(t, subject, new Events.Alert("slo.breach", "info", null, "system-test",
                    subject + " " + i, Map.of("i", i)));
        }
        kafka.publisher.flush();
    }

    /** The store's sequence numbers of a subject's events, once all {@code n} are stored. */
    private static List<Long> awaitStored(String subject, int n) throws Exception {
        await().atMost(Duration.ofSeconds(60)).until(() -> Suite.count(
                "SELECT count(*) FROM genesis.events WHERE subject = '" + subject + "'") == n);
        List<Long> seqs = new ArrayList<>();
        try (Connection c = Suite.db(); PreparedStatement ps = c.prepareStatement(
                "SELECT seq FROM genesis.events WHERE subject = ? ORDER BY seq")) {
            ps.setString(1, subject);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    seqs.add(rs.getLong(1));
                }
            }
        }
        return seqs;
    }
}
