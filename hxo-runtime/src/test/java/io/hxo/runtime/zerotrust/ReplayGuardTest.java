package io.hxo.runtime.zerotrust;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

class ReplayGuardTest {
    @Test
    void aNewEventAndItsRedeliveryPassAndTheSameEventElsewhereIsAReplay() {
        ReplayGuard guard = new ReplayGuard(100);
        assertThat(guard.firstSeenAt("/planner/a", "e1", "hxo.plan", 0, 10)).isTrue();
        assertThat(guard.firstSeenAt("/planner/a", "e1", "hxo.plan", 0, 10)).as("redelivery").isTrue();
        assertThat(guard.firstSeenAt("/planner/a", "e1", "hxo.plan", 0, 11)).as("another offset").isFalse();
        assertThat(guard.firstSeenAt("/planner/a", "e1", "hxo.plan", 1, 10)).as("another partition").isFalse();
        assertThat(guard.firstSeenAt("/planner/a", "e1", "hxo.alert", 0, 10)).as("another topic").isFalse();
        assertThat(guard.firstSeenAt("/planner/b", "e1", "hxo.plan", 0, 12)).as("another source").isTrue();
        assertThat(guard.firstSeenAt("/planner/a", "e2", "hxo.plan", 0, 13)).as("another id").isTrue();
        // The same characters split differently between source and id are another event.
        assertThat(guard.firstSeenAt("/planner/ae", "1", "hxo.plan", 0, 14)).isTrue();
        assertThat(guard.size()).isEqualTo(4);
    }

    @Test
    void theOldestEventsAreForgottenFirstAndTheSizeStaysBounded() {
        ReplayGuard guard = new ReplayGuard(3000);
        for (int i = 0; i < 5000; i++) {
            assertThat(guard.firstSeenAt("/s", "e" + i, "t", 0, i)).isTrue();
        }
        assertThat(guard.size()).isEqualTo(3000);
        assertThat(guard.firstSeenAt("/s", "e4999", "t", 0, 9_999)).as("the newest").isFalse();
        assertThat(guard.firstSeenAt("/s", "e2000", "t", 0, 9_999)).as("the oldest still remembered").isFalse();
        assertThat(guard.firstSeenAt("/s", "e1999", "t", 0, 9_999)).as("forgotten, so not known as a replay").isTrue();
        // Remembering e1999 again pushed out the oldest, e2000.
        assertThat(guard.firstSeenAt("/s", "e2000", "t", 0, 9_999)).isTrue();
        assertThat(guard.size()).isEqualTo(3000);
    }

    /**
     * Random traffic (new events, redeliveries, replays, forgotten events coming back) against the
     * obvious implementation, a map that drops its eldest entry. Small capacities make the ring wrap
     * and the index delete many times; the growth of the arrays is crossed on the way.
     */
    @Test
    void answersLikeABoundedInsertionOrderedMap() {
        for (int capacity : new int[] {1, 2, 7, 1000, 1500, 5000}) {
            SplittableRandom random = new SplittableRandom(capacity);
            ReplayGuard guard = new ReplayGuard(capacity);
            Model model = new Model(capacity);
            int distinct = capacity * 3;
            for (int op = 0; op < 60_000; op++) {
                String source = "/svc/" + random.nextInt(3);
                String id = "ev-" + random.nextInt(distinct);
                int partition = random.nextInt(2);
                long offset = random.nextInt(4) == 0 ? 7 : op;
                boolean expected = model.firstSeenAt(source, id, "hxo.plan", partition, offset);
                assertThat(guard.firstSeenAt(source, id, "hxo.plan", partition, offset))
                        .as("capacity %d, op %d: %s %s @%d/%d", capacity, op, source, id, partition, offset)
                        .isEqualTo(expected);
            }
            assertThat(guard.size()).isEqualTo(model.seen.size());
        }
    }

    @Test
    void aCapacityBelowOneIsRefused() {
        assertThatThrownBy(() -> new ReplayGuard(0)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("replay cache size");
    }

    private static final class Model {
        final Map<String, String> seen;

        Model(int capacity) {
            seen = new LinkedHashMap<>() {
                @Override
                protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                    return size() > capacity;
                }
            };
        }

        boolean firstSeenAt(String source, String id, String topic, int partition, long offset) {
            String position = topic + '/' + partition + '/' + offset;
            String before = seen.putIfAbsent(source + '\u0000' + id, position);
            return before == null || before.equals(position);
        }
    }
}
