package io.hxo.genesis.feed;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.POJONode;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Publishes what the store just committed on {@code genesis.feed}, in store order, in records of
 * bounded size. Called while the store's order lock is held, it returns only once the broker has
 * every record (all on partition 0, whatever the topic's partition count): the next store transaction (of any bus instance) cannot overtake it on the feed.
 */
@ApplicationScoped
public class FeedPublisher {
    /** Roughly how much event data one feed record carries (Kafka's default record limit is 1 MB). */
    static final int RECORD_BYTES = 512 * 1024;
    static final int RECORD_EVENTS = 500;

    private final HxoPublisher publisher;

    public FeedPublisher(HxoPublisher publisher) {
        this.publisher = publisher;
    }

    public void publish(FeedBatch committed) {
        for (FeedBatch record : split(committed)) {
            long backoff = 100;
            while (true) {
                try {
                    publisher.publish(Topic.GENESIS_FEED, 0,
                            publisher.event(Topic.GENESIS_FEED.topicName(), null, record)).get(30, TimeUnit.SECONDS);
                    break;
                } catch (ExecutionException | TimeoutException e) {
                    // Stored but not yet on the feed: keep the order lock and try again, never skip.
                    Log.warnf("genesis.feed publish failed (%s); retrying in %d ms", e.getMessage(), backoff);
                    sleep(backoff);
                    backoff = Math.min(5000, backoff * 2);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException("interrupted while publishing the feed", e);
                }
            }
        }
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

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while publishing the feed", e);
        }
    }

    /** Upper bound of a page the bus answers with, in the same spirit. */
    public static int pageBytes() {
        return RECORD_BYTES;
    }
}
