package io.hxo.runtime.messaging;

import io.hxo.contracts.event.CloudEvent;
import java.time.Instant;

/**
 * A verified event as a consumer received it, with where it was read: for consumers that need the
 * record's position (the event store keeps topic, partition and offset) or the broker's timestamp.
 */
public record Received(String topic, int partition, long offset, Instant timestamp, CloudEvent event) {
}
