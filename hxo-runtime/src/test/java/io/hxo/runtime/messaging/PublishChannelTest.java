package io.hxo.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.runtime.zerotrust.ZeroTrustInterceptor;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The hxo-publish channel as a service gets it: declared in hxo-runtime's
 * META-INF/microprofile-config.properties (read as Quarkus reads it), and its producer's settings
 * completed by {@link PublishChannel} over the client configuration SmallRye merged.
 */
class PublishChannelTest {
    private static final String CHANNEL = "mp.messaging.outgoing.hxo-publish.";

    private static SmallRyeConfig service(Map<String, String> applicationProperties) {
        return new SmallRyeConfigBuilder()
                .addDefaultSources()
                .addDefaultInterceptors()
                .withSources(new PropertiesConfigSource(applicationProperties, "application.properties", 250))
                .build();
    }

    @Test
    void theChannelIsDeclaredOnceForEveryServiceAndNamedAfterIt() {
        SmallRyeConfig config = service(Map.of("quarkus.application.name", "genesis-bus"));
        assertThat(config.getValue(CHANNEL + "connector", String.class)).isEqualTo("smallrye-kafka");
        assertThat(config.getValue(CHANNEL + "acks", String.class)).isEqualTo("all");
        assertThat(config.getValue(CHANNEL + "client.id", String.class)).isEqualTo("hxo-publish-genesis-bus");
        assertThat(config.getValue(CHANNEL + "value.serializer", String.class))
                .isEqualTo("org.apache.kafka.common.serialization.ByteArraySerializer");
        // Kafka's own reconnect backoff unless the service's client configuration names one.
        assertThat(config.getValue(CHANNEL + "reconnect.backoff.max.ms", String.class)).isEqualTo("1000");
        assertThat(service(Map.of("quarkus.application.name", "federation-gateway",
                "kafka.reconnect.backoff.max.ms", "2500")).getValue(CHANNEL + "reconnect.backoff.max.ms", String.class))
                .isEqualTo("2500");
    }

    @Test
    void theProducerGetsThePublishersSettingsUnderTheClientConfiguration() {
        // What SmallRye hands the customizer: the channel's attributes merged with the kafka.* keys.
        Map<String, Object> merged = new HashMap<>();
        merged.put("bootstrap.servers", "127.0.0.1:9092");
        merged.put("acks", "all");
        merged.put("client.id", "hxo-publish-hxo-planner");
        merged.put("key.serializer", "org.apache.kafka.common.serialization.StringSerializer");
        merged.put("value.serializer", "org.apache.kafka.common.serialization.ByteArraySerializer");
        merged.put("hxo.seed-secret", "s");
        merged.put("hxo.delivery-timeout-ms", "20000");
        merged.put("compression.type", "zstd");
        Map<String, Object> cfg = new PublishChannel().customize(PublishChannel.NAME, null, merged);

        assertThat(cfg).containsEntry("enable.idempotence", "true").containsEntry("linger.ms", "1")
                .containsEntry("batch.size", "65536").containsEntry("max.block.ms", "10000")
                .containsEntry("interceptor.classes", ZeroTrustInterceptor.class.getName())
                .containsEntry("client.id", "hxo-publish-hxo-planner").containsEntry("acks", "all")
                .containsEntry("hxo.seed-secret", "s")
                // The client configuration's compression wins over lz4, as it did for the own producer.
                .containsEntry("compression.type", "zstd")
                // The service's delivery timeout becomes Kafka's, with a request timeout inside it.
                .containsEntry("delivery.timeout.ms", "20000").containsEntry("request.timeout.ms", "19998")
                .doesNotContainKey("hxo.delivery-timeout-ms");
        assertThat(cfg.values()).allMatch(v -> v instanceof String);
    }

    @Test
    void otherChannelsAreLeftAlone() {
        Map<String, Object> consumer = Map.of("group.id", "g", "client.id", "kafka-consumer-events");
        assertThat(new PublishChannel().customize("events", null, consumer)).isSameAs(consumer);
    }
}
