package io.hxo.planner.announce;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Events a validator must receive (a plan's leaves, its root ready for consensus) are sent until the
 * broker acknowledges them. The producer gives a record up after its delivery timeout; during a long
 * broker outage that would lose leaves, and a correct plan would fail certification. A send that
 * fails is sent again, with growing pauses up to {@link #MAX_BACKOFF_MS}, under the same event id (a
 * copy that did arrive is stored once, deduplicated by source and id) and a fresh time (so a long
 * outage does not make it stale).
 */
@ApplicationScoped
public class Outbox {
    static final long FIRST_BACKOFF_MS = 500;
    static final long MAX_BACKOFF_MS = 10_000;

    private final HxoPublisher publisher;
    private final AtomicInteger waiting = new AtomicInteger();
    private final ScheduledExecutorService retries = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hxo-outbox");
        t.setDaemon(true);
        return t;
    });

    public Outbox(HxoPublisher publisher) {
        this.publisher = publisher;
    }

    void stop(@Observes ShutdownEvent ev) {
        retries.shutdownNow();
    }

    /** Publishes an event typed as its topic, until the broker acknowledges it. */
    public void emit(Topic topic, String subject, Object data) {
        send(topic, publisher.event(topic.topicName(), subject, data), FIRST_BACKOFF_MS);
    }

    /**
     * Publishes an event typed as its topic under an identity its sender chose ({@code source} and
     * {@code id}), until the broker acknowledges it: sent again under the same identity by any instance,
     * it is the same event, and the event store keeps it once.
     */
    public void emitAs(Topic topic, String source, String id, String subject, Object data) {
        CloudEvent ev = publisher.event(topic.topicName(), subject, data);
        send(topic, new CloudEvent(id, source, ev.type(), ev.time(), ev.subject(), ev.correlationId(),
                ev.causationId(), ev.partitionKey(), ev.dataSchema(), ev.traceParent(), ev.data()), FIRST_BACKOFF_MS);
    }

    /** Events whose send failed and that wait for another try. */
    public int waiting() {
        return waiting.get();
    }

    private void send(Topic topic, CloudEvent ev, long backoffMs) {
        publisher.publish(topic, ev).whenComplete((sent, failed) -> {
            if (failed == null) {
                return;
            }
            if (retries.isShutdown()) {
                Log.warnf("%s %s for %s not sent before shutdown: %s", topic.topicName(), ev.id(), ev.subject(),
                        failed.getMessage());
                return;
            }
            int n = waiting.incrementAndGet();
            Log.warnf("%s %s for %s not sent (%s); sending it again in %d ms (%d waiting)", topic.topicName(), ev.id(),
                    ev.subject(), failed.getMessage(), backoffMs, n);
            retries.schedule(() -> {
                waiting.decrementAndGet();
                send(topic, restamped(ev), Math.min(MAX_BACKOFF_MS, backoffMs * 2));
            }, backoffMs, TimeUnit.MILLISECONDS);
        });
    }

    private static CloudEvent restamped(CloudEvent ev) {
        return new CloudEvent(ev.id(), ev.source(), ev.type(), Instant.now().truncatedTo(ChronoUnit.MICROS), ev.subject(),
                ev.correlationId(), ev.causationId(), ev.partitionKey(), ev.data());
    }
}
