package io.hxo.genesis.store;

import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.topic.Topic;
import io.hxo.genesis.dlq.RejectionAlerts;
import io.hxo.genesis.feed.FeedPublisher;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes the event topics in batches, stores every event once and puts what was new on the feed.
 *
 * <p>Polled batches queue in arrival order and one committer thread stores everything queued in one
 * transaction. A store transaction plus its feed acknowledgement costs a fixed ~10–30 ms; storing
 * each small poll on its own made the queue (and so the event → subscriber latency) grow whenever
 * events came faster than one poll per transaction. A batch is acknowledged (its offsets committed)
 * only after its transaction commits; while the database is away the transaction is retried, never
 * dropped, and what was polled but not stored when the bus stops is delivered again (the store's
 * {@code source}+{@code id} dedup makes that harmless).
 */
@ApplicationScoped
public class EventRecorder {
    /** Events one transaction takes at most when batches have queued up behind a slow one. */
    static final int MAX_TRANSACTION_EVENTS = 5_000;
    /** Polled, not yet stored events at which the consumer waits: back-pressure instead of memory. */
    static final int MAX_QUEUED_EVENTS = 20_000;

    private final EventStore store;
    private final FeedPublisher feed;
    private final RejectionAlerts rejections;
    private final StoreCommits commits;
    private final BlockingQueue<Pending> queue = new LinkedBlockingQueue<>();
    private final Semaphore room = new Semaphore(MAX_QUEUED_EVENTS);
    private volatile boolean running = true;
    private Thread committer;

    /** One polled batch: what it holds, and the message to acknowledge once it is stored. */
    private record Pending(List<EventStore.Incoming> events, List<EventStore.Refused> refused,
            KafkaRecordBatch<String, byte[]> message, int permits) {
    }

    public EventRecorder(EventStore store, FeedPublisher feed, RejectionAlerts rejections, StoreCommits commits) {
        this.store = store;
        this.feed = feed;
        this.rejections = rejections;
        this.commits = commits;
    }

    @Incoming("events")
    @Blocking
    public CompletionStage<Void> record(KafkaRecordBatch<String, byte[]> batch) throws InterruptedException {
        List<EventStore.Incoming> events = new ArrayList<>(batch.getRecords().size());
        List<EventStore.Refused> refused = new ArrayList<>();
        for (KafkaRecord<String, byte[]> r : batch.getRecords()) {
            var rec = (IncomingKafkaRecord<String, byte[]>) r; // a consumed batch holds incoming records
            try {
                var ev = KafkaBinding.fromRecord(rec.getHeaders(), rec.getPayload());
                events.add(new EventStore.Incoming(rec.getTopic(), rec.getPartition(), rec.getOffset(), ev));
                if (rec.getTopic().equals(Topic.GENESIS_DLQ.topicName())) {
                    refused.add(new EventStore.Refused(ev.dataAs(DeadLetter.class)));
                }
            } catch (IllegalArgumentException e) {
                Log.warnf("skipped unreadable event %s-%d@%d: %s", rec.getTopic(), rec.getPartition(), rec.getOffset(),
                        e.getMessage());
            }
        }
        if (events.isEmpty()) {
            return batch.ack();
        }
        int permits = Math.min(events.size(), MAX_QUEUED_EVENTS);
        room.acquire(permits);
        startCommitter();
        queue.put(new Pending(events, refused, batch, permits));
        // Acknowledged by the committer after the commit; the next poll may be queued meanwhile.
        return CompletableFuture.completedFuture(null);
    }

    private synchronized void startCommitter() {
        if (committer == null) {
            committer = new Thread(this::commitLoop, "genesis-store-committer");
            committer.setDaemon(true);
            committer.start();
        }
    }

    private void commitLoop() {
        while (running) {
            try {
                Pending first = queue.poll(200, TimeUnit.MILLISECONDS);
                if (first == null) {
                    continue;
                }
                List<Pending> group = new ArrayList<>();
                group.add(first);
                int n = first.events().size();
                for (Pending next = queue.peek(); next != null && n + next.events().size() <= MAX_TRANSACTION_EVENTS;
                        next = queue.peek()) {
                    group.add(queue.poll());
                    n += next.events().size();
                }
                commit(group, n);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                // Never let the committer die (commit retries its own failures; this is a last guard).
                Log.errorf(e, "event store committer failed");
            }
        }
    }

    private void commit(List<Pending> group, int size) throws InterruptedException {
        List<EventStore.Incoming> events = new ArrayList<>(size);
        List<EventStore.Refused> refused = new ArrayList<>();
        for (Pending p : group) {
            events.addAll(p.events());
            refused.addAll(p.refused());
        }
        long backoff = 100;
        while (running) {
            try {
                // Readers of the store (the validator) may look as soon as the rows are committed;
                // the feed record's acknowledgement comes after.
                store.store(events, refused, added -> {
                    commits.committed();
                    feed.publish(added);
                });
                refused.forEach(r -> rejections.refused(r.letter()));
                for (Pending p : group) {
                    p.message().ack();
                    room.release(p.permits());
                }
                return;
            } catch (SQLException | RuntimeException e) {
                Log.warnf("event store write failed (%s); retrying in %d ms", e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }

    @PreDestroy
    void stop() throws InterruptedException {
        running = false;
        Thread t = committer;
        if (t != null) {
            t.join(10_000);
        }
    }
}
