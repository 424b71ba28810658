package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Rolling restart drill: two planner instances ({@code HXO_PLANNER_INSTANCES=2}); while a plan runs,
 * each is stopped gracefully (SIGTERM: it drains, checkpoints, leaves its groups) and started again
 * in turn. The plan completes with every shard counted once and the root its inputs determine.
 */
@Order(40)
@ExtendWith(Suite.class)
class RollingRestartSystemTest {
    static final Map<String, String> TWO_PLANNERS = Map.of("HXO_PLANNER_INSTANCES", "2");
    static final int SHARDS = 1200;

    @Test
    void restartingEachPlannerInTurnDuringAPlanLosesNothingAndKeepsTheRoot() throws Exception {
        try (KafkaTestClient kafka = Suite.kafka();
                KafkaConsumer<String, byte[]> beats = kafka.tail(Topic.FEDERATION_HEARTBEAT)) {
            up();
            awaitTwoOwners(beats);
            Drills.SleepPlan plan = Drills.submitSleepPlan("rolling-restart", SHARDS, 100, 4);
            await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Suite.doneShards(plan.planId()) >= 40);

            for (String instance : new String[] {"hxo-planner", "hxo-planner-2"}) {
                assertThat(Suite.planStatus(plan.planId()).path("status").asText())
                        .as("the plan still runs when %s restarts", instance).isEqualTo("running");
                ProcessHandle p = ProcessHandle.of(Suite.pids().get(instance)).orElseThrow();
                assertThat(p.destroy()).isTrue(); // SIGTERM: graceful
                p.onExit().get(60, TimeUnit.SECONDS);
                up();
                awaitTwoOwners(beats);
            }

            await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(500))
                    .until(() -> "certified".equals(Suite.planStatus(plan.planId()).path("status").asText()));
            JsonNode finished = Suite.planStatus(plan.planId());
            assertThat(finished.path("total_shards").asLong()).isEqualTo(SHARDS);
            assertThat(finished.path("shards").path("done").asLong()).isEqualTo(SHARDS);
            assertThat(finished.path("shards").path("failed").asLong()).isZero();
            assertThat(Suite.count("SELECT count(*) FROM hxo.plans WHERE plan_id = '" + plan.planId()
                    + "' AND done_shards = " + SHARDS)).isEqualTo(1);
            assertThat(finished.path("merkle_root").asText()).isEqualTo(plan.expectedRoot());
        } finally {
            // Back to one planner, as ./hxo up started the suite.
            Long second = Suite.pids().get("hxo-planner-2");
            if (second != null) {
                ProcessHandle.of(second).ifPresent(h -> {
                    h.destroy();
                    h.onExit().join();
                });
            }
            Suite.Result up = Suite.hxo(Duration.ofMinutes(3), "up", "--detach", "--no-build");
            assertThat(up.exitCode()).as(up.output()).isZero();
        }
    }

    static void up() throws Exception {
        Suite.Result up = Suite.hxo(Duration.ofMinutes(3), TWO_PLANNERS, "up", "--detach", "--no-build");
        assertThat(up.exitCode()).as(up.output()).isZero();
    }

    /**
     * Waits until two live planner instances (heard from in the last two seconds) own disjoint sets
     * of partitions that cover all six; instances that stopped drop out as their heartbeats age.
     */
    static void awaitTwoOwners(KafkaConsumer<String, byte[]> beats) {
        Map<String, Long> masks = new HashMap<>();
        Map<String, Long> heard = new HashMap<>();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            for (ConsumerRecord<String, byte[]> rec : beats.poll(Duration.ofMillis(200))) {
                Events.Heartbeat hb = KafkaBinding.fromRecord(rec).dataAs(Events.Heartbeat.class);
                if ("hxo-planner".equals(hb.service())) {
                    masks.put(hb.instance(), hb.load().getOrDefault("owned_partitions_mask", 0.0).longValue());
                    heard.put(hb.instance(), System.currentTimeMillis());
                }
            }
            long now = System.currentTimeMillis();
            var live = masks.entrySet().stream().filter(e -> now - heard.get(e.getKey()) < 2000 && e.getValue() != 0)
                    .map(Map.Entry::getValue).toList();
            return live.size() == 2 && (live.get(0) & live.get(1)) == 0 && (live.get(0) | live.get(1)) == 0b111111;
        });
    }
}
