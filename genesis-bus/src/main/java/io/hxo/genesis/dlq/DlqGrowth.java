package io.hxo.genesis.dlq;

import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.genesis.config.GenesisConfig;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Raises {@code dlq.growth} (SPEC §2) when the dead-letter queue grows faster than normal: more than
 * {@code GENESIS_DLQ_GROWTH_THRESHOLD} dead letters stored within {@code GENESIS_DLQ_GROWTH_WINDOW_SECONDS},
 * at most once per window. The alert says how many arrived and, per reason, what they were since the
 * last alert.
 */
@ApplicationScoped
public class DlqGrowth {
    private final HxoPublisher publisher;
    private final GenesisConfig.DlqGrowth config;
    private final GrowthWindow window;
    private final Map<String, AtomicLong> byReason = new ConcurrentHashMap<>();

    public DlqGrowth(HxoPublisher publisher, GenesisConfig config) {
        this.publisher = publisher;
        this.config = config.dlqGrowth();
        this.window = new GrowthWindow(this.config.threshold(), Duration.ofSeconds(this.config.windowSeconds()));
    }

    /** A dead letter was stored. */
    void stored(DeadLetter letter) {
        byReason.computeIfAbsent(letter.reason(), r -> new AtomicLong()).incrementAndGet();
        if (!window.arrived(Instant.now())) {
            return;
        }
        Map<String, Object> reasons = new LinkedHashMap<>();
        byReason.forEach((reason, n) -> reasons.put(reason, n.getAndSet(0)));
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("threshold", config.threshold());
        details.put("window_seconds", config.windowSeconds());
        details.put("by_reason_since_last_alert", reasons);
        details.put("last_topic", letter.topic());
        details.put("last_consumer", letter.consumer());
        String message = "more than " + config.threshold() + " dead letters within " + config.windowSeconds()
                + " s (last: " + letter.reason() + " on " + letter.topic() + ")";
        Log.warnf("dlq.growth: %s", message);
        publisher.emit(Topic.HXO_ALERT, null, new Events.Alert("dlq.growth", "warning", null, "genesis-bus",
                message, details));
    }
}
