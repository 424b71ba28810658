package io.hxo.genesis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class StoreCommitsTest {
    @Test
    void aWaiterWakesOnTheNextCommitAndOnlyTimesOutWithoutOne() throws Exception {
        StoreCommits commits = new StoreCommits();
        long seen = commits.generation();

        CompletableFuture<Long> woken = CompletableFuture.supplyAsync(() -> {
            long start = System.nanoTime();
            try {
                commits.awaitAfter(seen, 60_000);
            } catch (InterruptedException e) {
                throw new IllegalStateException(e);
            }
            return System.nanoTime() - start;
        });
        Thread.sleep(50);
        assertThat(woken).isNotDone();
        commits.committed();
        assertThat(Duration.ofNanos(woken.get(10, TimeUnit.SECONDS))).isLessThan(Duration.ofSeconds(10));

        // A commit that happened before the wait began is not waited for again.
        long before = commits.generation() - 1;
        long start = System.nanoTime();
        commits.awaitAfter(before, 60_000);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));

        // Nothing committed: the wait ends at its timeout.
        start = System.nanoTime();
        commits.awaitAfter(commits.generation(), 30);
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(30));
    }
}
