package io.hxo.runtime.messaging;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import java.time.Instant;
import org.apache.kafka.common.header.Headers;

/**
 * A verified event as a consumer received it, with where it was read: for consumers that need the
 * record's position (the event store keeps topic, partition and offset), the broker's timestamp, or
 * a header the event does not carry (the gateway keeps each vote's signature in the certificate).
 */
public record Received(String topic, int partition, long offset, Instant timestamp, CloudEvent event,
        Headers headers) {
    /** The last value of a record header as text, or null (for example {@link KafkaBinding#SIGNATURE}). */
    public String header(String name) {
        return KafkaBinding.text(headers, name);
    }
}
