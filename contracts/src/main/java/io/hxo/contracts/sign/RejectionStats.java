package io.hxo.contracts.sign;

import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counts of refused records per reason. Interceptors are created by the Kafka client,
 * not by CDI, so the counts live here for the service's metrics to read.
 */
public final class RejectionStats {
    private static final Map<String, LongAdder> BY_REASON = new ConcurrentHashMap<>();

    private RejectionStats() {
    }

    static void count(Verdict verdict) {
        BY_REASON.computeIfAbsent(verdict.reason(), r -> new LongAdder()).increment();
    }

    public static long count(String reason) {
        LongAdder a = BY_REASON.get(reason);
        return a == null ? 0 : a.sum();
    }

    public static Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        BY_REASON.forEach((reason, n) -> out.put(reason, n.sum()));
        return out;
    }

    public static long total() {
        return BY_REASON.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
