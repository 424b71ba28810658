package io.hxo.genesis.dlq;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.junit.QuarkusTestProfile;
import io.quarkus.test.junit.TestProfile;
import io.restassured.RestAssured;
import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Forged records on the bus: each is refused, counted under its reason in {@code /q/metrics} (read
 * on the management port, without a token), and more than the threshold within the window raises
 * one {@code dlq.growth} alert. Its own profile (threshold 3), so other tests' dead letters do not
 * share its window.
 */
@QuarkusTest
@TestProfile(DlqGrowthTest.SmallThreshold.class)
class DlqGrowthTest {
    public static class SmallThreshold implements QuarkusTestProfile {
        @Override
        public Map<String, String> getConfigOverrides() {
            return Map.of("genesis.dlq-growth.threshold", "3", "genesis.dlq-growth.window-seconds", "600");
        }
    }

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @org.eclipse.microprofile.config.inject.ConfigProperty(name = "hxo.instance-id")
    String instance;

    static final Pattern UNKNOWN_KEY = Pattern.compile(
            "(?m)^hxo_kafka_refused_total\\{reason=\"unknown_key\",service=\"genesis-bus\"} ([0-9.E]+)$");

    double refusedUnknownKey() {
        String body = RestAssured.given().when().get(metrics).then().statusCode(200).extract().asString();
        Matcher m = UNKNOWN_KEY.matcher(body);
        assertThat(m.find()).as("hxo_kafka_refused_total for unknown_key in\n" + body).isTrue();
        return Double.parseDouble(m.group(1));
    }

    @Test
    void forgedRecordsAreCountedByReasonAndTheirGrowthRaisesOneAlert() throws Exception {
        double before = refusedUnknownKey();
        String subject = "dlq-growth-" + UUID.randomUUID();
        try (KafkaTestClient intruder = new KafkaTestClient(KafkaTestClient.bootstrap(),
                "an-intruders-own-secret-0123456789abcdef")) {
            for (int i = 0; i < 5; i++) {
                CloudEvent ev = intruder.publisher.event("hxo.alert", subject,
                        new Events.Alert("guardian.halt", "critical", subject, "intruder", "fake " + i, Map.of()));
                intruder.publisher.publish(Topic.HXO_ALERT, ev).join();
            }
        }
        await().atMost(Duration.ofSeconds(60)).until(() -> refusedUnknownKey() >= before + 5);
        // More than three dead letters within the window (these five, and any an earlier test class left
        // for this instance to store at its start): one dlq.growth alert from this instance, not one per letter.
        String source = "/genesis-bus/" + instance;
        try (KafkaTestClient kafka = new KafkaTestClient(); var all = kafka.rawFromBeginning(Topic.HXO_ALERT)) {
            List<CloudEvent> growth = KafkaTestClient.collect(all, got -> false, Duration.ofSeconds(10)).stream()
                    .filter(ev -> ev.source().equals(source))
                    .filter(ev -> ev.dataAs(Events.Alert.class).type().equals("dlq.growth")).toList();
            assertThat(growth).hasSize(1);
            Events.Alert alert = growth.get(0).dataAs(Events.Alert.class);
            assertThat(alert.service()).isEqualTo("genesis-bus");
            assertThat(alert.details()).containsEntry("threshold", 3);
            assertThat(growth.get(0).dataSchema()).isEqualTo("urn:hxo:schema:hxo.alert");
        }
    }
}
