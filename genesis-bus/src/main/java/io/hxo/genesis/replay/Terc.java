package io.hxo.genesis.replay;

import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.genesis.config.HxoConfig;
import io.hxo.runtime.feed.FeedWindow;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * TERC, the temporal event replay cache: the last {@code HXO_EVENT_CACHE_LIMIT} stored events, as
 * every bus instance published them on {@code genesis.feed} (each instance reads the whole feed),
 * so history and resumes inside that range never touch the database.
 */
@ApplicationScoped
public class Terc {
    private final FeedWindow window;
    private final AtomicLong hits = new AtomicLong();
    private final AtomicLong misses = new AtomicLong();

    public Terc(HxoConfig config) {
        this.window = new FeedWindow(config.eventCacheLimit());
    }

    /** A feed record, as hxo-runtime's converter reads it (an unreadable one is logged and skipped there). */
    @Incoming("terc")
    public void onFeed(FeedBatch batch) {
        if (window.append(batch) == FeedWindow.Appended.RESTARTED && batch.prev() > 0) {
            Log.debugf("replay cache starts after seq %d", batch.prev());
        }
    }

    FeedWindow window() {
        return window;
    }

    void hit() {
        hits.incrementAndGet();
    }

    void miss() {
        misses.incrementAndGet();
    }

    public Map<String, Object> figures() {
        long h = hits.get();
        long m = misses.get();
        return Map.of("size", window.size(), "capacity", window.capacity(), "covers_after_seq", window.base(),
                "last_seq", window.last(), "hits", h, "misses", m,
                "hit_rate", h + m == 0 ? 0.0 : Math.round(h * 10000.0 / (h + m)) / 10000.0);
    }
}
