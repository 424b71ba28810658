package io.hxo.genesis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.messaging.PublishChannel;
import io.hxo.runtime.testing.KafkaTestClient;
import io.hxo.testing.KafkaClientSeries;
import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.RestAssured;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.inject.Inject;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Every Kafka client of the bus has its client metrics in {@code /q/metrics} (management port), under
 * its client id: the publisher's producer (SmallRye's, on the {@code hxo-publish} channel), each
 * consumer SmallRye made for its channels, and the dead-letter producer a consumer's zero-trust
 * interceptor makes when it refuses a record.
 */
@QuarkusTest
class KafkaClientMetricsTest {
    static final String SERVICE = "genesis-bus";

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Inject
    KafkaClientService clients;

    String scrape() {
        return RestAssured.given().when().get(metrics).then().statusCode(200).extract().asString();
    }

    @Test
    void everyKafkaClientHasItsProducerOrConsumerSeries() {
        assertThat(clients.getProducerChannels()).containsExactly(PublishChannel.NAME);
        assertThat(clients.getConsumerChannels())
                .containsExactlyInAnyOrder("events", "aggregate-ready", "terc", "genesis-commands");
        List<String> consumers = new ArrayList<>();
        for (String channel : clients.getConsumerChannels()) {
            clients.getConsumers(channel)
                    .forEach(c -> consumers.add(String.valueOf(c.configuration().get("client.id"))));
        }
        assertThat(consumers).hasSizeGreaterThanOrEqualTo(4);

        // An unsigned record on the channel's topic makes the refusing consumer's dead-letter producer
        // (KafkaClientSeries.sendUnsigned says why unsigned). Sent each round until that consumer has joined.
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).untilAsserted(() -> {
            KafkaClientSeries.sendUnsigned(KafkaTestClient.bootstrap(), Topic.GENESIS_COMMANDS.topicName());
            KafkaClientSeries.assertServiceClients(scrape(), SERVICE, consumers);
        });
    }
}
