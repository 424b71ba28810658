package io.hxo.gateway.genesis;

import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.Supplier;

/**
 * The live stream as an operator sees it: {@code hxo.sse.subscribers} (open streams on this gateway)
 * and {@code hxo.sse.delivery} (an event's age, from its CloudEvents time, when the feed hands it to
 * the live subscribers), a percentile histogram so it aggregates across gateway instances.
 */
@Singleton
public class SseMetrics {
    private final MeterRegistry registry;
    private final Timer delivery;

    public SseMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.delivery = Timer.builder("hxo.sse.delivery")
                .description("Age of an event (since its CloudEvents time) when handed to live SSE subscribers")
                .publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofSeconds(30))
                .register(registry);
    }

    void subscribers(Supplier<Number> count) {
        Gauge.builder("hxo.sse.subscribers", count).description("Open SSE subscriptions on this gateway")
                .strongReference(true).register(registry);
    }

    void delivered(List<StoredEvent> events) {
        long now = Instant.now().toEpochMilli();
        for (StoredEvent ev : events) {
            if (ev.time() != null) {
                delivery.record(Duration.ofMillis(Math.max(0, now - ev.time().toEpochMilli())));
            }
        }
    }
}
