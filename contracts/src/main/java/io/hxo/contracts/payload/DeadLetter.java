package io.hxo.contracts.payload;

import java.time.Instant;
import java.util.Map;

/** A record a consumer refused, as written to {@code genesis.dlq}: where it was, why, and what it said. */
public record DeadLetter(
        String reason,
        String topic,
        int partition,
        long offset,
        String consumer,
        String group,
        String eventId,
        String eventSource,
        String eventType,
        String key,
        Map<String, String> headers,
        String valueBase64,
        Instant refusedAt) {
}
