package io.hxo.planner.execute;

import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.checkpoint.ResultStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.json.JsonbText;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.runtime.logging.PlanLog;
import java.util.Objects;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * A shard worker: takes task batches from {@code hxo.shard.tasks} (any instance, one consumer group),
 * runs their shards in parallel on a bounded pool, each under the shard timeout, and publishes the
 * results keyed by plan so they reach the plan's owner. The task message is acknowledged only after
 * its results are on the broker. Shards of a plan that ended do not start.
 */
@ApplicationScoped
public class Worker {
    private final ExecutorRegistry registry;
    private final ResultStore store;
    private final ArtifactStore artifacts;
    private final HxoPublisher publisher;
    private final PlanGate gate;
    private final ExecutionSlots slots;
    private final String worker;
    private final ExecutorService pool;
    private final ScheduledExecutorService watchdog = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hxo-shard-watchdog");
        t.setDaemon(true);
        return t;
    });
    private final AtomicLong running = new AtomicLong();

    public Worker(ExecutorRegistry registry, HxoPublisher publisher, PlanGate gate, PlannerConfig config,
            ResultStore store, ArtifactStore artifacts, ExecutionSlots slots) {
        this.slots = slots;
        this.store = store;
        this.artifacts = artifacts;
        this.registry = registry;
        this.publisher = publisher;
        this.gate = gate;
        this.worker = config.instanceId();
        AtomicInteger n = new AtomicInteger();
        this.pool = Executors.newFixedThreadPool(config.worker().threads(), r -> {
            Thread t = new Thread(r, "hxo-shard-" + n.incrementAndGet());
            t.setDaemon(true);
            return t;
        });
    }

    void stop(@Observes ShutdownEvent ev) {
        pool.shutdownNow();
        watchdog.shutdownNow();
    }

    /**
     * Takes the {@link CloudEvent}, not the typed batch: the converter runs on the channel's one
     * consumer thread and reads only the headers there; the batch's JSON is read here, once, on the
     * shard-worker thread, as many at a time as the pool runs.
     */
    @Incoming("tasks")
    @Blocking(value = "shard-workers", ordered = false)
    public void onTasks(CloudEvent ev) {
        ShardWork.TaskBatch batch;
        try {
            batch = ev.dataAs(ShardWork.TaskBatch.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped unreadable task event %s: %s", ev.id(), e.getMessage());
            return;
        }
        if (!gate.open(batch.planId())) {
            return; // the plan ended; its owner wants nothing more
        }
        String trace = PlanLog.traceOf(batch.planId());
        try (PlanLog log = PlanLog.with(batch.planId(), trace)) {
            runBatch(batch, trace);
        }
    }

    private void runBatch(ShardWork.TaskBatch batch, String trace) {
        HashAlg alg = HashAlg.fromWire(batch.hashAlg());
        Map<String, ResultStore.StoredResult> done = alreadyDone(batch.planId(), batch.tasks());
        List<CompletableFuture<ShardWork.Result>> futures = new ArrayList<>(batch.tasks().size());
        for (ShardWork.Task task : batch.tasks()) {
            ResultStore.StoredResult stored = done.get(task.casId());
            if (stored != null) {
                futures.add(CompletableFuture.completedFuture(new ShardWork.Result(task.stageId(), task.index(),
                        task.casId(), true, Hex.of(stored.digest()), null, null, false, System.currentTimeMillis(), 0,
                        task.attempt(), worker, true)));
            } else {
                // The plan's concurrency limit is enforced here, at execution: wait for a slot first.
                try {
                    slots.acquire(batch.planId(), batch.maxExecuting());
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    return; // shutting down: the owner sends what never ran again once its answer is overdue
                }
                futures.add(CompletableFuture.supplyAsync(() -> {
                    try (PlanLog log = PlanLog.with(batch.planId(), trace)) {
                        return run(batch.planId(), task, alg);
                    } finally {
                        slots.release(batch.planId());
                    }
                }, pool));
            }
        }
        List<ShardWork.Result> results = futures.stream().map(CompletableFuture::join).filter(Objects::nonNull)
                .toList();
        if (results.isEmpty()) {
            return;
        }
        CloudEvent out = publisher.event(ShardWork.RESULTS, batch.planId(),
                new ShardWork.ResultBatch(batch.planId(), results));
        try {
            publisher.publish(Topic.HXO_SHARD_RESULTS, out).join();
        } catch (CompletionException | CancellationException e) {
            // The broker was away longer than the delivery timeout. Throwing would fail the channel and
            // SmallRye would close this consumer for good; instead the owner, hearing nothing, sends the
            // tasks again: a pure shard runs again, an effect finds its recorded outcome (alreadyDone).
            Log.warnf("results of %d shards of plan %s not sent (%s); the owner will send their tasks again",
                    results.size(), batch.planId(), e.getCause() == null ? e.getMessage() : e.getCause().getMessage());
        }
    }

    /**
     * Shards of the batch already done (a task delivered again after its worker died): a pure shard
     * whose result is stored with its artifacts, and an effect whose outcome this plan recorded. They
     * are answered from the store, not run twice. An effect another plan recorded does not count: it
     * acts again here.
     */
    private Map<String, ResultStore.StoredResult> alreadyDone(String planId, List<ShardWork.Task> tasks) {
        try {
            // Instant shards cost less to run again than to look up.
            List<byte[]> pure = new ArrayList<>(tasks.size());
            List<byte[]> effects = new ArrayList<>();
            for (ShardWork.Task t : tasks) {
                ShardExecutor e = registry.executor(t.kind(), t.executor()).orElse(null);
                if (e != null && !e.cacheable()) {
                    effects.add(Hex.parseHash(t.casId()));
                } else if (e != null && !e.instant()) {
                    pure.add(Hex.parseHash(t.casId()));
                }
            }
            Map<String, ResultStore.StoredResult> found = new java.util.HashMap<>();
            if (!pure.isEmpty()) {
                found.putAll(store.storedResults(pure));
                java.util.Set<String> present = artifacts.existing(found.values().stream()
                        .flatMap(r -> java.util.Arrays.stream(r.artifacts())).toList());
                found.values().removeIf(r -> !present.containsAll(java.util.Arrays.asList(r.artifacts())));
            }
            if (!effects.isEmpty()) {
                found.putAll(store.storedEffects(java.util.UUID.fromString(planId), effects));
            }
            return found;
        } catch (StoreException e) {
            return Map.of(); // without the database, running the shard is the safe side
        }
    }

    /** Runs one shard; null when the plan ended before or while it ran (nobody wants its result). */
    ShardWork.Result run(String planId, ShardWork.Task task, HashAlg alg) {
        if (!gate.open(planId)) {
            return null;
        }
        ShardExecutor executor = registry.executor(task.kind(), task.executor())
                .filter(e -> e.version().equals(task.executorVersion())).orElse(null);
        long startedAt = System.currentTimeMillis();
        long start = System.nanoTime();
        if (executor == null) {
            return failure(task, "no executor " + task.kind() + "/" + task.executor() + " version "
                    + task.executorVersion() + " on this worker", false, startedAt, start);
        }
        Thread me = Thread.currentThread();
        AtomicBoolean timedOut = new AtomicBoolean();
        ScheduledFuture<?> dog = executor.instant() || task.timeoutMs() <= 0 ? null
                : watchdog.schedule(() -> {
                    timedOut.set(true);
                    me.interrupt();
                }, task.timeoutMs(), TimeUnit.MILLISECONDS);
        gate.started(planId, me);
        running.incrementAndGet();
        try {
            if (!executor.cacheable() && !claim(planId, task)) {
                return null; // another copy of this task is acting it out; its result is the one that counts
            }
            // An output PostgreSQL cannot store would fail its checkpoint on every retry.
            JsonNode output = JsonbText.storable(executor.run(task.inputs()));
            String digest = Hex.of(alg.hash(Jcs.canonicalize(executor.digestView(output))));
            if (!executor.cacheable()) {
                recordEffect(planId, task, executor, digest, output);
            }
            return new ShardWork.Result(task.stageId(), task.index(), task.casId(), true, digest, output, null, false,
                    startedAt, millisSince(start), task.attempt(), worker, false);
        } catch (Exception e) {
            if (timedOut.get()) {
                return failure(task, "timed out after " + task.timeoutMs() + " ms", true, startedAt, start);
            }
            if (gate.ended(planId)) {
                return null; // interrupted because the plan ended
            }
            return failure(task, e.getClass().getSimpleName() + ": " + e.getMessage(), false, startedAt, start);
        } finally {
            if (dog != null) {
                dog.cancel(false);
            }
            gate.finished(planId, me);
            running.decrementAndGet();
            Thread.interrupted(); // a late watchdog or abort must not leak into the next shard
        }
    }

    /**
     * An effect acts once per attempt: the first copy of its task claims it; a copy re-sent while the
     * first may still be acting stands aside. A claim twice the shard timeout old is a dead worker's.
     */
    private boolean claim(String planId, ShardWork.Task task) {
        return store.claimEffect(java.util.UUID.fromString(planId), Hex.parseHash(task.casId()), task.attempt(), worker,
                2 * Math.max(task.timeoutMs(), 1000));
    }

    private void recordEffect(String planId, ShardWork.Task task, ShardExecutor executor, String digest, JsonNode output) {
        try {
            store.effectDone(java.util.UUID.fromString(planId), new ResultStore.ResultRow(Hex.parseHash(task.casId()),
                    Hex.parseHash(digest), Json.text(output), task.kind(), task.executor(), task.executorVersion(),
                    new String[0], true));
        } catch (StoreException e) {
            // The owner stores the outcome with its checkpoint too; only a duplicate task could miss it.
            Log.warnf("effect %s of plan %s happened; its outcome waits for the checkpoint: %s", task.casId(), planId,
                    e.getMessage());
        }
    }

    private ShardWork.Result failure(ShardWork.Task task, String error, boolean timedOut, long startedAt, long start) {
        return new ShardWork.Result(task.stageId(), task.index(), task.casId(), false, null, null, error, timedOut,
                startedAt, millisSince(start), task.attempt(), worker, false);
    }

    public long running() {
        return running.get();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
