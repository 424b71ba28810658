package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.testing.KafkaTestClient;
import io.hxo.contracts.topic.Topic;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Link health from outside: arie-auditor is stopped, its link goes degraded and then down within
 * {@code HXO_FEDERATION_TIMEOUT} (+ one heartbeat), with one {@code federation.degraded} alert;
 * started again, it is healthy and one {@code federation.recovered} follows.
 */
@Order(40)
@ExtendWith(Suite.class)
class LinkHealthSystemTest {
    static final String ARIE = "arie-auditor";
    /** The suite runs with the default HXO_FEDERATION_TIMEOUT (5000 ms) and 1 s heartbeats. */
    static final Duration DOWN_WITHIN = Duration.ofMillis(5000 + 1000);

    @Test
    void stoppingArieDegradesThenDownsItsLinkWithOneAlertAndStartingItRecovers() throws Exception {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                .until(() -> "healthy".equals(link(ARIE).path("state").asText()));
        JsonNode healthy = link(ARIE);
        assertThat(healthy.path("rtt_ms").path("samples").asLong()).as("pings answered: %s", healthy).isPositive();
        assertThat(healthy.path("rtt_ms").path("p99").isNumber()).as(healthy.toString()).isTrue();
        assertThat(healthy.path("schema_versions").size()).isEqualTo(1);

        try (KafkaTestClient kafka = Suite.kafka(); KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.HXO_ALERT)) {
            List<Events.Alert> arieAlerts = new ArrayList<>();
            ProcessHandle arie = ProcessHandle.of(Suite.pids().get(ARIE)).orElseThrow();
            arie.destroy();
            arie.onExit().get(30, TimeUnit.SECONDS);
            long stoppedAt = System.nanoTime();

            List<String> states = new ArrayList<>();
            await().atMost(DOWN_WITHIN.plusSeconds(2)).pollInterval(Duration.ofMillis(100)).until(() -> {
                String s = link(ARIE).path("state").asText();
                if (states.isEmpty() || !states.get(states.size() - 1).equals(s)) {
                    states.add(s);
                }
                return s.equals("down");
            });
            Duration tookToDown = Duration.ofNanos(System.nanoTime() - stoppedAt);
            assertThat(states).as("states seen after the stop").contains("degraded").endsWith("down");
            // The judge runs every second; polling adds at most its own interval on top.
            assertThat(tookToDown).isLessThanOrEqualTo(DOWN_WITHIN.plusSeconds(1));

            drain(alerts, arieAlerts, Duration.ofSeconds(3));
            assertThat(arieAlerts).extracting(Events.Alert::type).containsExactly("federation.degraded");
            assertThat(arieAlerts.get(0).service()).isEqualTo(ARIE);

            Suite.Result up = Suite.hxo(Duration.ofMinutes(3), "up", "--detach", "--no-build");
            assertThat(up.exitCode()).as(up.output()).isZero();
            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(250))
                    .until(() -> "healthy".equals(link(ARIE).path("state").asText()));
            await().atMost(Duration.ofSeconds(10)).until(() -> {
                drain(alerts, arieAlerts, Duration.ofMillis(200));
                return arieAlerts.size() >= 2;
            });
            drain(alerts, arieAlerts, Duration.ofSeconds(2));
            assertThat(arieAlerts).extracting(Events.Alert::type)
                    .containsExactly("federation.degraded", "federation.recovered");
        }
    }

    static JsonNode link(String service) throws Exception {
        HttpResponse<String> r = Suite.get("/api/hxo/links/health", "Bearer " + Suite.CAPTAIN);
        assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
        for (JsonNode l : Json.tree(r.body().getBytes()).path("links")) {
            if (service.equals(l.path("service").asText())) {
                return l;
            }
        }
        throw new AssertionError("no link " + service + " in " + r.body());
    }

    /** Reads hxo.alert for a while, keeping the federation alerts about arie-auditor. */
    static void drain(KafkaConsumer<String, byte[]> alerts, List<Events.Alert> into, Duration during) {
        long end = System.nanoTime() + during.toNanos();
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, byte[]> rec : alerts.poll(Duration.ofMillis(100))) {
                CloudEvent ev = io.hxo.contracts.event.KafkaBinding.fromRecord(rec);
                Events.Alert a = KafkaTestClient.data(ev, Events.Alert.class);
                if (ARIE.equals(a.service()) && a.type().startsWith("federation.")) {
                    into.add(a);
                }
            }
        }
    }
}
