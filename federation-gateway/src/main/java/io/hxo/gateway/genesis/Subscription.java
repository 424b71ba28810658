package io.hxo.gateway.genesis;

import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.runtime.feed.TopicPattern;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.sse.OutboundSseEvent;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One SSE subscriber. Events go out in sequence order with their sequence number as SSE id, so
 * {@code Last-Event-ID} resumes exactly after the last one the client saw. Sends are issued one at a
 * time under this object's lock (so they reach the connection in order) and counted until written:
 * a client that stops reading piles up unwritten events, and at {@code limit} it is cut off with a
 * final event instead of growing the gateway's memory.
 */
final class Subscription {
    /** The SSE event name of the last event a cut-off subscriber gets. */
    static final String CLOSED_EVENT = "hxo.subscription.closed";

    private final TopicPattern pattern;
    private final SseEventSink sink;
    private final Sse sse;
    private final int limit;
    private final Runnable onClose;
    private final AtomicInteger unwritten = new AtomicInteger();
    private CompletionStage<?> lastSend = CompletableFuture.completedFuture(null);
    /** The sequence number everything up to which this subscriber has been given (or did not want). */
    private long cursor;
    private boolean live;
    private volatile boolean closed;

    Subscription(TopicPattern pattern, long cursor, SseEventSink sink, Sse sse, int limit, Runnable onClose) {
        this.pattern = pattern;
        this.cursor = cursor;
        this.sink = sink;
        this.sse = sse;
        this.limit = limit;
        this.onClose = onClose;
    }

    TopicPattern pattern() {
        return pattern;
    }

    synchronized long cursor() {
        return cursor;
    }

    synchronized boolean live() {
        return live;
    }

    synchronized void goLive() {
        live = true;
    }

    synchronized void catchingUp() {
        live = false;
    }

    boolean closed() {
        return closed || sink.isClosed();
    }

    /**
     * Sends the events after the cursor that match, then moves the cursor to {@code through}.
     * Returns the stage of the last send, so a catch-up can wait for the client before reading on.
     */
    synchronized CompletionStage<?> deliver(List<StoredEvent> events, long through) {
        for (StoredEvent ev : events) {
            if (closed()) {
                break;
            }
            if (ev.seq() > cursor && pattern.matches(ev.topic())) {
                if (unwritten.get() >= limit) {
                    cutOff("slow_subscriber", "more than " + limit + " events waited to be written to this client");
                    break;
                }
                send(sse.newEventBuilder().id(Long.toString(ev.seq())).name(ev.topic())
                        .mediaType(MediaType.APPLICATION_JSON_TYPE).data(Json.text(ev)).build());
            }
            cursor = Math.max(cursor, ev.seq());
        }
        cursor = Math.max(cursor, through);
        return lastSend;
    }

    /** A comment line that keeps proxies from cutting an idle stream. */
    synchronized void comment(String text) {
        if (!closed()) {
            send(sse.newEventBuilder().comment(text).build());
        }
    }

    synchronized void cutOff(String reason, String detail) {
        if (closed) {
            return;
        }
        send(sse.newEventBuilder().name(CLOSED_EVENT).mediaType(MediaType.APPLICATION_JSON_TYPE)
                .data(Json.text(Map.of("reason", reason, "detail", detail, "last_seq", cursor))).build());
        close();
    }

    synchronized void close() {
        if (closed) {
            return;
        }
        closed = true;
        try {
            sink.close();
        } catch (RuntimeException e) {
            // already gone
        }
        onClose.run();
    }

    private void send(OutboundSseEvent event) {
        unwritten.incrementAndGet();
        CompletionStage<?> sent;
        try {
            sent = sink.send(event);
        } catch (RuntimeException e) {
            sent = CompletableFuture.failedFuture(e);
        }
        lastSend = sent.whenComplete((ok, failure) -> {
            unwritten.decrementAndGet();
            if (failure != null) {
                close(); // the client went away
            }
        });
    }
}
