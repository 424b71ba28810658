package io.hxo.arie.audit;

import io.hxo.arie.config.ArieConfig;
import io.hxo.arie.store.ScanStore;
import io.hxo.arie.store.StoreException;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.blocking.Awaiting;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * Scans run on the instance that queued them, in memory; an instance that stops (a deploy, a crash)
 * leaves its queued and running scans behind. Every instance records every {@value #TICK_SECONDS} s
 * that it is alive, and fails the unfinished scans of instances not seen for {@link #STALE}, and its
 * own from before this process started (same {@code HXO_INSTANCE_ID} across a restart), with an
 * {@code arie.audit} summary saying so, so nobody waits for them for ever.
 */
@ApplicationScoped
public class ScanReaper {
    static final long TICK_SECONDS = 10;
    /** Six ticks: a busy database or a long GC pause does not make a live instance look stopped. */
    static final Duration STALE = Duration.ofSeconds(6 * TICK_SECONDS);
    /** When this JVM started: every scan this process queued is younger. */
    private static final Instant STARTED = Instant.ofEpochMilli(ManagementFactory.getRuntimeMXBean().getStartTime());

    private final ScanStore store;
    private final HxoPublisher publisher;
    private final ArieConfig config;

    public ScanReaper(ScanStore store, HxoPublisher publisher, ArieConfig config) {
        this.store = store;
        this.publisher = publisher;
        this.config = config;
    }

    /** Runs on a scheduler worker thread, which waits for the store (a tick every 10 s, skipped while one runs). */
    @Scheduled(every = "10s", delayed = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void tick() {
        try {
            Awaiting.onContext(() -> store.alive(config.instanceId()), StoreException::of);
            reap();
        } catch (RuntimeException e) {
            Log.warnf("scan reaper: %s", e.getMessage());
        }
    }

    /** Fails the scans of stopped instances; returns them. Waits for the store: never on an event-loop thread. */
    public List<ScanStore.Abandoned> reap() {
        Instant now = Instant.now();
        List<ScanStore.Abandoned> failed = Awaiting.onContext(
                () -> store.failAbandoned(config.instanceId(), STARTED, STALE, now), StoreException::of);
        for (ScanStore.Abandoned a : failed) {
            Log.warnf("scan %s failed: %s", a.id(), a.error());
            publisher.emit(Topic.ARIE_AUDIT, a.id(), new Arie.AuditSummary(a.id(), a.trigger(), a.readOnly(),
                    Arie.FAILED, null, now, 0, 0, 0, 0, Map.of(), 0, a.error()));
        }
        return failed;
    }
}
