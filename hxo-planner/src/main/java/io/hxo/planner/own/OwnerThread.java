package io.hxo.planner.own;

import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The one thread that changes the owned plans' runs, so a run needs no locks; and a timer that
 * queues periodic work (the sweep, re-announcements) onto it.
 */
@ApplicationScoped
public class OwnerThread {
    private final ExecutorService thread = Executors.newSingleThreadExecutor(r -> new Thread(r, "hxo-owner"));
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hxo-owner-timer");
        t.setDaemon(true);
        return t;
    });

    void stop(@Observes ShutdownEvent ev) {
        timer.shutdownNow();
        thread.shutdown();
        try {
            thread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void execute(Runnable work) {
        if (!thread.isShutdown()) {
            thread.execute(work);
        }
    }

    public CompletableFuture<Void> run(Runnable work) {
        return CompletableFuture.runAsync(work, thread);
    }

    public <T> CompletableFuture<T> call(Supplier<T> work) {
        return CompletableFuture.supplyAsync(work, thread);
    }

    /** Queues {@code work} onto the owner thread every {@code periodMs}, after {@code delayMs}. */
    public void every(long delayMs, long periodMs, Runnable work) {
        timer.scheduleWithFixedDelay(() -> execute(work), delayMs, periodMs, TimeUnit.MILLISECONDS);
    }
}
