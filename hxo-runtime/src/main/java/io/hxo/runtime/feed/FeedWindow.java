package io.hxo.runtime.feed;

import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Predicate;

/**
 * The last {@code capacity} events of {@code genesis.feed}, held so that a range of them can be
 * served without the store: genesis-bus's replay cache (TERC) and each gateway's catch-up window.
 *
 * <p>The window knows exactly which range it covers: every stored event with a sequence number in
 * {@code (base, last]} is in it. A batch that does not follow on from the last one (its
 * {@code prev} is past {@link #last()}: a feed record was lost or this reader started late)
 * restarts the window at that batch, so the window never claims a range with a hole in it.
 *
 * <p>It is bounded by bytes as well as by count: a plan of a million shards sends hundreds of
 * {@code hxo.shard.done} events of 2,000 leaves each, and as JSON trees ten thousand of those would
 * not fit in a service's heap. Once the events' data passes {@code maxBytes} (measured as JSON), the
 * oldest leave the window, and the range it covers starts later.
 */
public final class FeedWindow {
    /** The byte bound when none is given: 32 MiB of event data as JSON (several times that as trees). */
    public static final long DEFAULT_MAX_BYTES = 32L << 20;
    /** What an event costs beyond its data (attributes, objects), so a flood of tiny events is bounded too. */
    static final int EVENT_OVERHEAD_BYTES = 256;

    private final StoredEvent[] ring;
    private final long[] weights;
    private final long maxBytes;
    private long bytes;
    private int head;   // index of the oldest event
    private int size;
    private long base = -1;  // -1: nothing seen yet, nothing covered
    private long last = -1;

    /** A window of {@code capacity} events; 0 holds none (every range older than now goes to the store). */
    public FeedWindow(int capacity) {
        this(capacity, DEFAULT_MAX_BYTES);
    }

    /** A window of at most {@code capacity} events whose data weighs at most {@code maxBytes} as JSON. */
    public FeedWindow(int capacity, long maxBytes) {
        if (capacity < 0 || maxBytes < 0) {
            throw new IllegalArgumentException("capacity and size must not be negative");
        }
        this.ring = new StoredEvent[capacity];
        this.weights = new long[capacity];
        this.maxBytes = maxBytes;
    }

    /** What {@link #append} did with a batch. */
    public enum Appended {
        /** The batch followed on; its new events are in the window. */
        CONTINUED,
        /** The batch came after a gap; the window restarted at it. */
        RESTARTED,
        /** Nothing new: the batch was already seen (redelivery). */
        DUPLICATE
    }

    public synchronized Appended append(FeedBatch batch) {
        if (last >= 0 && batch.last() <= last) {
            return Appended.DUPLICATE;
        }
        Appended outcome = Appended.CONTINUED;
        if (last < 0 || batch.prev() > last) {
            java.util.Arrays.fill(ring, null);
            head = 0;
            size = 0;
            bytes = 0;
            base = batch.prev();
            last = batch.prev();
            outcome = Appended.RESTARTED;
        }
        for (StoredEvent ev : batch.events()) {
            if (ring.length == 0) {
                base = Math.max(base, ev.seq()); // holds nothing: covers only what comes next
                continue;
            }
            if (ev.seq() <= last) {
                continue;
            }
            if (size == ring.length) {
                dropOldest();
            }
            int at = (head + size) % ring.length;
            ring[at] = ev;
            weights[at] = weight(ev);
            bytes += weights[at];
            size++;
            last = ev.seq();
            while (bytes > maxBytes && size > 0) {
                dropOldest();
            }
        }
        last = Math.max(last, batch.last());
        return outcome;
    }

    private void dropOldest() {
        base = ring[head].seq();
        ring[head] = null;
        bytes -= weights[head];
        head = (head + 1) % ring.length;
        size--;
    }

    private static long weight(StoredEvent ev) {
        return EVENT_OVERHEAD_BYTES + (ev.data() == null ? 0 : Json.bytes(ev.data()).length);
    }

    /** The data the window holds, as JSON bytes plus a fixed cost per event. */
    public synchronized long bytes() {
        return bytes;
    }

    /** True when every event after {@code after} up to {@link #last()} is in the window. */
    public synchronized boolean covers(long after) {
        return last >= 0 && after >= base;
    }

    /**
     * The events after {@code after} that pass {@code filter}, at most {@code limit}; null when the
     * window does not cover {@code after} (the caller asks the store instead).
     */
    public synchronized Slice after(long after, Predicate<StoredEvent> filter, int limit) {
        if (!covers(after)) {
            return null;
        }
        List<StoredEvent> out = new ArrayList<>(Math.min(limit, size));
        for (int i = firstAfter(after); i < size; i++) {
            StoredEvent ev = ring[(head + i) % ring.length];
            if (filter.test(ev)) {
                if (out.size() == limit) {
                    return new Slice(out, true, out.get(out.size() - 1).seq());
                }
                out.add(ev);
            }
        }
        return new Slice(out, false, last);
    }

    /** Position (0 = oldest) of the first event with a sequence number above {@code after}. */
    private int firstAfter(long after) {
        int lo = 0;
        int hi = size;
        while (lo < hi) {
            int mid = (lo + hi) >>> 1;
            if (ring[(head + mid) % ring.length].seq() <= after) {
                lo = mid + 1;
            } else {
                hi = mid;
            }
        }
        return lo;
    }

    /** Events from the window; {@code through} is the sequence number the slice accounts for. */
    public record Slice(List<StoredEvent> events, boolean more, long through) {
    }

    public synchronized int size() {
        return size;
    }

    public int capacity() {
        return ring.length;
    }

    /** Highest sequence number seen; -1 before the first batch. */
    public synchronized long last() {
        return last;
    }

    /** Every event after this sequence number is held; -1 before the first batch. */
    public synchronized long base() {
        return base;
    }
}
