package io.hxo.runtime.publish;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.common.errors.InterruptException;

/**
 * Lets a record that follows a quiet spell leave at once instead of waiting out the producer's linger.
 *
 * <p>The linger is for bursts: records sent microseconds apart share a request. A record sent when
 * nothing else was sent for a whole linger starts a batch of its own and would sit out the full
 * linger before going anywhere, and a plan's control events (a status change, a task, a result,
 * the ready announcement, a vote, a decision) are exactly such records, alone or a few together,
 * each one step of a chain that waits for it. For the first {@value #SHORT_RUN} records after a
 * quiet spell this thread calls {@link Producer#flush()}, which makes every buffered batch ready now
 * (and waits for their acknowledgements, which is why it is not the caller's thread). A longer run
 * is a burst and is left to the linger. One producer either way, so the order of records within a
 * partition is the order they were sent in.
 *
 * <p>A quiet spell is {@value #QUIET_LINGERS} lingers without a send <em>and</em> every earlier
 * record acknowledged. A steady stream, say 1,000 events a second under a 1 ms linger, has gaps of
 * one linger between records, yet it is not quiet: its records are still in flight. Counting each of
 * its gaps as a spell made the producer flush after nearly every record, every record its own
 * request, and the event → SSE tail doubled (docs/BENCHMARKS.md, "Event to SSE", history).
 */
final class QuietSpellFlusher implements AutoCloseable {
    /** Records after a quiet spell that still go out at once: a plan step sends up to five together. */
    static final int SHORT_RUN = 8;
    /** Lingers without a send that make a quiet spell (with nothing left unacknowledged). */
    static final int QUIET_LINGERS = 2;

    private final Producer<?, ?> producer;
    private final long quietNanos;
    private final AtomicLong lastSend = new AtomicLong(System.nanoTime() - Long.MAX_VALUE / 2);
    /** Records sent since the last quiet spell (races between senders only blur a heuristic). */
    private final AtomicInteger run = new AtomicInteger();
    /** Records sent and not yet acknowledged (or failed). */
    private final AtomicInteger unacknowledged = new AtomicInteger();
    private final Object lock = new Object();
    private final Thread thread;
    private boolean wanted;
    private volatile boolean closed;

    QuietSpellFlusher(Producer<?, ?> producer, long lingerMs, String name) {
        this.producer = producer;
        this.quietNanos = QUIET_LINGERS * lingerMs * 1_000_000L;
        this.thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /**
     * Called right after each send that did not throw: asks for a flush when this record ends a quiet
     * spell, and for the rest of a short run after that. Returns whether it asked.
     */
    boolean sent() {
        long now = System.nanoTime();
        boolean gap = now - lastSend.getAndSet(now) >= quietNanos;
        boolean alone = unacknowledged.getAndIncrement() <= 0;
        if (gap && alone) {
            run.set(1);
        } else if (gap) {
            // A gap with records still in flight is a steady stream, not a quiet spell: no run starts.
            run.set(SHORT_RUN);
            return false;
        } else if (run.get() >= SHORT_RUN || run.incrementAndGet() > SHORT_RUN) {
            return false;
        }
        synchronized (lock) {
            wanted = true;
            lock.notify();
        }
        return true;
    }

    /** Called from each record's send callback, acknowledged or failed. */
    void acknowledged() {
        unacknowledged.decrementAndGet();
    }

    private void run() {
        while (!closed) {
            try {
                synchronized (lock) {
                    while (!wanted && !closed) {
                        lock.wait();
                    }
                    wanted = false;
                }
                if (!closed) {
                    producer.flush();
                }
            } catch (InterruptedException | InterruptException e) {
                return;
            } catch (RuntimeException e) {
                // A failed send is reported to its own caller; this thread only hurries records along.
            }
        }
    }

    @Override
    public void close() {
        closed = true;
        thread.interrupt();
    }
}
