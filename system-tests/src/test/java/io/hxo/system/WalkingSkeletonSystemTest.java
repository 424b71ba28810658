package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/** The walking skeleton of issue 2, end to end through the four running services. */
@Order(1)
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class WalkingSkeletonSystemTest {
    static final String ADMIRAL = "Bearer " + Suite.ADMIRAL;
    static String planId;
    static JsonNode finalStatus;

    @Test
    @Order(1)
    void everyPeerLinkIsHealthy() {
        await().atMost(Duration.ofSeconds(30)).untilAsserted(() -> {
            HttpResponse<String> r = Suite.get("/api/hxo/links/health", "Bearer " + Suite.CAPTAIN);
            assertThat(r.statusCode()).isEqualTo(200);
            Map<String, String> states = new TreeMap<>();
            for (JsonNode l : Json.tree(r.body().getBytes()).get("links")) {
                states.put(l.get("service").asText(), l.get("state").asText());
            }
            assertThat(states).containsEntry("hxo-planner", "healthy").containsEntry("genesis-bus", "healthy")
                    .containsEntry("arie-auditor", "healthy");
        });
    }

    @Test
    @Order(2)
    void aThousandShardPlanIsCertifiedWithARootAnyoneCanRecompute() throws Exception {
        String plan = "{\"name\":\"skeleton\",\"stages\":[{\"id\":\"noop\",\"kind\":\"test.noop\",\"config\":{\"count\":1000}}]}";
        HttpResponse<String> accepted = Suite.post("/api/hxo/create-and-submit", ADMIRAL, plan);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        planId = Json.tree(accepted.body().getBytes()).get("plan_id").asText();
        assertThat(accepted.headers().firstValue("Location")).hasValueSatisfying(
                l -> assertThat(l).endsWith("/api/hxo/status/" + planId));

        await().atMost(Duration.ofSeconds(120)).pollInterval(Duration.ofMillis(300)).until(() -> {
            HttpResponse<String> r = Suite.get("/api/hxo/status/" + planId, ADMIRAL);
            finalStatus = Json.tree(r.body().getBytes());
            return !List.of("accepted", "running", "completed").contains(finalStatus.path("status").asText());
        });
        assertThat(finalStatus.path("status").asText()).as(finalStatus.toString()).isEqualTo("certified");
        assertThat(finalStatus.get("total_shards").asLong()).isEqualTo(1000);
        assertThat(finalStatus.get("shards").get("done").asLong()).isEqualTo(1000);
        String root = finalStatus.get("merkle_root").asText();
        assertThat(Hex.isHash(root)).isTrue();

        // The leaves the planner reported, folded by contracts alone, give the same root.
        Map<Integer, Events.Leaf> leaves = new TreeMap<>();
        try (KafkaTestClient kafka = Suite.kafka(); KafkaConsumer<String, byte[]> done = kafka.fromBeginning(Topic.HXO_SHARD_DONE)) {
            KafkaTestClient.collect(done, events -> {
                for (CloudEvent ev : events) {
                    Events.ShardsDone d = KafkaTestClient.data(ev, Events.ShardsDone.class);
                    if (d.planId().equals(planId)) {
                        d.leaves().forEach(l -> leaves.put(l.index(), l));
                    }
                }
                events.clear();
                return leaves.size() == 1000;
            }, Duration.ofSeconds(30));
        }
        assertThat(leaves.keySet()).hasSize(1000).first().isEqualTo(0);
        List<byte[]> data = new ArrayList<>();
        leaves.values().forEach(l -> data.add(InclusionProof.leafData(Hex.parseHash(l.casId()), Hex.parseHash(l.outputDigest()))));
        HashAlg alg = HashAlg.fromWire(finalStatus.get("hash_alg").asText());
        assertThat(Hex.of(MerkleTree.build(alg, data).root())).isEqualTo(root);

        // Three validators, each from its own source of the leaves, voted that root; the gateway certified it.
        HttpResponse<String> c = Suite.get("/api/hxo/plan/" + planId + "/certificate", ADMIRAL);
        assertThat(c.statusCode()).as(c.body()).isEqualTo(200);
        Events.Certificate cert = Json.read(c.body(), Events.Certificate.class);
        assertThat(cert.outcome()).isEqualTo("certified");
        assertThat(cert.mode()).isEqualTo("HARMONIC");
        assertThat(cert.merkleRoot()).isEqualTo(root);
        assertThat(cert.votes()).extracting(Events.SignedVote::validator)
                .containsExactlyInAnyOrder("hxo-planner", "genesis-bus", "arie-auditor");
        assertThat(cert.votes()).allSatisfy(v -> assertThat(v.merkleRoot()).isEqualTo(root));
        assertThat(finalStatus.path("certificate").path("outcome").asText()).isEqualTo("certified");
    }

    @Test
    @Order(5)
    void aRootTheValidatorsCannotReproduceIsACertificationFailure() throws Exception {
        // A ready announcement for leaves nobody produced: every validator recomputes and disagrees.
        String fake = java.util.UUID.randomUUID().toString();
        try (KafkaTestClient kafka = Suite.kafka(); KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.HXO_ALERT)) {
            kafka.publisher.emit(Topic.HXO_AGGREGATE_READY, fake, new Events.AggregateReady(fake, "ab".repeat(32), 3,
                    "sha3-256", java.time.Instant.now())).join();
            CloudEvent ev = KafkaTestClient.await(alerts, e -> fake.equals(e.subject()), Duration.ofSeconds(30));
            Events.Alert alert = ev.dataAs(Events.Alert.class);
            assertThat(alert.type()).isEqualTo("certification.failure");
            assertThat(alert.service()).isEqualTo("federation-gateway");
        }
    }

    @Test
    @Order(3)
    void genesisStoredEveryEventOfThePlanExactlyOnce() throws Exception {
        // Everything published about the plan, read from the broker itself.
        Set<String> published = new HashSet<>();
        try (KafkaTestClient kafka = Suite.kafka()) {
            for (Topic t : List.of(Topic.HXO_PLAN, Topic.HXO_SHARD_CREATED, Topic.HXO_SHARD_DONE, Topic.HXO_AGGREGATE_READY,
                    Topic.HXO_AGGREGATE_VOTE, Topic.HXO_AGGREGATE_FINALIZED)) {
                try (KafkaConsumer<String, byte[]> c = kafka.fromBeginning(t)) {
                    for (int empty = 0; empty < 3; ) {
                        var batch = c.poll(Duration.ofMillis(300));
                        empty = batch.isEmpty() ? empty + 1 : 0;
                        for (ConsumerRecord<String, byte[]> rec : batch) {
                            CloudEvent ev = KafkaBinding.fromRecord(rec);
                            if (planId.equals(ev.subject())) {
                                published.add(ev.source() + " " + ev.id());
                            }
                        }
                    }
                }
            }
        }
        assertThat(published).hasSizeGreaterThan(4);
        await().atMost(Duration.ofSeconds(30)).until(() ->
                Suite.count("SELECT count(*) FROM genesis.events WHERE subject = '" + planId + "'") >= published.size());
        Set<String> stored = new HashSet<>();
        List<String> rows = new ArrayList<>();
        try (Connection c = Suite.db(); Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT source, id FROM genesis.events WHERE subject = '" + planId + "'")) {
            while (rs.next()) {
                rows.add(rs.getString(1) + " " + rs.getString(2));
            }
        }
        stored.addAll(rows);
        assertThat(rows).hasSameSizeAs(stored); // no event twice
        assertThat(stored).isEqualTo(published);
    }

    @Test
    @Order(4)
    void noTokenIs401AndMalformedJsonIs400WithNothingPersisted() throws Exception {
        HttpResponse<String> anonymous = Suite.get("/api/hxo/status/" + planId, null);
        assertThat(anonymous.statusCode()).isEqualTo(401);
        assertThat(anonymous.headers().firstValue("Content-Type")).hasValue("application/problem+json");

        long plans = Suite.count("SELECT count(*) FROM hxo.plans");
        HttpResponse<String> malformed = Suite.post("/api/hxo/create-and-submit", ADMIRAL, "{\"name\": \"broken\", ");
        assertThat(malformed.statusCode()).isEqualTo(400);
        assertThat(malformed.headers().firstValue("Content-Type")).hasValue("application/problem+json");
        JsonNode problem = Json.tree(malformed.body().getBytes());
        assertThat(problem.get("status").asInt()).isEqualTo(400);
        assertThat(problem.get("title").asText()).isNotBlank();
        assertThat(malformed.body()).doesNotContain("Exception").doesNotContain("\tat ");
        assertThat(Suite.count("SELECT count(*) FROM hxo.plans")).isEqualTo(plans);
    }
}
