package io.hxo.contracts.sign;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Remembers where recent events were first seen ({@code source}+{@code id} → topic, partition,
 * offset). The same event at another position is a replay; at the same position it is a
 * redelivery, which is allowed. Bounded: the oldest entries fall out first.
 */
final class ReplayGuard {
    private final Map<String, String> seen;

    ReplayGuard(int capacity) {
        this.seen = new LinkedHashMap<>(Math.min(capacity, 1 << 16), 0.75f, false) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, String> eldest) {
                return size() > capacity;
            }
        };
    }

    synchronized boolean firstSeenAt(String source, String id, String topic, int partition, long offset) {
        String position = topic + '/' + partition + '/' + offset;
        String before = seen.putIfAbsent(source + '\u0000' + id, position);
        return before == null || before.equals(position);
    }
}
