package io.hxo.runtime.zerotrust;

import io.hxo.contracts.sign.Verdict;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;

/**
 * Process-wide counts of refused records per consuming service and reason. Interceptors are created
 * by the Kafka client, not by CDI, so the counts live here; each service exports them as the
 * {@code hxo.kafka.refused} counter ({@link io.hxo.runtime.telemetry.ServiceTelemetry}).
 */
public final class RejectionStats {
    private static final Map<Key, LongAdder> COUNTS = new ConcurrentHashMap<>();

    private record Key(String service, String reason) {
    }

    private RejectionStats() {
    }

    static void count(String service, Verdict verdict) {
        COUNTS.computeIfAbsent(new Key(service, verdict.reason()), k -> new LongAdder()).increment();
    }

    /** Refusals of one reason by one service's consumers. */
    public static long count(String service, String reason) {
        LongAdder a = COUNTS.get(new Key(service, reason));
        return a == null ? 0 : a.sum();
    }

    /** Refusals of one reason, all services of this process together. */
    public static long count(String reason) {
        return COUNTS.entrySet().stream().filter(e -> e.getKey().reason().equals(reason))
                .mapToLong(e -> e.getValue().sum()).sum();
    }

    public static Map<String, Long> snapshot() {
        Map<String, Long> out = new TreeMap<>();
        COUNTS.forEach((k, n) -> out.merge(k.reason(), n.sum(), Long::sum));
        return out;
    }

    public static long total() {
        return COUNTS.values().stream().mapToLong(LongAdder::sum).sum();
    }
}
