package io.hxo.gateway;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * The gateway's consensus rounds on a real broker: validators' votes are published here by
 * stand-ins carrying each validator's own source, as the services would.
 */
@QuarkusTest
class ConsensusTest {
    static final String ROOT = "1f".repeat(32);

    static void vote(KafkaTestClient kafka, String validator, String planId, String root) {
        try (HxoPublisher p = kafka.publisherAs(validator)) {
            p.emit(Topic.HXO_AGGREGATE_VOTE, planId, new Events.Vote(planId, validator, "stand-in", root, 8,
                    "sha3-256", null, Instant.now())).join();
        }
    }

    static void ready(KafkaTestClient kafka, String planId) {
        kafka.publisher.emit(Topic.HXO_AGGREGATE_READY, planId,
                new Events.AggregateReady(planId, ROOT, 8, "sha3-256", Instant.now())).join();
    }

    @Test
    void threeAgreeingVotesCertifyWithEverySignedVoteInTheCertificate() {
        String planId = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaConsumer<String, byte[]> finalized = kafka.tail(Topic.HXO_AGGREGATE_FINALIZED)) {
            ready(kafka, planId);
            for (String v : List.of("hxo-planner", "genesis-bus", "arie-auditor")) {
                vote(kafka, v, planId, ROOT);
            }
            CloudEvent ev = KafkaTestClient.await(finalized, e -> planId.equals(e.subject()), Duration.ofSeconds(20));
            Events.Certificate cert = ev.dataAs(Events.Certificate.class);
            assertThat(cert.outcome()).isEqualTo("certified");
            assertThat(cert.mode()).isEqualTo("HARMONIC");
            assertThat(cert.merkleRoot()).isEqualTo(ROOT);
            assertThat(cert.votes()).extracting(Events.SignedVote::validator)
                    .containsExactlyInAnyOrder("hxo-planner", "genesis-bus", "arie-auditor");
            assertThat(cert.votes()).allSatisfy(v -> assertThat(v.signature()).matches("[0-9a-f]{64}"));
            assertThat(cert.missing()).isEmpty();
        }
    }

    @Test
    void aDifferentRootIsACertificationFailureAndAMissingVoteAConsensusFailure() {
        String split = UUID.randomUUID().toString();
        String silent = UUID.randomUUID().toString();
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaConsumer<String, byte[]> failed = kafka.tail(Topic.HXO_AGGREGATE_FAILED);
                KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.HXO_ALERT)) {
            ready(kafka, split);
            vote(kafka, "hxo-planner", split, ROOT);
            vote(kafka, "genesis-bus", split, ROOT);
            vote(kafka, "arie-auditor", split, "2e".repeat(32));
            ready(kafka, silent);
            vote(kafka, "hxo-planner", silent, ROOT);
            vote(kafka, "genesis-bus", silent, ROOT);
            // A vote in arie-auditor's name from someone else does not count.
            try (HxoPublisher impostor = kafka.publisherAs("planner-test")) {
                impostor.emit(Topic.HXO_AGGREGATE_VOTE, silent, new Events.Vote(silent, "arie-auditor", "x", ROOT, 8,
                        "sha3-256", null, Instant.now())).join();
            }

            List<CloudEvent> outcomes = KafkaTestClient.collect(failed, l -> l.stream()
                    .filter(e -> split.equals(e.subject()) || silent.equals(e.subject())).count() == 2,
                    Duration.ofSeconds(30));
            Events.Certificate disagreement = outcomes.stream().filter(e -> split.equals(e.subject())).findFirst()
                    .orElseThrow().dataAs(Events.Certificate.class);
            assertThat(disagreement.outcome()).isEqualTo("disagreement");
            Events.Certificate timeout = outcomes.stream().filter(e -> silent.equals(e.subject())).findFirst()
                    .orElseThrow().dataAs(Events.Certificate.class);
            assertThat(timeout.outcome()).isEqualTo("timeout");
            assertThat(timeout.missing()).containsExactly("arie-auditor");

            List<CloudEvent> raised = KafkaTestClient.collect(alerts, l -> l.stream()
                    .filter(e -> split.equals(e.subject()) || silent.equals(e.subject())).count() == 2,
                    Duration.ofSeconds(10));
            assertThat(raised.stream().filter(e -> split.equals(e.subject())).findFirst().orElseThrow()
                    .dataAs(Events.Alert.class).type()).isEqualTo("certification.failure");
            assertThat(raised.stream().filter(e -> silent.equals(e.subject())).findFirst().orElseThrow()
                    .dataAs(Events.Alert.class).type()).isEqualTo("consensus.failure");
        }
    }
}
