package io.hxo.genesis.consensus;

import io.hxo.contracts.consensus.Ballot;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.merkle.LeafFold;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.genesis.config.HxoConfig;
import io.hxo.genesis.store.EventStore;
import io.hxo.genesis.store.StoreCommits;
import io.hxo.runtime.messaging.Received;
import io.hxo.runtime.logging.PlanLog;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * genesis-bus as a consensus validator: folds the leaves its event store holds for the plan (the
 * {@code hxo.shard.done} events it recorded) into a root and votes. The store may still be writing
 * the last leaves when the ready event arrives (it usually is: the ready follows the last leaves by a
 * millisecond), so after each commit of this instance's recorder, or after a pause growing from 2 to
 * 100 ms, it reads the events stored since its last read, until the count matches, for a time that
 * grows with the plan's size; then it votes with what it has (a short tree gives another root, which
 * is the point). Reading only what is new keeps a large plan's vote from re-parsing every leaf on
 * each pass while the store is still catching up. When the store stops gaining leaves for
 * {@link #STALL_MS} while some are missing (lost on the way to the broker during an outage), it asks
 * the plan's owner once to announce them again ({@code hxo.plan.resend-leaves}) and keeps reading.
 */
@ApplicationScoped
public class StoreVoter {
    public static final String VALIDATOR = "genesis-bus";
    static final long LONGEST_PAUSE_MS = 100;
    /** No new leaf stored for this long while some are missing: ask the owner to announce them again. */
    static final long STALL_MS = 1000;
    /**
     * Stored events one read takes; a plan's leaves come 2,000 to an event (~200 KB each). The
     * reactive client holds a whole page (and its copy) at once, beside the fold's million leaves:
     * 200 a page ran a 512 MiB heap out of memory on a 1,000,000-shard plan; 16 is ~3 MB.
     */
    static final int PAGE_EVENTS = 16;
    /** How long one page may take before the vote says the store could not be read. */
    static final Duration READ_TIMEOUT = Duration.ofSeconds(30);

    private final EventStore store;
    private final StoreCommits commits;
    private final HxoPublisher publisher;
    private final HxoConfig config;

    public StoreVoter(EventStore store, StoreCommits commits, HxoPublisher publisher, HxoConfig config) {
        this.store = store;
        this.commits = commits;
        this.publisher = publisher;
        this.config = config;
    }

    /**
     * Blocking on purpose: a vote waits (bounded) for this instance's store to commit the last leaves,
     * and folds up to millions of leaves into a root, seconds of CPU that no event loop may carry. It
     * runs on a worker thread and awaits the store's reads there.
     */
    @Incoming("aggregate-ready")
    @Blocking
    public void onReady(Received record) throws InterruptedException {
        Events.AggregateReady ready = Ballot.toVoteOn(record.event()).orElse(null);
        if (ready == null) {
            return;
        }
        try (PlanLog log = PlanLog.of(ready.planId())) {
            vote(ready, record);
        }
    }

    private void vote(Events.AggregateReady ready, Received record) throws InterruptedException {
        long arrived = System.nanoTime();
        long ageOnArrivalMs = System.currentTimeMillis() - record.timestamp().toEpochMilli();
        String root = null;
        String error = null;
        long waitedNanos = 0;
        StoredLeaves leaves = null;
        try {
            long deadline = System.nanoTime() + Ballot.patienceMs(ready.leafCount()) * 1_000_000;
            long seen = commits.generation();
            leaves = new StoredLeaves(ready.planId());
            leaves.readNew();
            boolean asked = false;
            int had = leaves.fold.size();
            long gainedAt = System.nanoTime();
            for (long pause = 2; leaves.fold.size() < ready.leafCount() && System.nanoTime() < deadline;
                    pause = Math.min(pause * 2, LONGEST_PAUSE_MS)) {
                long waitFrom = System.nanoTime();
                commits.awaitAfter(seen, pause);
                waitedNanos += System.nanoTime() - waitFrom;
                seen = commits.generation();
                leaves.readNew();
                if (leaves.fold.size() > had) {
                    had = leaves.fold.size();
                    gainedAt = System.nanoTime();
                } else if (!asked && System.nanoTime() - gainedAt > STALL_MS * 1_000_000) {
                    asked = true;
                    askForLeaves(ready, had);
                }
            }
            if (leaves.fold.size() < ready.leafCount()) {
                // Sequence numbers are taken before commit, so with several writers a lower one can
                // become visible after a higher one was read: one full pass before saying leaves are missing.
                StoredLeaves again = new StoredLeaves(ready.planId());
                again.readNew();
                again.addTimes(leaves);
                leaves = again;
            }
            if (leaves.fold.size() != ready.leafCount()) {
                error = "the event store holds " + leaves.fold.size() + " of " + ready.leafCount() + " leaves";
            }
            long hashFrom = System.nanoTime();
            root = leaves.fold.root(HashAlg.fromWire(ready.hashAlg()));
            leaves.hashNanos = System.nanoTime() - hashFrom;
        } catch (RuntimeException e) {
            error = "cannot read the event store: " + e.getMessage();
            Log.warnf("plan %s: %s", ready.planId(), error);
        }
        publisher.emit(Topic.HXO_AGGREGATE_VOTE, ready.planId(),
                Ballot.vote(ready, VALIDATOR, config.instanceId(), root, error));
        Log.infof("plan %s: voted %s over %d leaves, %d ms after the ready event arrived (it was %d ms old%s)",
                ready.planId(), error == null ? root : "no root (" + error + ")", ready.leafCount(),
                (System.nanoTime() - arrived) / 1_000_000, ageOnArrivalMs,
                leaves == null ? "" : leaves.timings(waitedNanos));
    }

    private void askForLeaves(Events.AggregateReady ready, int have) {
        Log.warnf("plan %s: the event store holds %d of %d leaves and gains none; asking its owner to announce them again",
                ready.planId(), have, ready.leafCount());
        publisher.publish(Topic.HXO_COMMANDS, publisher.event(Commands.PLAN_RESEND_LEAVES, ready.planId(),
                new Commands.ResendLeaves(ready.planId(), null, null)));
    }

    /** A plan's leaves folded from its stored {@code hxo.shard.done} events, read on from where the last read ended. */
    private final class StoredLeaves {
        final String planId;
        final LeafFold fold = new LeafFold();
        long lastSeq;
        long events;
        long readNanos;
        long parseNanos;
        long hashNanos;

        StoredLeaves(String planId) {
            this.planId = planId;
        }

        /** Pages through what was stored since the last read; the leaves are folded here, on the worker thread. */
        void readNew() {
            EventStore.DataPage page;
            do {
                long from = System.nanoTime();
                page = store.dataAfter(Topic.HXO_SHARD_DONE.topicName(), planId, lastSeq, PAGE_EVENTS).await()
                        .atMost(READ_TIMEOUT);
                long read = System.nanoTime();
                page.data().forEach(fold::addShardsDone);
                readNanos += read - from;
                parseNanos += System.nanoTime() - read;
                events += page.data().size();
                lastSeq = page.lastSeq();
            } while (page.full());
        }

        /**
         * Where a vote's time went: waiting for this instance's recorder to commit the last leaves,
         * reading them from the store, parsing them into the fold, hashing the tree.
         */
        String timings(long waitedNanos) {
            return String.format("; waited %d ms for the store, read %d events in %d ms, parsed in %d ms, hashed in %d ms",
                    waitedNanos / 1_000_000, events, readNanos / 1_000_000, parseNanos / 1_000_000, hashNanos / 1_000_000);
        }

        /** Counts an earlier pass's reading time with this one's. */
        void addTimes(StoredLeaves earlier) {
            readNanos += earlier.readNanos;
            parseNanos += earlier.parseNanos;
        }
    }
}
