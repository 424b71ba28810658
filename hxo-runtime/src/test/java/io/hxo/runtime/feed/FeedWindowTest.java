package io.hxo.runtime.feed;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class FeedWindowTest {

    private static StoredEvent ev(long seq, String topic) {
        return new StoredEvent(seq, topic, topic, "/t/1", "id-" + seq, null, Instant.EPOCH, null);
    }

    /** A batch of events with the given sequence numbers, following {@code prev}. */
    private static FeedBatch batch(long prev, long... seqs) {
        List<StoredEvent> list = new ArrayList<>();
        for (long s : seqs) {
            list.add(ev(s, s % 2 == 0 ? "hxo.alert" : "arie.audit"));
        }
        return new FeedBatch(prev, list);
    }

    private static List<Long> seqs(FeedWindow.Slice slice) {
        return slice.events().stream().map(StoredEvent::seq).toList();
    }

    @Test
    void servesWhatFollowsACursorItCovers() {
        FeedWindow w = new FeedWindow(10);
        assertThat(w.append(batch(0, 1, 2, 4))).isEqualTo(FeedWindow.Appended.RESTARTED);
        assertThat(w.append(batch(4, 7, 8))).isEqualTo(FeedWindow.Appended.CONTINUED);
        assertThat(seqs(w.after(2, e -> true, 100))).containsExactly(4L, 7L, 8L);
        assertThat(w.after(2, e -> true, 100).through()).isEqualTo(8);
        // Sequence holes (3, 5, 6) are not gaps: the batches followed on.
        assertThat(seqs(w.after(0, e -> e.topic().equals("hxo.alert"), 100))).containsExactly(2L, 4L, 8L);
    }

    @Test
    void pagesStopAtTheLimitAndSayThereIsMore() {
        FeedWindow w = new FeedWindow(10);
        w.append(batch(0, 1, 2, 3, 4, 5));
        FeedWindow.Slice first = w.after(0, e -> true, 2);
        assertThat(seqs(first)).containsExactly(1L, 2L);
        assertThat(first.more()).isTrue();
        assertThat(first.through()).isEqualTo(2);
        FeedWindow.Slice rest = w.after(first.through(), e -> true, 10);
        assertThat(seqs(rest)).containsExactly(3L, 4L, 5L);
        assertThat(rest.more()).isFalse();
    }

    @Test
    void largeEventsAreBoundedByBytesAndTheCoveredRangeFollows() {
        // Room for three events of ~10 kB of data each, though the count would allow a hundred.
        long budget = 3 * (10_000 + 40 + FeedWindow.EVENT_OVERHEAD_BYTES);
        FeedWindow w = new FeedWindow(100, budget);
        List<StoredEvent> big = new ArrayList<>();
        for (long s = 1; s <= 5; s++) {
            big.add(new StoredEvent(s, "hxo.shard.done", "hxo.shard.done", "/t/1", "id-" + s, null, Instant.EPOCH,
                    io.hxo.contracts.json.Json.tree(java.util.Map.of("leaves", "x".repeat(10_000)))));
        }
        w.append(new FeedBatch(0, big));
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.bytes()).isLessThanOrEqualTo(budget);
        assertThat(w.covers(1)).isFalse();
        assertThat(seqs(w.after(2, e -> true, 100))).containsExactly(3L, 4L, 5L);
        // Small events after them push the big ones out only as far as the budget needs.
        w.append(batch(5, 6, 7));
        assertThat(seqs(w.after(w.base(), e -> true, 100))).endsWith(6L, 7L);
        assertThat(w.base()).isEqualTo(3);
        // A single event larger than the whole budget is not held; the window covers what follows it.
        FeedWindow tiny = new FeedWindow(100, 1_000);
        tiny.append(new FeedBatch(0, List.of(big.get(0))));
        assertThat(tiny.size()).isZero();
        assertThat(tiny.covers(1)).isTrue();
        assertThat(tiny.covers(0)).isFalse();
    }

    @Test
    void evictionMovesTheCoveredRangeForward() {
        FeedWindow w = new FeedWindow(3);
        w.append(batch(0, 1, 2, 3, 4, 5));
        assertThat(w.size()).isEqualTo(3);
        assertThat(w.base()).isEqualTo(2);
        assertThat(w.covers(1)).isFalse();
        assertThat(w.after(1, e -> true, 10)).isNull();
        assertThat(seqs(w.after(2, e -> true, 10))).containsExactly(3L, 4L, 5L);
    }

    @Test
    void aBatchAfterAGapRestartsTheWindowInsteadOfClaimingTheHole() {
        FeedWindow w = new FeedWindow(10);
        w.append(batch(0, 1, 2));
        assertThat(w.append(batch(5, 6, 7))).isEqualTo(FeedWindow.Appended.RESTARTED);
        assertThat(w.covers(2)).isFalse();
        assertThat(w.covers(5)).isTrue();
        assertThat(seqs(w.after(5, e -> true, 10))).containsExactly(6L, 7L);
    }

    @Test
    void redeliveredBatchesAddNothing() {
        FeedWindow w = new FeedWindow(10);
        w.append(batch(0, 1, 2));
        w.append(batch(2, 3));
        assertThat(w.append(batch(0, 1, 2))).isEqualTo(FeedWindow.Appended.DUPLICATE);
        assertThat(seqs(w.after(0, e -> true, 10))).containsExactly(1L, 2L, 3L);
    }

    @Test
    void aWindowOfNoEventsCoversOnlyWhatComesNext() {
        FeedWindow w = new FeedWindow(0);
        w.append(batch(0, 1, 2));
        assertThat(w.covers(1)).isFalse();
        assertThat(w.after(2, e -> true, 10).events()).isEmpty();
    }

    @Test
    void topicPatternsMatchAllPrefixesAndExactNames() {
        assertThat(TopicPattern.parse("*").matches("genesis.dlq")).isTrue();
        assertThat(TopicPattern.parse("hxo.*").matches("hxo.shard.done")).isTrue();
        assertThat(TopicPattern.parse("hxo.*").matches("hxoalert")).isFalse();
        assertThat(TopicPattern.parse("hxo.*").matches("arie.alert")).isFalse();
        assertThat(TopicPattern.parse("hxo.alert").matches("hxo.alert")).isTrue();
        assertThat(TopicPattern.parse("hxo.alert").matches("hxo.alerts")).isFalse();
        for (String bad : new String[] {"", "hxo*", "*.alert", "hxo.*.x", "HXO.alert", "hxo alert", "../x"}) {
            assertThatThrownBy(() -> TopicPattern.parse(bad)).as(bad).isInstanceOf(IllegalArgumentException.class);
        }
    }
}
