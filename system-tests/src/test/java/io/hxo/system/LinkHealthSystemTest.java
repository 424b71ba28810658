package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
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

        try (KafkaTestClient kafka = Suite.kafka(); KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.HXO_ALERT);
                StateWatch watch = new StateWatch(ARIE)) {
            List<Events.Alert> arieAlerts = new ArrayList<>();
            ProcessHandle arie = ProcessHandle.of(Suite.pids().get(ARIE)).orElseThrow();
            // Watch from the moment the stop is asked: a graceful shutdown stops the heartbeats first
            // and may take seconds more to exit, so the link can be degraded before the process is gone.
            watch.start();
            arie.destroy();
            arie.onExit().get(30, TimeUnit.SECONDS);
            long exitedAt = System.nanoTime();

            await().atMost(DOWN_WITHIN.plusSeconds(2)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "down".equals(watch.last()));
            List<String> states = watch.states();
            assertThat(states).as("states seen after the stop").contains("degraded").endsWith("down");
            // Counted from the exit, which is after the last heartbeat: the judge runs every second
            // and the watch polls every 100 ms on top.
            Duration tookToDown = Duration.ofNanos(watch.downAt() - exitedAt);
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
        } finally {
            // Later tests need the whole suite, whatever happened above (up is a no-op when all run).
            Suite.Result up = Suite.hxo(Duration.ofMinutes(3), "up", "--detach", "--no-build");
            assertThat(up.exitCode()).as(up.output()).isZero();
        }
    }

    /** Polls one link's state every 100 ms on its own thread, keeping each change and when "down" came. */
    static final class StateWatch implements AutoCloseable {
        private final String service;
        private final List<String> states = new CopyOnWriteArrayList<>();
        private final ScheduledExecutorService timer =
                Executors.newSingleThreadScheduledExecutor();
        private volatile long downAt;

        StateWatch(String service) {
            this.service = service;
        }

        void start() {
            timer.scheduleWithFixedDelay(() -> {
                try {
                    String s = link(service).path("state").asText();
                    if (states.isEmpty() || !states.get(states.size() - 1).equals(s)) {
                        states.add(s);
                        if (s.equals("down")) {
                            downAt = System.nanoTime();
                        }
                    }
                } catch (Exception | AssertionError e) {
                    // a slow answer is retried at the next tick
                }
            }, 0, 100, TimeUnit.MILLISECONDS);
        }

        String last() {
            return states.isEmpty() ? null : states.get(states.size() - 1);
        }

        List<String> states() {
            return List.copyOf(states);
        }

        long downAt() {
            return downAt;
        }

        @Override
        public void close() {
            timer.shutdownNow();
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
