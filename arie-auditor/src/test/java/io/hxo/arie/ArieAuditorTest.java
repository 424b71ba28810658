package io.hxo.arie;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.hasItems;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.hxo.runtime.testing.VoteFixture;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/** arie-auditor starts on the real broker and database, announces itself, and reports ready. */
@QuarkusTest
class ArieAuditorTest {

    @Test
    void announcesItselfWithItsSchemaVersionAndSanitizedFacts() {
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaConsumer<String, byte[]> beats = kafka.tail(Topic.FEDERATION_HEARTBEAT)) {
            CloudEvent ev = KafkaTestClient.await(beats, e -> "arie-auditor".equals(e.subject()), Duration.ofSeconds(15));
            Events.Heartbeat hb = KafkaTestClient.data(ev, Events.Heartbeat.class);
            assertThat(hb.service()).isEqualTo("arie-auditor");
            assertThat(hb.schemaVersion()).isEqualTo("4");
            assertThat(hb.facts()).containsEntry("hxo_zero_trust", "true");
            // Secrets are reported as facts about them, never as themselves.
            assertThat(hb.facts().values()).doesNotContain(KafkaTestClient.SECRET);
            assertThat(ev.source()).startsWith("/arie-auditor/");
        }
    }

    @Test
    void readinessCoversKafkaAndTheDatabase() {
        given().when().get("/q/health/ready").then().statusCode(200)
                .body("checks.name", hasItems("Kafka connection health check", "Reactive PostgreSQL connections health check"));
    }

    @Test
    void itVotesTheRootItFoldsFromItsOwnReadingOfTheLeaves() {
        VoteFixture plan = new VoteFixture();
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE)) {
            plan.publish(kafka);
            Events.Vote vote = plan.awaitVote(votes, "arie-auditor");
            assertThat(vote.validator()).isEqualTo("arie-auditor");
            assertThat(vote.error()).isNull();
            assertThat(vote.leafCount()).isEqualTo(6);
            assertThat(vote.merkleRoot()).isEqualTo(plan.root);
        }
    }

    @Test
    void aPlannerClockAheadOfTheBrokersStillGetsAllItsLeavesRead() {
        VoteFixture plan = new VoteFixture();
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE)) {
            // Leaves stamped 20 s before the start the planner reports: past the near margin, inside the minute.
            plan.publish(kafka, java.time.Instant.now().plusSeconds(20));
            Events.Vote vote = plan.awaitVote(votes, "arie-auditor");
            assertThat(vote.error()).isNull();
            assertThat(vote.merkleRoot()).isEqualTo(plan.root);
        }
    }

    @Test
    void leavesThatNeverReachTheBrokerAreAskedForAgainAndEnterTheVote() {
        VoteFixture plan = new VoteFixture();
        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaConsumer<String, byte[]> votes = kafka.tail(Topic.HXO_AGGREGATE_VOTE);
                KafkaConsumer<String, byte[]> commands = kafka.tail(Topic.HXO_COMMANDS)) {
            plan.publishWithLostLeaves(kafka);
            // Three of six leaves on the broker: ARIE asks the plan's owner to announce them again.
            CloudEvent ask = KafkaTestClient.await(commands, e -> plan.planId.equals(e.subject())
                    && Commands.PLAN_RESEND_LEAVES.equals(e.type()), Duration.ofSeconds(20));
            assertThat(ask.source()).startsWith("/arie-auditor/");
            plan.announceTheRest(kafka);
            Events.Vote vote = plan.awaitVote(votes, "arie-auditor");
            assertThat(vote.error()).isNull();
            assertThat(vote.merkleRoot()).isEqualTo(plan.root);
        }
    }
}
