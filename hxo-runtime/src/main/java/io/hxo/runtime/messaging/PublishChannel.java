package io.hxo.runtime.messaging;

import io.hxo.runtime.publish.HxoPublisher;
import io.smallrye.reactive.messaging.ClientCustomizer;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.config.Config;

/**
 * The outgoing channel every service's {@link HxoPublisher} sends through, declared once for all four
 * services in hxo-runtime's {@code META-INF/microprofile-config.properties} (connector, serializers,
 * {@code acks}, client id). SmallRye makes its producer, so Quarkus binds the producer's client
 * metrics ({@code kafka_producer_*}, tagged with its client id) and the channel's health like those of
 * every consumer.
 *
 * <p>This customizer gives that producer exactly the settings {@link HxoPublisher#producerConfig}
 * chooses (idempotence, lz4, the 1 ms linger and its batch size, the request size, how long a send
 * may block, the delivery timeout the service maps, the zero-trust interceptor), over the client
 * configuration SmallRye has merged (the {@code kafka.*} keys, which still override the tuning, as
 * they did for the publisher's own producer).
 */
@ApplicationScoped
public class PublishChannel implements ClientCustomizer<Map<String, Object>> {
    /** The channel's name; its producer's client id is {@code hxo-publish-<service>}. */
    public static final String NAME = "hxo-publish";

    @Override
    public Map<String, Object> customize(String channel, Config channelConfig, Map<String, Object> config) {
        if (!NAME.equals(channel)) {
            return config;
        }
        Map<String, Object> out = new LinkedHashMap<>();
        // SmallRye reads some values back as strings (its sink's own view of the configuration); Kafka
        // takes every setting as a string too.
        HxoPublisher.producerConfig(config).forEach((k, v) -> out.put(k, String.valueOf(v)));
        return out;
    }
}
