package io.hxo.genesis.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Publishes what the store just committed on {@code genesis.feed}, in store order, in records of
 * bounded size. The store holds its order lock until the {@code Uni} this returns completes, which
 * is once the broker has every record (all on partition 0, whatever the topic's partition count):
 * the next store transaction (of any bus instance) cannot overtake it on the feed.
 */
@ApplicationScoped
public class FeedPublisher {
    /** Roughly how much event data one feed record carries (Kafka's default record limit is 1 MB). */
    static final int RECORD_BYTES = 512 * 1024;
    static final int RECORD_EVENTS = 500;
    /** How long one record may wait for the broker before it is sent again. */
    static final Duration SEND_TIMEOUT = Duration.ofSeconds(30);

    private final HxoPublisher publisher;

    public FeedPublisher(HxoPublisher publisher) {
        this.publisher = publisher;
    }

    /**
     * The committed batch's records, one after the other, each sent again until the broker has it:
     * stored but not yet on the feed, it is never skipped. Each send runs on the worker pool (the
     * producer signs the record on the calling thread and may wait for metadata), never on an event loop.
     */
    public Uni<Void> publish(FeedBatch committed) {
        return Multi.createFrom().iterable(split(committed))
                .onItem().transformToUniAndConcatenate(this::send)
                .collect().last().replaceWithVoid();
    }

    private Uni<Void> send(FeedBatch record) {
        return Uni.createFrom().completionStage(() -> publisher.publish(Topic.GENESIS_FEED, 0,
                        publisher.event(Topic.GENESIS_FEED.topicName(), null, record)))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .ifNoItem().after(SEND_TIMEOUT).fail()
                .onFailure().invoke(e -> Log.warnf("genesis.feed publish failed (%s); retrying", e.getMessage()))
                .onFailure().retry().withBackOff(Duration.ofMillis(100), Duration.ofSeconds(5)).indefinitely()
                .replaceWithVoid();
    }

    /** Splits a committed batch into feed records, each following on from the one before. */
    static List<FeedBatch> split(FeedBatch batch) {
        List<FeedBatch> out = new ArrayList<>();
        List<StoredEvent> current = new ArrayList<>();
        long prev = batch.prev();
        long bytes = 0;
        for (StoredEvent ev : batch.events()) {
            long size = sizeOf(ev.data());
            if (!current.isEmpty() && (current.size() == RECORD_EVENTS || bytes + size > RECORD_BYTES)) {
                FeedBatch record = new FeedBatch(prev, current);
                out.add(record);
                prev = record.last();
                current = new ArrayList<>();
                bytes = 0;
            }
            current.add(ev);
            bytes += size;
        }
        if (!current.isEmpty()) {
            out.add(new FeedBatch(prev, current));
        }
        return out;
    }

    /** The length of an event's data as JSON text; stored events carry it as that text already. */
    static long sizeOf(JsonNode data) {
        if (data == null) {
            return 0;
        }
        if (data instanceof POJONode node && node.getPojo() instanceof RawValue raw && raw.rawValue() instanceof String text) {
            return text.length();
        }
        return data.toString().length();
    }

    /** Upper bound of a page the bus answers with, in the same spirit. */
    public static int pageBytes() {
        return RECORD_BYTES;
    }
}
