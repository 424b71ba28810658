package io.hxo.gateway.genesis;

import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Genesis;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.HistoryPage;
import io.hxo.contracts.payload.Genesis;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.runtime.feed.FeedWindow;
import io.hxo.runtime.feed.TopicPattern;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Event;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The gateway's side of {@code GET /api/genesis/subscribe/{pattern}}: it follows
 * {@code genesis.feed} (every gateway instance reads all of it), keeps the recent part in a
 * {@link FeedWindow}, and hands each batch to the live subscribers.
 *
 * <p>A subscriber that resumes ({@code Last-Event-ID} / {@code ?after=}) first catches up: pages
 * of history from the bus (its replay cache or its store) until the cursor reaches this window,
 * then the rest from the window and live from there — all under the feed's lock, so no batch slips
 * between the catch-up and the live stream and none is sent twice. A live subscriber that sees a
 * batch not following on from its cursor (a lost feed record) catches up again the same way.
 */
@ApplicationScoped
public class BusFeed {
    /** Events per catch-up step; the next step waits until the client has taken the previous one. */
    private static final int STEP = 500;

    private final FeedWindow window;
    private final Set<Subscription> subscribers = ConcurrentHashMap.newKeySet();
    private final CommandBus commands;
    private final GatewayConfig config;
    private final Event<FeedBatch> arrived;
    private final SseMetrics metrics;

    public BusFeed(CommandBus commands, GatewayConfig config, Event<FeedBatch> arrived, SseMetrics metrics) {
        this.commands = commands;
        this.config = config;
        this.arrived = arrived;
        this.metrics = metrics;
        this.window = new FeedWindow(config.sse().window());
        metrics.subscribers(subscribers::size);
    }

    /** A feed batch, read once by hxo-runtime's converter; an unreadable record is logged and skipped (skip-unreadable). */
    @Incoming("feed")
    public void onFeed(FeedBatch batch) {
        // Observers (the shared plan statuses) see the batch before any subscriber does: a client that
        // reacts to an event by reading the API must not be served a view older than that event.
        arrived.fire(batch);
        if (!subscribers.isEmpty()) {
            metrics.delivered(batch.events());
        }
        synchronized (this) {
            window.append(batch);
            for (Subscription sub : subscribers) {
                if (!sub.live()) {
                    continue;
                }
                if (sub.cursor() >= 0 && batch.prev() > sub.cursor()) {
                    sub.catchingUp();
                    catchUp(sub);
                } else {
                    sub.deliver(batch.events(), batch.last());
                }
            }
        }
    }

    /** Opens a subscription; {@code after} null means live from now. */
    public void subscribe(TopicPattern pattern, Long after, SseEventSink sink, Sse sse) {
        Subscription[] self = new Subscription[1];
        synchronized (this) {
            long start = after != null ? after : window.last();
            Subscription sub = new Subscription(pattern, start, sink, sse, config.sse().buffer(),
                    () -> subscribers.remove(self[0]));
            self[0] = sub;
            subscribers.add(sub);
            sub.comment("subscribed to " + pattern.text() + (after != null ? " after " + after : ""));
            if (after == null) {
                sub.goLive();
                return;
            }
        }
        catchUp(self[0]);
    }

    /** One catch-up step: from this window when it reaches back far enough, from the bus otherwise. */
    private void catchUp(Subscription sub) {
        if (sub.closed()) {
            return;
        }
        synchronized (this) {
            FeedWindow.Slice slice = window.after(sub.cursor(), e -> true, STEP);
            if (slice != null) {
                var sent = sub.deliver(slice.events(), slice.through());
                if (!slice.more()) {
                    sub.goLive();
                    return;
                }
                sent.whenComplete((ok, e) -> catchUp(sub));
                return;
            }
        }
        Genesis.HistoryQuery q = new Genesis.HistoryQuery(sub.pattern().text(), sub.cursor(), null, null, STEP);
        history(q).subscribe().with(page -> {
            sub.comment("replay from " + page.servedFrom());
            sub.deliver(page.events(), page.more() ? lastSeq(page) : page.through())
                    .whenComplete((ok, e) -> catchUp(sub));
        }, failure -> sub.cutOff("history_unavailable", failure.getMessage()));
    }

    private static long lastSeq(HistoryPage page) {
        return page.events().isEmpty() ? page.through() : page.events().get(page.events().size() - 1).seq();
    }

    /** One page of history from the bus, as a Uni that fails with the problem the bus answered. */
    public Uni<HistoryPage> history(Genesis.HistoryQuery q) {
        return commands.request(Topic.GENESIS_COMMANDS, Genesis.HISTORY, null, q).map(reply -> {
            if (!reply.isSuccess()) {
                throw new ApiProblem(reply.problem());
            }
            return io.hxo.contracts.json.Json.mapper().convertValue(reply.body(), HistoryPage.class);
        });
    }

    @Scheduled(every = "${hxo.sse.keep-alive:15s}", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void keepAlive() {
        for (Subscription sub : subscribers) {
            sub.comment("keep-alive");
        }
    }

    public int liveSubscribers() {
        return subscribers.size();
    }
}
