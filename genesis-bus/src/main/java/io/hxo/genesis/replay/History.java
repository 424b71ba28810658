package io.hxo.genesis.replay;

import io.hxo.contracts.payload.Genesis.HistoryPage;
import io.hxo.contracts.payload.Genesis.HistoryQuery;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.contracts.payload.Genesis;
import io.hxo.genesis.feed.FeedPublisher;
import io.hxo.genesis.store.EventStore;
import io.hxo.runtime.feed.FeedWindow;
import io.hxo.runtime.feed.TopicPattern;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.function.Predicate;

/**
 * History pages by sequence, time range and topic pattern: from TERC when it covers the cursor,
 * from the store otherwise. A query with no cursor starts at the beginning, which only the store has.
 */
@ApplicationScoped
public class History {
    private final Terc terc;
    private final EventStore store;

    public History(Terc terc, EventStore store) {
        this.terc = terc;
        this.store = store;
    }

    /**
     * The answer to a query: at once from the cache, or from the store (which fails with
     * StoreUnavailableException when it cannot be read); throws IllegalArgumentException for a bad
     * pattern or range.
     */
    public Uni<HistoryPage> page(HistoryQuery q) {
        TopicPattern pattern = TopicPattern.parse(q.pattern() == null ? "*" : q.pattern());
        int limit = q.limit() <= 0 ? 100 : Math.min(q.limit(), Genesis.MAX_PAGE);
        if (q.after() != null && q.after() < 0) {
            throw new IllegalArgumentException("after must be a sequence number (0 or more)");
        }
        if (q.from() != null && q.to() != null && !q.from().isBefore(q.to())) {
            throw new IllegalArgumentException("from must be before to");
        }
        if (q.after() != null) {
            Predicate<StoredEvent> filter = ev -> pattern.matches(ev.topic()) && inRange(ev.time(), q.from(), q.to());
            FeedWindow.Slice slice = terc.window().after(q.after(), filter, limit);
            if (slice != null) {
                terc.hit();
                return Uni.createFrom().item(new HistoryPage(slice.events(), slice.more(), slice.through(), "cache"));
            }
        }
        terc.miss();
        return store.history(pattern, q.after() == null ? 0 : q.after(), q.from(), q.to(), limit,
                FeedPublisher.pageBytes());
    }

    private static boolean inRange(Instant t, Instant from, Instant to) {
        return (from == null || !t.isBefore(from)) && (to == null || t.isBefore(to));
    }
}
