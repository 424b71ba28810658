package io.hxo.planner.execute;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;

/**
 * {@code build_shards}: what this planner instance created, ran, served from cache, split and lost,
 * its in-flight count and concurrency limit, and per-kind p95 latency. Kept as Micrometer meters
 * ({@code /q/metrics}; {@code hxo.shard.duration} as a percentile histogram, so it aggregates across
 * instances) and reported in every heartbeat, from which the gateway sums the suite's view.
 */
@ApplicationScoped
public class EngineMetrics {
    private final MeterRegistry registry;
    private final Counter created;
    private final Counter done;
    private final Counter failed;
    private final Counter cached;
    private final Counter split;
    private final AtomicInteger inFlight = new AtomicInteger();
    private final AtomicInteger limit = new AtomicInteger();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, Timer> timers = new ConcurrentHashMap<>();

    public EngineMetrics(MeterRegistry registry) {
        this.registry = registry;
        this.created = registry.counter("hxo.shards.created");
        this.done = registry.counter("hxo.shards.done");
        this.failed = registry.counter("hxo.shards.failed");
        this.cached = registry.counter("hxo.shards.cached");
        this.split = registry.counter("hxo.shards.split");
        registry.gauge("hxo.shards.in_flight", inFlight);
        registry.gauge("hxo.concurrency.limit", limit);
    }

    public void created(int n) {
        created.increment(n);
    }

    public void done(String kind, long durationMs) {
        done.increment();
        latency.computeIfAbsent(kind, k -> new ConcurrentHistogram(3_600_000L, 2)).recordValue(
                Math.min(Math.max(durationMs, 0), 3_600_000L));
        // Buckets, not client-side percentiles: Prometheus sums them across planner instances.
        timers.computeIfAbsent(kind, k -> Timer.builder("hxo.shard.duration").tag("kind", k)
                .description("One shard's execution time, by job kind")
                .publishPercentileHistogram().minimumExpectedValue(Duration.ofMillis(1))
                .maximumExpectedValue(Duration.ofMinutes(10)).register(registry)).record(Duration.ofMillis(durationMs));
    }

    public void cached(int n) {
        cached.increment(n);
    }

    public void failed() {
        failed.increment();
    }

    public void split(int n) {
        split.increment(n);
    }

    public void gauges(int inFlightNow, int limitNow) {
        inFlight.set(inFlightNow);
        limit.set(limitNow);
    }

    /** The snapshot carried in heartbeats; keys are summed (counters) or maxed (p95, limit) by the gateway. */
    public Map<String, Double> snapshot() {
        Map<String, Double> m = new LinkedHashMap<>();
        m.put("shards_created", created.count());
        m.put("shards_done", done.count());
        m.put("shards_failed", failed.count());
        m.put("shards_cached", cached.count());
        m.put("shards_split", split.count());
        m.put("shards_in_flight", (double) inFlight.get());
        m.put("concurrency_limit", (double) limit.get());
        latency.forEach((kind, h) -> m.put("p95_ms." + kind, (double) h.getValueAtPercentile(95)));
        return m;
    }
}
