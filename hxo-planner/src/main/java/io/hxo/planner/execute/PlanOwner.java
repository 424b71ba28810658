package io.hxo.planner.execute;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.api.CommandHandler;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.plan.PlanValidator;
import io.hxo.planner.plan.ValidatedPlan;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Owns the plans keyed to the partitions this instance holds: takes their commands, checkpoints
 * their results in batches, advances their stages, dispatches their shards, and finishes them with
 * a Merkle root. All of it runs on one thread, so a plan's state needs no locks; a batch is
 * acknowledged only after its checkpoint is committed.
 */
@ApplicationScoped
public class PlanOwner {
    private final ExecutorService ownerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "hxo-owner"));
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hxo-owner-sweep");
        t.setDaemon(true);
        return t;
    });
    private final Map<UUID, PlanRun> runs = new HashMap<>();
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();

    @Inject
    PlanStore store;
    @Inject
    PlanValidator validator;
    @Inject
    HxoPublisher publisher;
    @Inject
    PlannerConfig config;
    @Inject
    CommandHandler commands;

    void init(@Observes io.quarkus.runtime.StartupEvent ev) {
        long every = Math.max(1000, config.shardTimeoutMs() / 4);
        sweeper.scheduleWithFixedDelay(() -> ownerThread.execute(this::requeueOverdue), every, every,
                TimeUnit.MILLISECONDS);
    }

    void stop(@Observes ShutdownEvent ev) {
        sweeper.shutdownNow();
        ownerThread.shutdown();
        try {
            ownerThread.awaitTermination(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Incoming("owner")
    public CompletionStage<Void> onBatch(ConsumerRecords<String, byte[]> records) {
        return CompletableFuture.runAsync(() -> process(records), ownerThread);
    }

    // ---- ownership

    /** Called by {@link OwnershipListener} on the consumer's thread. */
    void partitionsAssigned(Collection<TopicPartition> partitions) {
        Set<Integer> gained = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(Topic.HXO_COMMANDS.topicName()) && owned.add(tp.partition())) {
                gained.add(tp.partition());
            }
        }
        if (!gained.isEmpty() && !ownerThread.isShutdown()) {
            ownerThread.execute(() -> rehydrate(gained));
        }
    }

    void partitionsRevoked(Collection<TopicPartition> partitions) {
        Set<Integer> lost = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(Topic.HXO_COMMANDS.topicName()) && owned.remove(tp.partition())) {
                lost.add(tp.partition());
            }
        }
        if (!lost.isEmpty() && !ownerThread.isShutdown()) {
            ownerThread.execute(() -> runs.values().removeIf(run -> lost.contains(run.partition)));
        }
    }

    public Set<Integer> ownedPartitions() {
        return Set.copyOf(owned);
    }

    /** Resumes the unfinished plans of newly owned partitions from their checkpoints. */
    private void rehydrate(Set<Integer> partitions) {
        for (UUID planId : store.unfinishedPlans(partitions)) {
            if (runs.containsKey(planId)) {
                continue;
            }
            try {
                resume(planId);
            } catch (RuntimeException | PlanRejected e) {
                Log.errorf(e, "cannot resume plan %s", planId);
            }
        }
    }

    private void resume(UUID planId) throws PlanRejected {
        PlanStore.StoredPlan stored = store.plan(planId).orElseThrow();
        if (!"running".equals(stored.status())) {
            return;
        }
        ValidatedPlan plan = validator.validate(stored.spec(), Integer.MAX_VALUE);
        PlanRun run = new PlanRun(planId, plan, HashAlg.fromWire(stored.hashAlg()), stored.partition());
        run.status = stored.status();
        run.createdAt = stored.createdAt();
        run.startedAt = stored.startedAt();
        run.nextCheckpointSeq = store.readLeaves(planId, run::restore);
        runs.put(planId, run);
        Log.infof("resumed plan %s: %d of %d shards already done", planId, run.done, run.total);
        advance(run);
    }

    // ---- the batch loop

    private void process(ConsumerRecords<String, byte[]> records) {
        Set<PlanRun> touched = new HashSet<>();
        for (ConsumerRecord<String, byte[]> rec : records) {
            try {
                CloudEvent ev = KafkaBinding.fromRecord(rec);
                if (rec.topic().equals(Topic.HXO_COMMANDS.topicName())) {
                    commands.handle(ev, rec.partition());
                } else {
                    onResults(ev.dataAs(ShardWork.ResultBatch.class), touched);
                }
            } catch (IllegalArgumentException e) {
                Log.warnf("skipped unreadable record %s-%d@%d: %s", rec.topic(), rec.partition(), rec.offset(),
                        e.getMessage());
            } catch (PlanStore.StoreException e) {
                throw e; // not acknowledged: the batch comes back once the database does
            } catch (RuntimeException e) {
                Log.errorf(e, "skipped record %s-%d@%d", rec.topic(), rec.partition(), rec.offset());
            }
        }
        checkpoint(touched);
        for (PlanRun run : touched) {
            advance(run);
        }
    }

    private void onResults(ShardWork.ResultBatch batch, Set<PlanRun> touched) {
        PlanRun run = runs.get(UUID.fromString(batch.planId()));
        if (run == null) {
            return; // finished, aborted, or owned elsewhere: a late duplicate changes nothing
        }
        for (ShardWork.Result r : batch.results()) {
            int leaf = r.index();
            if (leaf < 0 || leaf >= run.total || !run.casHex(leaf).equals(r.casId())) {
                continue;
            }
            if (r.ok()) {
                byte[] digest = Hex.parseHash(r.outputDigest());
                if (run.settle(leaf, digest, false)) {
                    PlanRun.StageRun s = run.stageOf(leaf);
                    run.unsavedResults.add(new PlanStore.ResultRow(run.casId(leaf), digest,
                            r.output() == null ? null : Json.text(r.output()), s.spec.kind(), s.spec.executor(),
                            s.spec.executorVersion()));
                }
            } else if (run.fail(leaf, config.healDepthLimit())) {
                run.error = "shard " + leaf + " (" + r.casId() + ") failed " + config.healDepthLimit()
                        + " times; last error: " + r.error();
            }
        }
        touched.add(run);
    }

    /** Commits what the runs settled since their last checkpoint, retrying until the database answers. */
    private void checkpoint(Collection<PlanRun> runsToSave) {
        List<PlanStore.PlanCheckpoint> batch = new ArrayList<>();
        List<PlanRun> saving = new ArrayList<>();
        for (PlanRun run : runsToSave) {
            if (run.unsaved.isEmpty() && run.failedUnsaved == 0) {
                continue;
            }
            int cachedNow = run.unsavedCached();
            batch.add(new PlanStore.PlanCheckpoint(run.planId, run.nextCheckpointSeq, run.unsavedLeaves(),
                    List.copyOf(run.unsavedResults), run.unsaved.size(), cachedNow, run.failedUnsaved));
            saving.add(run);
        }
        if (batch.isEmpty()) {
            return;
        }
        retrying("checkpoint", () -> store.checkpoint(batch));
        for (int i = 0; i < saving.size(); i++) {
            PlanRun run = saving.get(i);
            List<Events.Leaf> leaves = new ArrayList<>(run.unsaved.size());
            for (int leaf : run.unsaved) {
                leaves.add(new Events.Leaf(leaf, run.casHex(leaf), Hex.of(run.digests, leaf * 32, 32), run.cached[leaf]));
            }
            if (!leaves.isEmpty()) {
                publisher.emit(Topic.HXO_SHARD_DONE, run.planId.toString(),
                        new Events.ShardsDone(run.planId.toString(), leaves));
            }
            run.saved();
        }
    }

    /** Moves a plan forward: prepares stages whose inputs are ready, closes finished stages, dispatches. */
    private void advance(PlanRun run) {
        if (!"running".equals(run.status)) {
            return;
        }
        boolean changed = true;
        while (changed && !run.halted()) {
            changed = false;
            for (PlanRun.StageRun s : run.stagesToPrepare()) {
                run.prepare(s);
                publisher.emit(Topic.HXO_SHARD_CREATED, run.planId.toString(),
                        new Events.ShardsCreated(run.planId.toString(), s.spec.id(), s.first(), s.size()));
                serveFromCache(run, s);
                changed = true;
            }
            for (PlanRun.StageRun s : run.stages) {
                if (run.stageComplete(s)) {
                    s.root = run.root(s.first(), s.first() + s.size());
                    s.finished = true;
                    changed = true;
                }
            }
        }
        checkpoint(List.of(run));
        if (run.halted()) {
            halt(run);
        } else if (run.allFinished()) {
            complete(run);
        } else {
            dispatch(run);
        }
    }

    /** Shards whose CAS id already has a stored result are settled without running. */
    private void serveFromCache(PlanRun run, PlanRun.StageRun s) {
        final int chunk = 5000;
        for (int from = 0; from < s.size(); from += chunk) {
            int to = Math.min(s.size(), from + chunk);
            List<byte[]> ids = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                if (run.state[s.first() + i] == PlanRun.PENDING) {
                    ids.add(run.casId(s.first() + i));
                }
            }
            Map<String, byte[]> found = retrying("cache lookup", () -> store.storedResults(ids));
            if (found.isEmpty()) {
                continue;
            }
            for (int i = from; i < to; i++) {
                byte[] digest = found.get(run.casHex(s.first() + i));
                if (digest != null) {
                    run.settle(s.first() + i, digest, true);
                }
            }
        }
    }

    private void dispatch(PlanRun run) {
        int free = run.plan.maxConcurrency() - run.inFlight;
        if (free <= 0) {
            return;
        }
        List<Integer> leaves = run.take(free, System.currentTimeMillis());
        int size = config.dispatch().batchSize();
        for (int from = 0; from < leaves.size(); from += size) {
            List<Integer> part = leaves.subList(from, Math.min(leaves.size(), from + size));
            List<ShardWork.Task> tasks = new ArrayList<>(part.size());
            for (int leaf : part) {
                PlanRun.StageRun s = run.stageOf(leaf);
                tasks.add(new ShardWork.Task(s.spec.id(), leaf, run.casHex(leaf), s.spec.kind(), s.spec.executor(),
                        s.spec.executorVersion(), s.spec.shards().input(leaf - s.first()), run.attempts[leaf] + 1,
                        config.shardTimeoutMs()));
            }
            CloudEvent ev = publisher.event(ShardWork.TASKS, run.planId.toString(),
                    new ShardWork.TaskBatch(run.planId.toString(), run.alg.wireName(), tasks))
                    .withPartitionKey(run.planId + "/" + part.get(0));
            publisher.publish(Topic.HXO_SHARD_TASKS, ev).exceptionally(e -> {
                Log.warnf("task batch for plan %s not sent (%s); the sweep will resend it", run.planId, e.getMessage());
                return null;
            });
        }
    }

    private void complete(PlanRun run) {
        String root = run.root(0, run.total);
        Instant now = Instant.now();
        retrying("finish", () -> {
            for (PlanRun.StageRun s : run.stages) {
                store.saveStageRoot(run.planId, s.spec.id(), s.root);
            }
            store.finish(run.planId, "completed", root, null, now);
        });
        run.status = "completed";
        runs.remove(run.planId);
        publisher.emit(Topic.HXO_AGGREGATE_READY, run.planId.toString(),
                new Events.AggregateReady(run.planId.toString(), root, run.total, run.alg.wireName()));
        planChanged(run.planId, run.name, "completed", run.total, root, run.alg);
        Log.infof("plan %s completed: %d shards (%d cached), root %s", run.planId, run.total, run.cachedCount, root);
    }

    private void halt(PlanRun run) {
        retrying("halt", () -> store.finish(run.planId, "halted", null, run.error, Instant.now()));
        run.status = "halted";
        runs.remove(run.planId);
        planChanged(run.planId, run.name, "halted", run.total, null, run.alg);
        publisher.emit(Topic.HXO_ALERT, run.planId.toString(), new Events.Alert("guardian.halt", "critical",
                run.planId.toString(), "hxo-planner", run.error, Map.of("heal_depth_limit", config.healDepthLimit())));
        Log.warnf("plan %s halted: %s", run.planId, run.error);
    }

    private void requeueOverdue() {
        long cutoff = System.currentTimeMillis() - (2 * config.shardTimeoutMs() + 5000);
        for (PlanRun run : List.copyOf(runs.values())) {
            if (run.requeueOverdue(cutoff) > 0) {
                dispatch(run);
            }
        }
    }

    // ---- used by the command handler (always on the owner thread)

    /** Starts a freshly stored plan on this owner. */
    public void start(UUID planId, ValidatedPlan plan, HashAlg alg, int partition) {
        PlanRun run = new PlanRun(planId, plan, alg, partition);
        Instant now = Instant.now();
        retrying("start", () -> store.markRunning(planId, now));
        run.status = "running";
        run.startedAt = now;
        runs.put(planId, run);
        planChanged(planId, plan.name(), "running", plan.totalShards(), null, alg);
        advance(run);
    }

    public Optional<PlanStatus> liveStatus(UUID planId) {
        PlanRun run = runs.get(planId);
        if (run == null) {
            return Optional.empty();
        }
        return Optional.of(new PlanStatus(planId.toString(), run.name, run.status, run.total, run.counts(), null,
                run.alg.wireName(), null, run.createdAt, run.startedAt, null, null, run.stageStatuses()));
    }

    public void planChanged(UUID planId, String name, String status, long total, String root, HashAlg alg) {
        publisher.emit(Topic.HXO_PLAN, planId.toString(),
                new Events.PlanChanged(planId.toString(), name, status, total, root, alg.wireName(), Instant.now()));
    }

    private void retrying(String what, Runnable work) {
        retrying(what, () -> {
            work.run();
            return null;
        });
    }

    /** Runs a store operation until it succeeds: nothing is acknowledged before it is durable. */
    private <T> T retrying(String what, java.util.function.Supplier<T> work) {
        long backoff = 100;
        while (true) {
            try {
                return work.get();
            } catch (PlanStore.StoreException e) {
                Log.warnf("%s failed (%s); retrying in %d ms", what, e.getMessage(), backoff);
                try {
                    Thread.sleep(backoff);
                } catch (InterruptedException ie) {
                    Thread.currentThread().interrupt();
                    throw e;
                }
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }
}
