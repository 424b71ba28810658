package io.hxo.planner.api;

import io.hxo.contracts.event.CloudEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Takes the queries on {@code hxo.commands} with a consumer of their own (group
 * {@code hxo-queries}), so a read never queues behind the owner's polls of results: while a
 * million-shard plan ran, status and proof reads delivered through the owner's channel waited up to
 * 5 s behind its batches (p99 1.6 s, {@code SuiteBench reads}). Whichever instance gets a query
 * answers it: a finished plan from the database, a live one from its snapshot where this instance
 * owns it, else from its last checkpoint. The owner's channel leaves queries to this one.
 */
@ApplicationScoped
public class QueryInbox {
    /**
     * Older queries are not answered: their asker gave up long ago (the gateway waits seconds), and
     * a new group starting from the earliest offset must not answer a topic's whole history.
     */
    static final Duration STALE = Duration.ofSeconds(60);

    private final QueryHandler queries;

    public QueryInbox(QueryHandler queries) {
        this.queries = queries;
    }

    @Incoming("queries")
    @Blocking(ordered = false) // hands each query to a query thread; only the hand-over happens here
    public void onCommand(CloudEvent ev) {
        if (QueryHandler.handles(ev.type()) && !isStale(ev, Instant.now())) {
            queries.answer(ev);
        }
    }

    static boolean isStale(CloudEvent ev, Instant now) {
        return ev.time() != null && ev.time().isBefore(now.minus(STALE));
    }
}
