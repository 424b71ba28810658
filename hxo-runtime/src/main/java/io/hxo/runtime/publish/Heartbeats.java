package io.hxo.runtime.publish;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import java.lang.management.ManagementFactory;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Announces a service instance on {@code federation.heartbeat} at a fixed interval, from a thread
 * of its own (a send may wait while the broker is away; no request thread ever does).
 */
public final class Heartbeats implements AutoCloseable {
    private static final Logger LOG = Logger.getLogger(Heartbeats.class.getName());

    private final ScheduledExecutorService timer;

    private Heartbeats(ScheduledExecutorService timer) {
        this.timer = timer;
    }

    public static Heartbeats start(HxoPublisher publisher, long intervalMs, Supplier<Events.Heartbeat> beat) {
        ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
            Thread t = new Thread(r, "hxo-heartbeat");
            t.setDaemon(true);
            return t;
        });
        timer.scheduleAtFixedRate(() -> {
            try {
                Events.Heartbeat hb = beat.get();
                publisher.emit(Topic.FEDERATION_HEARTBEAT, hb.service(), hb).exceptionally(e -> {
                    LOG.log(Level.FINE, "heartbeat not sent: " + e.getMessage());
                    return null;
                });
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "heartbeat failed: " + e.getMessage());
            }
        }, 0, intervalMs, TimeUnit.MILLISECONDS);
        return new Heartbeats(timer);
    }

    /**
     * Starts the standard heartbeat of a service instance: its identity, schema version and JVM load
     * (no configuration facts; the last overload carries them).
     */
    public static Heartbeats start(HxoPublisher publisher, long intervalMs, String service, String instance,
            String version, String schemaVersion) {
        return start(publisher, intervalMs, service, instance, version, schemaVersion, Map::of);
    }

    /** As above, with figures of the service's own ({@code extra}) added to the load map. */
    public static Heartbeats start(HxoPublisher publisher, long intervalMs, String service, String instance,
            String version, String schemaVersion, Supplier<Map<String, Double>> extra) {
        return start(publisher, intervalMs, service, instance, version, () -> schemaVersion, extra);
    }

    /** As above, with a schema version read at every beat (it changes when the service migrates). */
    public static Heartbeats start(HxoPublisher publisher, long intervalMs, String service, String instance,
            String version, Supplier<String> schemaVersion, Supplier<Map<String, Double>> extra) {
        return start(publisher, intervalMs, service, instance, version, schemaVersion, extra, Map.of());
    }

    /**
     * As above, with the configuration facts ARIE's rules read: the caller's sanitized environment
     * (hxo-runtime's {@code ConfigFacts}) and what the service itself knows beyond it (how it
     * enforces HTTPS, say).
     */
    public static Heartbeats start(HxoPublisher publisher, long intervalMs, String service, String instance,
            String version, Supplier<String> schemaVersion, Supplier<Map<String, Double>> extra,
            Map<String, Object> configFacts) {
        java.time.Instant started = java.time.Instant.now();
        Map<String, Object> facts = new LinkedHashMap<>(configFacts);
        return start(publisher, intervalMs, () -> {
            Map<String, Double> load = jvmLoad();
            load.putAll(extra.get());
            return new Events.Heartbeat(service, instance, version, schemaVersion.get(), started, java.time.Instant.now(),
                    load, facts);
        });
    }

    /** Process load figures every heartbeat carries. */
    public static Map<String, Double> jvmLoad() {
        Map<String, Double> load = new LinkedHashMap<>();
        load.put("system_load_average", ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
        Runtime rt = Runtime.getRuntime();
        load.put("heap_used_ratio", (double) (rt.totalMemory() - rt.freeMemory()) / rt.maxMemory());
        load.put("threads", (double) ManagementFactory.getThreadMXBean().getThreadCount());
        return load;
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
