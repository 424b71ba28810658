package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.startsWith;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.contracts.payload.Genesis;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.testing.SseClient;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.feed.TopicPattern;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The genesis routes of the gateway on a real broker. A stand-in bus in this test plays
 * genesis-bus: it "stores" events, feeds them on {@code genesis.feed} and answers history queries,
 * so what is checked is the gateway's part: SSE delivery, resume, catch-up, slow subscribers.
 * The whole path with the real bus is in the system tests.
 */
@QuarkusTest
class GenesisRoutesTest {
    static final String ADMIRAL = "Bearer test-admiral-token-0123456789";
    static final String CAPTAIN = "Bearer test-captain-token-0123456789";

    static KafkaTestClient kafka;
    static final AtomicBoolean running = new AtomicBoolean(true);
    static Thread standInBus;
    /** What the stand-in bus has stored, in sequence order. */
    static final List<StoredEvent> stored = new ArrayList<>();
    static long lastFed;

    @TestHTTPResource("/")
    URL base;

    @BeforeAll
    static void start() {
        kafka = new KafkaTestClient();
        KafkaConsumer<String, byte[]> commands = kafka.tail(Topic.GENESIS_COMMANDS);
        standInBus = new Thread(() -> {
            try (commands) {
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> rec : commands.poll(Duration.ofMillis(100))) {
                        answer(KafkaBinding.fromRecord(rec));
                    }
                }
            }
        }, "stand-in-bus");
        standInBus.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        running.set(false);
        standInBus.join();
        kafka.close();
    }

    static void answer(CloudEvent cmd) {
        Reply reply = switch (cmd.type()) {
            case Genesis.HISTORY -> {
                Genesis.HistoryQuery q = cmd.dataAs(Genesis.HistoryQuery.class);
                TopicPattern p = TopicPattern.parse(q.pattern());
                synchronized (stored) {
                    List<StoredEvent> out = stored.stream()
                            .filter(e -> e.seq() > (q.after() == null ? 0 : q.after()) && p.matches(e.topic()))
                            .limit(q.limit()).toList();
                    long through = stored.isEmpty() ? 0 : stored.get(stored.size() - 1).seq();
                    yield Reply.ok(200, new Genesis.HistoryPage(out, false, through, "store"));
                }
            }
            case Genesis.METRICS -> Reply.ok(200, Map.of("topics", Map.of()));
            case Genesis.LOGS -> Reply.ok(200, Map.of("lines", List.of("a line")));
            default -> null;
        };
        if (reply != null) {
            kafka.publisher.reply(Topic.GENESIS_COMMANDS, cmd, reply);
        }
    }

    /** Stores events on the given topics and publishes them on the feed. */
    static List<StoredEvent> feed(String... topics) {
        return store(true, "", topics);
    }

    /** Stores events whose feed record is lost. */
    static List<StoredEvent> storeUnfed(String... topics) {
        return store(false, "", topics);
    }

    static List<StoredEvent> store(boolean feed, String padding, String... topics) {
        synchronized (stored) {
            long seq = stored.isEmpty() ? 100 : stored.get(stored.size() - 1).seq();
            long prev = seq; // as the bus does: the highest sequence number stored before this batch
            List<StoredEvent> batch = new ArrayList<>();
            for (String t : topics) {
                seq += 2; // sequence numbers have holes; followers must not mistake them for gaps
                batch.add(new StoredEvent(seq, t, t, "/test/1", "ev-" + seq, null, Instant.now(),
                        Json.tree(Map.of("n", seq, "pad", padding))));
            }
            stored.addAll(batch);
            if (feed) {
                FeedBatch b = new FeedBatch(prev, batch);
                kafka.publisher.publish(Topic.GENESIS_FEED, 0,
                        kafka.publisher.event(Topic.GENESIS_FEED.topicName(), null, b)).join();
                lastFed = b.last();
            }
            return batch;
        }
    }

    /** An SSE stream from this gateway, as a captain. */
    SseClient subscribe(String pattern, String lastEventId) throws Exception {
        return new SseClient(base.toString().replaceAll("/$", "") + "/api/genesis/subscribe/" + pattern, CAPTAIN,
                lastEventId);
    }

    /** No further event arrives within a short while (comments aside). */
    static void assertQuiet(SseClient s) throws InterruptedException {
        assertThat(s.drain(700).stream().filter(e -> !e.comment()).toList()).isEmpty();
    }

    static List<String> ids(List<StoredEvent> events, String pattern) {
        TopicPattern p = TopicPattern.parse(pattern);
        return events.stream().filter(e -> p.matches(e.topic())).map(e -> Long.toString(e.seq())).toList();
    }

    static List<String> ids(List<SseClient.Event> events) {
        return events.stream().map(SseClient.Event::id).toList();
    }

    /** Until the gateway reads the feed (its consumer joins at start), fed events may pass unseen. */
    void awaitFeed() throws Exception {
        try (SseClient warm = subscribe("warmup.*", null)) {
            warm.awaitComment("subscribed", 10000);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(300)).until(() -> {
                feed("warmup.ping");
                SseClient.Event e = warm.poll(300);
                return e != null && "warmup.ping".equals(e.name());
            });
        }
    }

    @Test
    void liveEventsMatchThePatternAndLastEventIdResumesExactlyAfterTheLastOneSeen() throws Exception {
        awaitFeed();
        String lastSeen;
        try (SseClient s = subscribe("hxo.*", null)) {
            s.awaitComment("subscribed", 10000);
            List<StoredEvent> first = feed("hxo.alert", "arie.audit", "hxo.plan", "hxo.alert");
            List<SseClient.Event> got = s.take(3, 10000);
            assertThat(ids(got)).isEqualTo(ids(first, "hxo.*"));
            assertThat(got.get(0).name()).isEqualTo("hxo.alert");
            JsonNode data = Json.tree(got.get(0).data().getBytes(StandardCharsets.UTF_8));
            assertThat(data.path("seq").asLong()).isEqualTo(first.get(0).seq());
            assertThat(data.path("data").path("n").asLong()).isEqualTo(first.get(0).seq());
            lastSeen = got.get(2).id();
        }
        // Disconnected: these pass by.
        List<StoredEvent> missed = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            missed.addAll(feed("hxo.shard.done", "deploy.platform.start", "hxo.alert"));
        }
        try (SseClient s = subscribe("hxo.*", lastSeen)) {
            assertThat(ids(s.take(10, 10000))).isEqualTo(ids(missed, "hxo.*"));
            List<StoredEvent> next = feed("hxo.alert");
            assertThat(ids(s.take(1, 10000))).isEqualTo(ids(next, "hxo.*"));
            assertQuiet(s);
        }
    }

    @Test
    void aResumeOlderThanTheWindowIsServedFromTheBusThenGoesLive() throws Exception {
        awaitFeed();
        long cursor = lastFed;
        List<StoredEvent> old = new ArrayList<>();
        try (SseClient probe = subscribe("*", null)) {
            probe.awaitComment("subscribed", 10000);
            for (int i = 0; i < 10; i++) { // 30 events: more than the gateway's window of 20 (test setting)
                old.addAll(feed("hxo.alert", "arie.alert", "hxo.plan"));
            }
            probe.take(30, 10000); // the gateway has read them all: its window has moved past the cursor
        }
        try (SseClient s = subscribe("hxo.*", Long.toString(cursor))) {
            s.awaitComment("replay from store", 10000);
            assertThat(ids(s.take(20, 10000))).isEqualTo(ids(old, "hxo.*"));
            List<StoredEvent> live = feed("hxo.alert");
            assertThat(ids(s.take(1, 10000))).isEqualTo(ids(live, "hxo.*"));
            assertQuiet(s);
        }
    }

    @Test
    void aLiveSubscriberThatMissesFeedRecordsCatchesUpFromTheBus() throws Exception {
        awaitFeed();
        try (SseClient s = subscribe("*", null)) {
            s.awaitComment("subscribed", 10000);
            List<StoredEvent> before = feed("hxo.alert");
            assertThat(ids(s.take(1, 10000))).isEqualTo(ids(before, "*"));
            List<StoredEvent> unfed = storeUnfed("hxo.alert", "arie.audit"); // stored, its feed record lost
            List<StoredEvent> after = feed("hxo.plan");
            List<StoredEvent> expected = new ArrayList<>(unfed);
            expected.addAll(after);
            assertThat(ids(s.take(3, 10000))).isEqualTo(ids(expected, "*"));
            assertQuiet(s);
        }
    }

    @Test
    void aSubscriberThatStopsReadingIsCutOffWithAFinalEventAndOthersGetEverything() throws Exception {
        awaitFeed();
        String pad = "x".repeat(16 * 1024);
        try (SseClient reader = subscribe("hxo.alert", null);
                Socket stalled = new Socket()) {
            reader.awaitComment("subscribed", 10000);
            stalled.setReceiveBufferSize(4096);
            stalled.connect(new java.net.InetSocketAddress(base.getHost(), base.getPort()));
            OutputStream out = stalled.getOutputStream();
            out.write(("GET /api/genesis/subscribe/hxo.alert HTTP/1.1\r\nHost: localhost\r\nAuthorization: " + CAPTAIN
                    + "\r\nAccept: text/event-stream\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            out.flush();
            Thread.sleep(500); // let the subscription open before the flood; it reads nothing from here on
            // The reader takes each batch before the next is fed, so only the stalled client falls behind.
            for (int i = 0; i < 60; i++) {
                String[] topics = new String[10];
                java.util.Arrays.fill(topics, "hxo.alert");
                List<StoredEvent> batch = store(true, pad, topics);
                assertThat(ids(reader.take(10, 10000))).isEqualTo(ids(batch, "hxo.alert"));
            }
            // The stalled client, read now: some events, the final event, and the end of the stream.
            stalled.setSoTimeout(20000);
            InputStream in = stalled.getInputStream();
            ByteArrayOutputStream all = new ByteArrayOutputStream();
            byte[] buf = new byte[65536];
            int n;
            while ((n = in.read(buf)) != -1) {
                all.write(buf, 0, n);
                if (all.toString(StandardCharsets.UTF_8).contains("slow_subscriber")) {
                    break;
                }
            }
            String text = all.toString(StandardCharsets.UTF_8);
            assertThat(text).contains("hxo.subscription.closed").contains("slow_subscriber");
            long delivered = text.lines().filter(l -> l.matches("event: ?hxo\\.alert")).count();
            assertThat(delivered).isLessThan(600);
        }
    }

    @Test
    void historyMetricsAndLogsAreForwardedAndBadParametersAre400() {
        storeUnfed("hxo.alert", "arie.alert");
        given().header("Authorization", CAPTAIN).queryParam("topic", "arie.*").queryParam("after", 0)
                .get("/api/genesis/events").then().statusCode(200)
                .body("served_from", equalTo("store"))
                .body("events.topic", org.hamcrest.Matchers.everyItem(startsWith("arie.")));
        given().header("Authorization", CAPTAIN).get("/api/genesis/metrics").then().statusCode(200)
                .body("live_subscribers", org.hamcrest.Matchers.greaterThanOrEqualTo(0));
        given().header("Authorization", CAPTAIN).queryParam("lines", 3).get("/api/logs/genesis").then().statusCode(200)
                .body("lines[0]", equalTo("a line"));
        for (Map<String, Object> bad : List.<Map<String, Object>>of(Map.of("limit", 0), Map.of("limit", 5000),
                Map.of("after", -1), Map.of("after", "x"), Map.of("topic", "hxo*"), Map.of("from", "yesterday"),
                Map.of("from", "2026-01-02T00:00:00Z", "to", "2026-01-01T00:00:00Z"))) {
            given().header("Authorization", CAPTAIN).queryParams(bad).get("/api/genesis/events").then()
                    .statusCode(400).contentType(containsString("application/problem+json"));
        }
        given().header("Authorization", CAPTAIN).queryParam("lines", 0).get("/api/logs/genesis").then().statusCode(400);
        given().header("Authorization", CAPTAIN).get("/api/genesis/subscribe/hxo*").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
        given().get("/api/genesis/subscribe/hxo.*").then().statusCode(401);
    }

    @Test
    void anAdmiralPublishesSignedEventsOnOpenTopicsOnly() {
        try (KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.HXO_ALERT)) {
            String id = given().header("Authorization", ADMIRAL).contentType(ContentType.JSON)
                    .queryParam("subject", "ci-run-7")
                    .body("{\"type\":\"guardian.halt\",\"severity\":\"critical\",\"message\":\"from CI\"}")
                    .post("/api/genesis/publish/hxo.alert").then().statusCode(202)
                    .body("topic", equalTo("hxo.alert")).body("source", startsWith("/federation-gateway/"))
                    .extract().path("id");
            // Read through the verifying consumer: it arrives signed by the gateway.
            CloudEvent ev = KafkaTestClient.await(alerts, e -> e.id().equals(id), Duration.ofSeconds(10));
            assertThat(ev.subject()).isEqualTo("ci-run-7");
            assertThat(Json.tree(ev.data()).path("message").asText()).isEqualTo("from CI");
        }
        given().header("Authorization", CAPTAIN).contentType(ContentType.JSON).body("{}")
                .post("/api/genesis/publish/hxo.alert").then().statusCode(403);
        given().header("Authorization", ADMIRAL).contentType(ContentType.JSON).body("{}")
                .post("/api/genesis/publish/hxo.shard.done").then().statusCode(403).body("detail", containsString("engine"));
        given().header("Authorization", ADMIRAL).contentType(ContentType.JSON).body("{}")
                .post("/api/genesis/publish/no.such.topic").then().statusCode(404);
        given().header("Authorization", ADMIRAL).contentType(ContentType.JSON).body("[1,2]")
                .post("/api/genesis/publish/hxo.alert").then().statusCode(400);
        given().header("Authorization", ADMIRAL).contentType(ContentType.JSON).body("{\"broken\":")
                .post("/api/genesis/publish/hxo.alert").then().statusCode(400)
                .contentType(containsString("application/problem+json"));
    }
}
