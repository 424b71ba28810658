package io.hxo.genesis.store;

import jakarta.enterprise.context.ApplicationScoped;

/**
 * Tells waiting readers that this instance's recorder committed events to the store, so a reader
 * that waits for something to be stored (a validator waiting for a plan's last leaves) looks again
 * at once instead of after a fixed pause. Another instance's commits are not signalled: a waiter
 * always bounds its wait and looks again anyway.
 */
@ApplicationScoped
public class StoreCommits {
    private long generation;

    /** The count of commits so far; pass it to {@link #awaitAfter} to miss none in between. */
    public synchronized long generation() {
        return generation;
    }

    synchronized void committed() {
        generation++;
        notifyAll();
    }

    /** Waits until a commit after {@code seen} happened, or {@code timeoutMs} passed. */
    public synchronized void awaitAfter(long seen, long timeoutMs) throws InterruptedException {
        long deadline = System.nanoTime() + timeoutMs * 1_000_000;
        for (long left = timeoutMs; generation == seen && left > 0;
                left = (deadline - System.nanoTime()) / 1_000_000) {
            wait(left);
        }
    }
}
