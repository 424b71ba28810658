package io.hxo.planner.execute;

import io.hxo.planner.dispatch.Dispatcher;
import io.hxo.planner.run.PlanRuns;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * Drain (graceful shutdown, rolling deploys, migrations): stop claiming shards and dispatching new
 * ones, and let the shards in flight finish and be checkpointed. Commands are still answered (a
 * drained planner reports status and accepts plans; they start when it resumes). On SIGTERM the same
 * happens before the consumers close and leave their groups, so the next owner resumes from a clean
 * checkpoint.
 */
@ApplicationScoped
public class Drainer {
    public enum State { RUNNING, DRAINING, DRAINED }

    /**
     * Drained once this instance's workers are idle and the owned plans' in-flight count stayed the
     * same this long (results of work finished elsewhere still arrive and are checkpointed meanwhile).
     */
    static final Duration SETTLE = Duration.ofSeconds(1);

    private final KafkaClientService clients;
    private final Dispatcher dispatcher;
    private final PlanRuns runs;
    private final Worker worker;
    private final ExecutorService background = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hxo-drain");
        t.setDaemon(true);
        return t;
    });
    private volatile State state = State.RUNNING;

    public Drainer(KafkaClientService clients, Dispatcher dispatcher, PlanRuns runs, Worker worker) {
        this.clients = clients;
        this.dispatcher = dispatcher;
        this.runs = runs;
        this.worker = worker;
    }

    public State state() {
        return state;
    }

    /** Starts draining (returns at once); the state reaches {@code DRAINED} within {@code timeout}. */
    public synchronized State drain(Duration timeout) {
        if (state == State.RUNNING) {
            state = State.DRAINING;
            dispatcher.draining(true);
            pause("tasks", true);
            background.execute(() -> run(timeout));
        }
        return state;
    }

    /**
     * Stops at once (a stop-the-world migration): no shard is claimed or dispatched from now on, and
     * shards already running are not waited for (their results are still checkpointed when they come).
     */
    public synchronized State halt() {
        if (state != State.DRAINED) {
            dispatcher.draining(true);
            pause("tasks", true);
            state = State.DRAINED;
            Log.infof("stopped without draining: %d shards still running here", worker.running());
        }
        return state;
    }

    public synchronized State resume() {
        if (state != State.RUNNING) {
            pause("tasks", false);
            dispatcher.draining(false);
            state = State.RUNNING;
            Log.info("drain lifted: claiming work again");
        }
        return state;
    }

    private void run(Duration timeout) {
        dispatcher.draining(true);
        pause("tasks", true);
        long deadline = System.nanoTime() + timeout.toNanos();
        int lastInFlight = -1;
        long settledSince = System.nanoTime();
        while (System.nanoTime() < deadline) {
            int inFlight = runs.inFlight();
            if (worker.running() > 0 || inFlight != lastInFlight) {
                lastInFlight = inFlight;
                settledSince = System.nanoTime();
            } else if (inFlight == 0 || System.nanoTime() - settledSince > SETTLE.toNanos()) {
                // Nothing runs here and no result came in for a while: what is still counted in
                // flight for the owned plans are tasks no worker claimed. They wait on
                // hxo.shard.tasks for a worker that is not draining (or for the resume).
                break;
            }
            try {
                Thread.sleep(50);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                break;
            }
        }
        synchronized (this) {
            if (state == State.DRAINING) {
                state = State.DRAINED;
            }
        }
        Log.infof("drained: %d shards still running here, %d dispatched for owned plans and not finished",
                worker.running(), runs.inFlight());
    }

    /** SIGTERM: finish what runs here before the consumers close. */
    void onShutdown(@Observes @Priority(1) ShutdownEvent ev) {
        if (state == State.RUNNING) {
            state = State.DRAINING;
            run(Duration.ofSeconds(20));
        }
    }

    private void pause(String channel, boolean pause) {
        try {
            for (var consumer : clients.getConsumers(channel)) {
                if (pause) {
                    consumer.pause().await().atMost(Duration.ofSeconds(5));
                } else {
                    consumer.resume().await().atMost(Duration.ofSeconds(5));
                }
            }
        } catch (RuntimeException e) {
            Log.warnf("could not %s channel %s: %s", pause ? "pause" : "resume", channel, e.getMessage());
        }
    }
}
