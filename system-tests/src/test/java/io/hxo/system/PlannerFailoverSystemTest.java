package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.cas.ShardId;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Two planner instances share a plan's shards; the one that owns the plan is killed with SIGKILL
 * half-way. The other takes the partition over, resumes from the checkpoints, and finishes with the
 * root the plan's inputs determine; only shards that were in flight run twice.
 */
@Order(50)
@ExtendWith(Suite.class)
class PlannerFailoverSystemTest {
    static final int SHARDS = 400;
    static final int WINDOW = 8;
    static final String SECOND = "failover-b";

    @Test
    void killingThePlansOwnerHalfwayLosesNothingAndKeepsTheRoot() throws Exception {
        Process second = startSecondPlanner();
        try (KafkaTestClient kafka = Suite.kafka();
                KafkaConsumer<String, byte[]> beats = kafka.tail(Topic.FEDERATION_HEARTBEAT);
                KafkaConsumer<String, byte[]> results = kafka.tail(Topic.HXO_SHARD_RESULTS)) {
            Map<String, Long> masks = awaitTwoOwners(beats);

            String salt = UUID.randomUUID().toString();
            String plan = "{\"name\":\"failover\",\"constraints\":{\"max_concurrency\":" + WINDOW + ",\"dispatch_window\":" + WINDOW + "},\"stages\":[{\"id\":\"s\","
                    + "\"kind\":\"test.sleep\",\"config\":{\"count\":" + SHARDS + ",\"sleep_ms\":40,\"salt\":\"" + salt + "\"}}]}";
            HttpResponse<String> accepted = Suite.post("/api/hxo/create-and-submit", "Bearer " + Suite.ADMIRAL, plan);
            assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
            String planId = Json.tree(accepted.body().getBytes()).get("plan_id").asText();
            String owner = ownerOf(planId, masks);

            await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(100))
                    .until(() -> Suite.doneShards(planId) >= SHARDS / 2);
            killOwner(owner, second);
            long killedAt = System.currentTimeMillis();

            await().atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(500)).until(() ->
                    "certified".equals(Suite.planStatus(planId).path("status").asText()));
            JsonNode finished = Suite.planStatus(planId);
            assertThat(finished.path("shards").path("done").asLong()).isEqualTo(SHARDS);
            assertThat(finished.path("merkle_root").asText()).isEqualTo(expectedRoot(salt));

            // Every result published for the plan: each shard ran once, but for those in flight at the kill.
            List<ShardWork.Result> all = new ArrayList<>();
            long quiet = System.nanoTime();
            while (System.nanoTime() - quiet < Duration.ofSeconds(2).toNanos()) {
                for (ConsumerRecord<String, byte[]> rec : results.poll(Duration.ofMillis(200))) {
                    CloudEvent ev = KafkaBinding.fromRecord(rec);
                    if (planId.equals(ev.subject())) {
                        all.addAll(ev.dataAs(ShardWork.ResultBatch.class).results());
                        quiet = System.nanoTime();
                    }
                }
            }
            // The bound: the shards in flight at the kill, whose tasks are redelivered to the survivor
            // and which the new owner may dispatch again too; everything the dead owner had not
            // checkpointed is taken from the results it left on the broker, not run again.
            long ok = all.stream().filter(ShardWork.Result::ok).count();
            Map<Integer, List<String>> runsOf = new java.util.TreeMap<>();
            all.stream().filter(ShardWork.Result::ok).forEach(r -> runsOf.computeIfAbsent(r.index(), k -> new ArrayList<>())
                    .add(r.worker() + "@" + (r.startedAt() - killedAt) + "#" + r.attempt()));
            runsOf.values().removeIf(l -> l.size() < 2);
            System.out.printf("failover: %d shards executed twice (bound %d): %s%n", ok - SHARDS, 2L * WINDOW, runsOf);
            assertThat(ok - SHARDS).as("shards executed twice: " + runsOf).isBetween(0L, 2L * WINDOW);
            Set<String> workers = new HashSet<>();
            all.stream().filter(r -> r.startedAt() < killedAt).forEach(r -> workers.add(r.worker()));
            assertThat(workers).as("both instances ran shards before the kill").hasSize(2);
        } finally {
            second.destroyForcibly();
            // Bring the suite back to what ./hxo up started, whichever planner was killed.
            Suite.Result up = Suite.hxo(Duration.ofMinutes(3), "up", "--detach", "--no-build");
            assertThat(up.exitCode()).as(up.output()).isZero();
        }
    }

    /**
     * Chaos drill (issue 25, item 5): the owner of a 200,000-shard plan ({@link ChaosDrillSystemTest#SHARDS}) of
     * {@code test.noop} in the default configuration killed with SIGKILL at about half of it, with two
     * planner instances. The survivor takes the plan over; it ends certified with every shard
     * checkpointed once, each leaf stored once by the event store, and the root of its inputs.
     */
    @Test
    void killingTheOwnerAtHalfOfA200000ShardPlanLosesAndRepeatsNothing() throws Exception {
        Process second = startSecondPlanner();
        try (KafkaTestClient kafka = Suite.kafka();
                KafkaConsumer<String, byte[]> beats = kafka.tail(Topic.FEDERATION_HEARTBEAT)) {
            Map<String, Long> masks = awaitTwoOwners(beats);
            Drills.NoopPlan plan = Drills.submitNoopPlan("chaos-kill", ChaosDrillSystemTest.SHARDS);
            long t0 = System.nanoTime();
            String owner = ownerOf(plan.planId(), masks);
            long done = Drills.awaitDone(plan.planId(), plan.shards(), 0.5, Duration.ofSeconds(300));
            killOwner(owner, second);
            long down = System.nanoTime();
            assertThat(Drills.checkpointed(plan.planId())).as("the owner dies in the middle of the plan").isLessThan(plan.shards());

            JsonNode status = Drills.awaitDecided(plan.planId(), Duration.ofSeconds(300));
            ChaosDrillSystemTest.report("owner killed (" + owner + ")", plan, done, t0, down, down);
            Drills.assertDoneExactlyOnce(plan, status);
        } finally {
            second.destroyForcibly();
            Suite.Result up = Suite.hxo(Duration.ofMinutes(3), "up", "--detach", "--no-build");
            assertThat(up.exitCode()).as(up.output()).isZero();
        }
    }

    /** The planner instance that owns the plan's partition. */
    static String ownerOf(String planId, Map<String, Long> masks) throws Exception {
        int partition = (int) Suite.count("SELECT owner_partition FROM hxo.plans WHERE plan_id = '" + planId + "'");
        return masks.entrySet().stream().filter(e -> (e.getValue() & (1L << partition)) != 0)
                .map(Map.Entry::getKey).findFirst().orElseThrow();
    }

    /** SIGKILL to the instance named {@code owner}: the second planner, or the suite's own. */
    static void killOwner(String owner, Process second) throws Exception {
        ProcessHandle victim = owner.equals(SECOND) ? second.toHandle()
                : ProcessHandle.of(Suite.pids().get("hxo-planner")).orElseThrow();
        victim.destroyForcibly();
        victim.onExit().get(10, TimeUnit.SECONDS);
    }

    /** The root SPEC section 3 defines for this plan, computed from its inputs alone. */
    static String expectedRoot(String salt) {
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < SHARDS; i++) {
            JsonNode inputs = Json.tree(Map.of("index", i, "sleep_ms", 40, "salt", salt));
            byte[] cas = ShardId.compute(HashAlg.SHA3_256, "test.sleep", "sleep", "1", inputs, List.of());
            byte[] digest = HashAlg.SHA3_256.hash(Jcs.canonicalize(Json.tree(Map.of("index", i, "slept_ms", 40))));
            leaves.add(InclusionProof.leafData(cas, digest));
        }
        return Hex.of(MerkleTree.build(HashAlg.SHA3_256, leaves).root());
    }

    static Process startSecondPlanner() throws Exception {
        Path jar = Suite.ROOT.resolve("hxo-planner/target/quarkus-app/quarkus-run.jar");
        ProcessBuilder pb = new ProcessBuilder(ProcessHandle.current().info().command().orElse("java"), "-Xmx512m",
                "-jar", jar.toString());
        pb.environment().putAll(Suite.env());
        // Ports of this suite's range, so two checkouts' system tests never meet.
        pb.environment().put("PORT", Integer.toString(Suite.GATEWAY + 11));
        pb.environment().put("HXO_MANAGEMENT_PORT", Integer.toString(Suite.GATEWAY + 1011));
        pb.environment().put("HXO_INSTANCE_ID", SECOND);
        pb.environment().put("KAFKA_BOOTSTRAP_SERVERS", "127.0.0.1:" + Suite.KAFKA);
        Path log = Suite.STATE.resolve("logs/failover-b.log");
        Files.createDirectories(log.getParent());
        pb.redirectErrorStream(true).redirectOutput(log.toFile());
        return pb.start();
    }

    /** Waits until two planner instances own partitions between them; returns instance → owned mask. */
    static Map<String, Long> awaitTwoOwners(KafkaConsumer<String, byte[]> beats) {
        Map<String, Long> masks = new HashMap<>();
        await().atMost(Duration.ofSeconds(90)).until(() -> {
            for (ConsumerRecord<String, byte[]> rec : beats.poll(Duration.ofMillis(200))) {
                CloudEvent ev = KafkaBinding.fromRecord(rec);
                Events.Heartbeat hb = ev.dataAs(Events.Heartbeat.class);
                if ("hxo-planner".equals(hb.service())) {
                    masks.put(hb.instance(), hb.load().getOrDefault("owned_partitions_mask", 0.0).longValue());
                }
            }
            long a = masks.getOrDefault(SECOND, 0L);
            long others = masks.entrySet().stream().filter(e -> !e.getKey().equals(SECOND))
                    .mapToLong(Map.Entry::getValue).reduce(0, (x, y) -> x | y);
            return a != 0 && others != 0 && (a & others) == 0 && (a | others) == 0b111111;
        });
        return masks;
    }

    static long count(Connection c, String sql) throws Exception {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }
}
