package io.hxo.arie.facts;

import io.hxo.arie.config.ArieConfig;
import io.hxo.contracts.payload.Events;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The latest sanitized config facts of every service, from {@code federation.heartbeat}: what the
 * config rules read. Keyed by service (instances of one service share its configuration), so a
 * finding keeps its fingerprint across restarts.
 */
@ApplicationScoped
public class FactsBook {
    record Seen(Map<String, Object> facts, Instant at) {
    }

    private final Map<String, Seen> latest = new ConcurrentHashMap<>();
    private final long maxAgeMs;

    public FactsBook(ArieConfig config) {
        this.maxAgeMs = config.arie().factsMaxAgeMs();
    }

    /** A heartbeat, read by hxo-runtime's converter; an unreadable one is logged and skipped (skip-unreadable). */
    @Incoming("heartbeats")
    public void onHeartbeat(Events.Heartbeat hb) {
        if (hb.service() != null && hb.facts() != null) {
            latest.put(hb.service(), new Seen(new java.util.LinkedHashMap<>(hb.facts()), Instant.now()));
        }
    }

    /** Service → facts, for every service heard from within {@code hxo.arie.facts-max-age-ms}. */
    public Map<String, Map<String, Object>> current() {
        Instant cutoff = Instant.now().minusMillis(maxAgeMs);
        Map<String, Map<String, Object>> out = new TreeMap<>();
        latest.forEach((service, seen) -> {
            if (seen.at().isAfter(cutoff)) {
                out.put(service, seen.facts());
            }
        });
        return out;
    }
}
