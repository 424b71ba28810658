package io.hxo.genesis.store;

import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.topic.Topic;
import io.hxo.genesis.dlq.RejectionAlerts;
import io.hxo.genesis.feed.FeedPublisher;
import io.hxo.runtime.messaging.Received;
import io.hxo.runtime.messaging.ReceivedBatch;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Incoming;
import org.eclipse.microprofile.reactive.messaging.Message;

/**
 * Consumes the event topics in batches, stores every event once and puts what was new on the feed.
 *
 * <p>Polled batches queue in arrival order, and one store call at a time takes everything queued
 * (up to {@link #MAX_TRANSACTION_EVENTS}). A store call plus its feed acknowledgement costs a fixed
 * ~10–30 ms; storing each small poll on its own made the queue (and so the event → subscriber
 * latency) grow whenever events came faster than one poll per store call. A batch is acknowledged
 * (its offsets committed) only after its events are committed; while the database is away the call
 * is retried, never dropped, and what was polled but not stored when the bus stops is delivered
 * again (the store's {@code source}+{@code id} dedup makes that harmless).
 *
 * <p>Nothing here blocks a thread: the consumer returns a {@code Uni} that completes at once while
 * there is room in the queue, and only when there is again once {@link #MAX_QUEUED_EVENTS} are
 * waiting (back-pressure instead of memory: SmallRye delivers the next poll after it completes).
 */
@ApplicationScoped
public class EventRecorder {
    /** Events one store call takes at most when batches have queued up behind a slow one. */
    static final int MAX_TRANSACTION_EVENTS = 5_000;
    /** Polled, not yet stored events at which the consumer waits: back-pressure instead of memory. */
    static final int MAX_QUEUED_EVENTS = 20_000;

    private final EventStore store;
    private final FeedPublisher feed;
    private final RejectionAlerts rejections;
    private final StoreCommits commits;

    // Guarded by this.
    private final ArrayDeque<Pending> queue = new ArrayDeque<>();
    private int queued;
    private boolean storing;
    private CompletableFuture<Void> room;
    private CompletableFuture<Void> idle = CompletableFuture.completedFuture(null);
    private volatile boolean running = true;

    /** One polled batch: what it holds, and the message to acknowledge once it is stored. */
    private record Pending(List<EventStore.Incoming> events, List<EventStore.Refused> refused, Message<?> message) {
    }

    public EventRecorder(EventStore store, FeedPublisher feed, RejectionAlerts rejections, StoreCommits commits) {
        this.store = store;
        this.feed = feed;
        this.rejections = rejections;
        this.commits = commits;
    }

    @Incoming("events")
    public Uni<Void> record(Message<ReceivedBatch> batch) {
        List<EventStore.Incoming> events = new ArrayList<>(batch.getPayload().events().size());
        List<EventStore.Refused> refused = new ArrayList<>();
        for (Received r : batch.getPayload().events()) {
            events.add(new EventStore.Incoming(r.topic(), r.partition(), r.offset(), r.event()));
            if (r.topic().equals(Topic.GENESIS_DLQ.topicName())) {
                try {
                    refused.add(new EventStore.Refused(r.event().dataAs(DeadLetter.class)));
                } catch (IllegalArgumentException e) {
                    Log.warnf("stored %s-%d@%d without its dead-letter row: %s", r.topic(), r.partition(), r.offset(),
                            e.getMessage());
                }
            }
        }
        if (events.isEmpty()) {
            return Uni.createFrom().completionStage(batch.ack());
        }
        CompletableFuture<Void> wait;
        synchronized (this) {
            queue.add(new Pending(events, refused, batch));
            queued += events.size();
            if (!storing) {
                storing = true;
                idle = new CompletableFuture<>();
                Infrastructure.getDefaultWorkerPool().execute(this::storeNext);
            }
            if (queued < MAX_QUEUED_EVENTS) {
                return Uni.createFrom().voidItem();
            }
            if (room == null) {
                room = new CompletableFuture<>();
            }
            wait = room;
        }
        // Acknowledged after the commit; the next poll comes once the queue has room again.
        return Uni.createFrom().completionStage(wait);
    }

    /** Stores everything queued (up to one call's worth); runs again when that is done, until the queue is empty. */
    private void storeNext() {
        List<Pending> group = new ArrayList<>();
        synchronized (this) {
            int n = 0;
            for (Pending next = queue.peek(); next != null && (group.isEmpty()
                    || n + next.events().size() <= MAX_TRANSACTION_EVENTS); next = queue.peek()) {
                group.add(queue.poll());
                n += next.events().size();
            }
            if (group.isEmpty() || !running) {
                storing = false;
                idle.complete(null);
                return;
            }
        }
        List<EventStore.Incoming> events = new ArrayList<>();
        List<EventStore.Refused> refused = new ArrayList<>();
        for (Pending p : group) {
            events.addAll(p.events());
            refused.addAll(p.refused());
        }
        // Readers of the store (the validator) may look as soon as the rows are committed; the feed
        // record's acknowledgement comes after, under the store's order lock.
        Uni.createFrom().deferred(() -> store.store(events, refused, added -> {
                    commits.committed();
                    return feed.publish(added);
                }))
                .onFailure(e -> running).invoke(e -> Log.warnf("event store write failed (%s); retrying", e.getMessage()))
                .onFailure(e -> running).retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).indefinitely()
                .emitOn(Infrastructure.getDefaultWorkerPool())
                .subscribe().with(added -> stored(group, refused), e -> {
                    // Only when stopping: what was not stored is delivered again after the restart.
                    Log.infof("event store write abandoned at shutdown: %s", e.getMessage());
                    synchronized (this) {
                        storing = false;
                        idle.complete(null);
                    }
                });
    }

    private void stored(List<Pending> group, List<EventStore.Refused> refused) {
        refused.forEach(r -> rejections.refused(r.letter()));
        int n = 0;
        for (Pending p : group) {
            p.message().ack();
            n += p.events().size();
        }
        CompletableFuture<Void> freed = null;
        synchronized (this) {
            queued -= n;
            if (room != null && queued < MAX_QUEUED_EVENTS) {
                freed = room;
                room = null;
            }
        }
        if (freed != null) {
            freed.complete(null);
        }
        storeNext();
    }

    @PreDestroy
    void stop() throws Exception {
        running = false;
        CompletableFuture<Void> last;
        synchronized (this) {
            last = idle;
        }
        try {
            last.get(10, TimeUnit.SECONDS);
        } catch (java.util.concurrent.TimeoutException e) {
            Log.warnf("event store still writing after 10 s at shutdown; its batches will be delivered again");
        }
    }
}
