package io.hxo.genesis.dlq;

import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.publish.HxoPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Raises {@code security.rejected_event} for refused records, at most once per reason per window:
 * the first refusal of a reason alerts at once; later ones in the same window are counted and
 * reported by the next alert of that reason, so a flood of forged messages is one alert a window,
 * not one per message.
 */
@ApplicationScoped
public class RejectionAlerts {
    private final HxoPublisher publisher;
    private final Duration window;
    private final DlqGrowth growth;
    private final Map<String, Window> byReason = new ConcurrentHashMap<>();

    public RejectionAlerts(HxoPublisher publisher,
            @ConfigProperty(name = "genesis.rejection-alert-window", defaultValue = "PT60S") Duration window,
            DlqGrowth growth) {
        this.publisher = publisher;
        this.window = window;
        this.growth = growth;
    }

    private static final class Window {
        volatile Instant lastAlert = Instant.EPOCH;
        final AtomicLong unreported = new AtomicLong();
    }

    /** A dead letter was stored: alerts on its reason, and on the queue's growth ({@link DlqGrowth}). */
    public void refused(DeadLetter letter) {
        growth.stored(letter);
        Window w = byReason.computeIfAbsent(letter.reason(), r -> new Window());
        long pending = w.unreported.incrementAndGet();
        Instant now = Instant.now();
        synchronized (w) {
            if (now.isBefore(w.lastAlert.plus(window))) {
                return;
            }
            w.lastAlert = now;
            pending = w.unreported.getAndSet(0);
        }
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("reason", letter.reason());
        details.put("refused_since_last_alert", pending);
        details.put("topic", letter.topic());
        details.put("consumer", letter.consumer());
        details.put("event_source", letter.eventSource());
        details.put("event_id", letter.eventId());
        publisher.emit(Topic.HXO_ALERT, null, new Events.Alert("security.rejected_event", "high", null,
                letter.consumer(), pending + " message(s) refused (" + letter.reason() + "), last on "
                        + letter.topic() + " by " + letter.consumer(), details));
    }
}
