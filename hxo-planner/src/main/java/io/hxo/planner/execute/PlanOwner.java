package io.hxo.planner.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.netflix.concurrency.limits.Limit;
import com.netflix.concurrency.limits.limit.Gradient2Limit;
import io.hxo.contracts.consensus.Ballot;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.api.CommandHandler;
import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.announce.Outbox;
import io.hxo.planner.announce.PlanEvents;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.plan.PlanValidator;
import io.hxo.planner.plan.ValidatedPlan;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
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
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Owns the plans keyed to the partitions this instance holds: takes their commands, checkpoints
 * their results in batches, advances their stages, dispatches their shards, splits slow ones, and
 * finishes them with a Merkle root. All of it runs on one thread, so a plan's state needs no locks;
 * a batch is acknowledged only after its checkpoint is committed.
 */
@ApplicationScoped
public class PlanOwner {
    private static final int AUTOSPLIT_MIN_SAMPLES = 3;
    /** How long a plan taken over from another owner waits for that owner's unrecorded results. */
    private static final long RESUME_GRACE_MS = 1500;
    /**
     * How long a completed plan may go without a consensus decision (plus its round's allowance for
     * its leaves) before its owner announces it again. By then the gateway's round for it is over: the
     * announcement was lost (the owner stopped between storing the plan and announcing it) or reached
     * no gateway. Validators vote on the new announcement as on the first. Each further announcement
     * waits twice as long as the one before.
     */
    private static final Duration UNDECIDED_FOR = Events.VOTE_WINDOW;
    /**
     * Plans completed longer ago are not announced again: their leaves may have left the
     * {@code hxo.shard.done} topic, so a validator reading it could only vote that it has none.
     */
    private static final Duration UNDECIDED_HORIZON = Duration.ofDays(1);
    /** Announcements per check, so a backlog (after a long gateway outage) never holds the owner long. */
    private static final int UNDECIDED_PER_CHECK = 20;

    private final ExecutorService ownerThread = Executors.newSingleThreadExecutor(r -> new Thread(r, "hxo-owner"));
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hxo-owner-sweep");
        t.setDaemon(true);
        return t;
    });
    private final Map<UUID, PlanRun> runs = new HashMap<>();
    /** Undecided plans this instance announced again: when it may next, and its wait after that (owner thread only). */
    private final Map<UUID, Reannounced> reannounced = new HashMap<>();

    private record Reannounced(Instant nextAt, Duration delay) {
    }
    private final Set<Integer> owned = ConcurrentHashMap.newKeySet();
    /** While draining, nothing new is dispatched; results keep being checkpointed. */
    private volatile boolean draining;
    private volatile int inFlightNow;
    private volatile int activePlans;
    /** Finished plans read back for proofs, most recent last. */
    private final LinkedHashMap<UUID, FinishedTree> trees = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, FinishedTree> eldest) {
            return size() > 4;
        }
    };

    record FinishedTree(PlanRun run, int[] order, MerkleTree tree) {
    }

    @Inject
    PlanStore store;
    @Inject
    PlanValidator validator;
    @Inject
    HxoPublisher publisher;
    static final int LEAVES_PER_EVENT = 2000;
    @Inject
    PlannerConfig config;
    @Inject
    io.hxo.planner.consensus.RootVoter voter;
    @Inject
    CommandHandler commands;
    @Inject
    ExecutorRegistry registry;
    @Inject
    PlanGate gate;
    @Inject
    EngineMetrics metrics;
    @Inject
    ArtifactStore artifacts;
    @Inject
    PlanEvents events;
    @Inject
    Outbox outbox;

    void init(@Observes StartupEvent ev) {
        sweeper.scheduleWithFixedDelay(() -> ownerThread.execute(this::sweep), 200, 200, TimeUnit.MILLISECONDS);
        long check = config.undecidedCheckSeconds();
        if (check > 0) {
            sweeper.scheduleWithFixedDelay(() -> ownerThread.execute(
                    () -> reannounceUndecided(Instant.now(), UNDECIDED_PER_CHECK)), check, check, TimeUnit.SECONDS);
        }
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
        for (UUID planId : retrying("find unfinished plans", () -> store.unfinishedPlans(partitions))) {
            if (runs.containsKey(planId)) {
                continue;
            }
            try {
                PlanRun run = load(planId);
                if ("running".equals(run.status)) {
                    run.holdUntilNanos = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(RESUME_GRACE_MS);
                    runs.put(planId, run);
                    announceRestored(run);
                    Log.infof("resumed plan %s: %d of %d shards already done", planId, run.done, run.totalLeaves());
                    advance(run);
                }
            } catch (RuntimeException | PlanRejected e) {
                Log.errorf(e, "cannot resume plan %s", planId);
            }
        }
    }

    /**
     * Announces again every leaf the store holds for a resumed plan. The previous owner may have
     * checkpointed leaves and died before announcing them; validators folding hxo.shard.done would
     * then miss them. A leaf announced twice counts once (validators keep one per slot).
     */
    private void announceRestored(PlanRun run) {
        List<Events.Leaf> leaves = new ArrayList<>();
        for (int slot : run.leafOrder()) {
            if (run.state[slot] == PlanRun.DONE) {
                leaves.add(new Events.Leaf(slot, run.order(slot), run.casHex(slot), run.digestHex(slot), run.cached[slot]));
            }
        }
        announce(run, leaves);
    }

    /**
     * Publishes leaves on hxo.shard.done in events of at most LEAVES_PER_EVENT leaves (~400 KB): a
     * checkpoint can settle 100,000 shards, far over the producer's 1 MB record limit. Each event is
     * sent until the broker has it: a validator missing a leaf could not vote the plan's root.
     */
    private void announce(PlanRun run, List<Events.Leaf> leaves) {
        for (int from = 0; from < leaves.size(); from += LEAVES_PER_EVENT) {
            outbox.emit(Topic.HXO_SHARD_DONE, run.planId.toString(), new Events.ShardsDone(run.planId.toString(),
                    leaves.subList(from, Math.min(leaves.size(), from + LEAVES_PER_EVENT))));
        }
    }

    /** Rebuilds a plan's run from the store: spec, stored inputs, splits, then checkpointed leaves. */
    PlanRun load(UUID planId) throws PlanRejected {
        PlanStore.StoredPlan stored = store.plan(planId).orElseThrow();
        ValidatedPlan plan = validator.revalidate(stored.spec(), store.storedInputs(planId));
        PlanRun run = new PlanRun(planId, plan, HashAlg.fromWire(stored.hashAlg()), stored.partition(),
                limiter(plan));
        run.status = stored.status();
        run.error = stored.error();
        run.createdAt = stored.createdAt();
        run.startedAt = stored.startedAt();
        store.splits(planId).forEach(run::restoreSplit);
        run.nextCheckpointSeq = store.readLeaves(planId, run::restore);
        return run;
    }

    private Limit limiter(ValidatedPlan plan) {
        if (!config.alirEnabled()) {
            return null;
        }
        int max = plan.maxConcurrency();
        return Gradient2Limit.newBuilder().initialLimit(Math.max(1, Math.min(max, 32))).minLimit(1)
                .maxConcurrency(max).build();
    }

    // ---- the batch loop

    private void process(ConsumerRecords<String, byte[]> records) {
        Set<PlanRun> touched = new LinkedHashSet<>();
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
        advance(touched);
        publishGauges(0);
    }

    private void onResults(ShardWork.ResultBatch batch, Set<PlanRun> touched) {
        PlanRun run = runs.get(UUID.fromString(batch.planId()));
        if (run == null || !"running".equals(run.status)) {
            return; // finished, aborted, or owned elsewhere: a late duplicate changes nothing
        }
        long now = System.nanoTime();
        List<Events.ShardFailed> retried = new ArrayList<>();
        List<Events.ShardFailed> lost = new ArrayList<>();
        for (ShardWork.Result r : batch.results()) {
            int slot = r.index();
            if (slot < 0 || slot >= run.slots || !run.casHex(slot).equals(r.casId())) {
                continue;
            }
            // A result for a shard not in flight here is still good work when the shard is pending:
            // after a takeover, results the old owner never checkpointed arrive again, and using them
            // saves running those shards twice. Failures only count for shards in flight.
            boolean inFlightHere = run.state[slot] == PlanRun.IN_FLIGHT;
            if (!inFlightHere && !(r.ok() && run.state[slot] == PlanRun.PENDING)) {
                continue;
            }
            PlanRun.StageRun s = run.stageOf(slot);
            if (run.limit != null && inFlightHere) {
                run.limit.onSample(run.dispatchedNanos[slot], now - run.dispatchedNanos[slot], run.inFlight,
                        r.timedOut());
            }
            s.durations.recordValue(Math.min(Math.max(r.durationMs(), 0), 3_600_000L));
            if (r.ok()) {
                byte[] digest = Hex.parseHash(r.outputDigest());
                if (r.reused()) {
                    // The worker found this shard's result already stored: nothing new to record. An
                    // effect's stored outcome is this plan's own (a task delivered twice), not a cache hit.
                    if (run.settle(slot, digest, !s.spec.effect())) {
                        metrics.cached(1);
                    }
                } else if (run.settle(slot, digest, false)) {
                    metrics.done(s.spec.kind(), r.durationMs());
                    run.countWork(slot);
                    run.unsavedResults.add(new PlanStore.ResultRow(run.casId(slot), digest,
                            r.output() == null ? null : Json.text(r.output()), s.spec.kind(), s.spec.executor(),
                            s.spec.executorVersion(), artifactsOf(r.output()), s.spec.effect()));
                }
                continue;
            }
            // A timed-out shard is split when it can be, rather than tried again as it is.
            if (r.timedOut() && config.autosplitFactor() > 1 && splittable(run, slot)) {
                run.inFlight--;
                s.inFlight--;
                run.state[slot] = PlanRun.PENDING;
                if (!split(run, slot, "timeout").isEmpty()) {
                    continue;
                }
                run.state[slot] = PlanRun.IN_FLIGHT;
                run.inFlight++;
                s.inFlight++;
            }
            boolean last = run.fail(slot, config.healDepthLimit(), backoff(run.attempts[slot] + 1), r.error());
            Events.ShardFailed f = new Events.ShardFailed(run.planId.toString(), s.spec.id(), slot, r.casId(),
                    r.attempt(), last, r.error());
            if (last) {
                metrics.failed();
                lost.add(f);
                run.error = "shard " + slot + " (" + r.casId() + ") of stage " + s.spec.id() + " failed "
                        + run.attempts[slot] + " times; last error: " + r.error();
            } else {
                retried.add(f);
            }
        }
        retried.forEach(f -> publisher.emit(Topic.HXO_SHARD_RETRY, run.planId.toString(), f));
        lost.forEach(f -> publisher.emit(Topic.HXO_SHARD_FAILED, run.planId.toString(), f));
        touched.add(run);
    }

    private static String[] artifactsOf(JsonNode output) {
        JsonNode a = output == null ? null : output.get("artifacts");
        if (a == null || !a.isArray()) {
            return new String[0];
        }
        String[] out = new String[a.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = a.get(i).asText();
        }
        return out;
    }

    /** Exponential backoff with jitter before attempt {@code attempt} (the second attempt waits the base). */
    private long backoff(int attempt) {
        long base = config.retry().baseMs() << Math.min(20, Math.max(0, attempt - 1));
        long capped = Math.min(config.retry().maxMs(), base);
        return capped / 2 + ThreadLocalRandom.current().nextLong(capped / 2 + 1);
    }

    /** Commits what the runs settled since their last checkpoint, retrying until the database answers. */
    private void checkpoint(Collection<PlanRun> runsToSave) {
        checkpoint(runsToSave, List.of());
    }

    /**
     * Commits what the runs settled, and the completions, in one transaction; then announces the
     * settled leaves (before any completed plan's root, so validators find them).
     */
    private void checkpoint(Collection<PlanRun> runsToSave, List<PlanStore.Completion> completions) {
        List<PlanStore.PlanCheckpoint> batch = new ArrayList<>();
        List<PlanRun> saving = new ArrayList<>();
        for (PlanRun run : runsToSave) {
            if (!run.hasUnsaved()) {
                continue;
            }
            batch.add(new PlanStore.PlanCheckpoint(run.planId, run.nextCheckpointSeq, run.unsavedLeaves(),
                    List.copyOf(run.unsavedResults), run.unsaved.size(), run.unsavedCached(),
                    List.copyOf(run.unsavedFailures), List.copyOf(run.unsavedSplits)));
            saving.add(run);
        }
        if (batch.isEmpty() && completions.isEmpty()) {
            return;
        }
        retrying("checkpoint", () -> store.checkpoint(batch, completions));
        for (PlanRun run : saving) {
            List<Events.Leaf> leaves = new ArrayList<>(run.unsaved.size());
            for (int slot : run.unsaved) {
                leaves.add(new Events.Leaf(slot, run.order(slot), run.casHex(slot), run.digestHex(slot), run.cached[slot]));
            }
            announce(run, leaves);
            run.saved();
        }
    }

    private void advance(PlanRun run) {
        advance(List.of(run));
    }

    /**
     * Moves plans forward: prepares stages whose inputs are ready and closes finished ones, commits
     * what the plans settled in one transaction (a plan that finished with its stage roots and end,
     * see {@link PlanStore#checkpoint}), then ends, completes or dispatches each plan.
     */
    private void advance(Collection<PlanRun> toAdvance) {
        List<PlanRun> moving = new ArrayList<>(toAdvance.size());
        Map<UUID, Completed> completing = new LinkedHashMap<>();
        for (PlanRun run : toAdvance) {
            if (!"running".equals(run.status)) {
                continue;
            }
            settleStages(run);
            if (run.failed == 0 && run.allFinished()) {
                completing.put(run.planId, completing(run));
            }
            moving.add(run);
        }
        checkpoint(toAdvance, completing.values().stream().map(Completed::row).toList());
        for (PlanRun run : moving) {
            Completed done = completing.get(run.planId);
            if (run.failed > 0) {
                end(run, "halted", run.error);
                publisher.emit(Topic.HXO_ALERT, run.planId.toString(), new Events.Alert("guardian.halt", "critical",
                        run.planId.toString(), "hxo-planner", run.error,
                        Map.of("heal_depth_limit", config.healDepthLimit())));
            } else if (done != null) {
                completed(run, done);
            } else {
                dispatch(run);
            }
        }
    }

    /** Prepares the stages whose inputs are ready and computes the roots of the stages that finished. */
    private void settleStages(PlanRun run) {
        boolean changed = true;
        while (changed && run.failed == 0) {
            changed = false;
            for (PlanRun.StageRun s : run.stagesToPrepare()) {
                run.prepare(s);
                metrics.created(s.originals());
                publisher.emit(Topic.HXO_SHARD_CREATED, run.planId.toString(),
                        new Events.ShardsCreated(run.planId.toString(), s.spec.id(), s.first(), s.originals()));
                serveFromCache(run, s);
                changed = true;
            }
            for (PlanRun.StageRun s : run.stages) {
                if (run.stageComplete(s)) {
                    long t0 = System.nanoTime();
                    s.root = run.stageRoot(s);
                    s.rootNanos = System.nanoTime() - t0;
                    s.finished = true;
                    checkSlo(run, s);
                    changed = true;
                }
            }
        }
        autosplit(run);
    }

    /** Shards whose CAS id already has a stored result are settled without running. */
    private void serveFromCache(PlanRun run, PlanRun.StageRun s) {
        if (s.spec.effect()) {
            return; // an effect's stored outcome is another plan's: it runs again here
        }
        final int chunk = 5000;
        for (int from = 0; from < s.originals(); from += chunk) {
            int to = Math.min(s.originals(), from + chunk);
            List<byte[]> ids = new ArrayList<>(to - from);
            for (int i = from; i < to; i++) {
                if (run.state[s.first() + i] == PlanRun.PENDING) {
                    ids.add(run.casId(s.first() + i));
                }
            }
            Map<String, PlanStore.StoredResult> found = retrying("cache lookup", () -> store.storedResults(ids));
            Set<String> present = retrying("artifact lookup", () -> artifacts.existing(found.values().stream()
                    .flatMap(r -> java.util.Arrays.stream(r.artifacts())).toList()));
            int served = 0;
            for (int i = from; i < to; i++) {
                PlanStore.StoredResult hit = found.get(run.casHex(s.first() + i));
                // A result whose artifacts are gone is run again, never served.
                if (hit != null && present.containsAll(java.util.Arrays.asList(hit.artifacts()))
                        && run.settle(s.first() + i, hit.digest(), true)) {
                    served++;
                }
            }
            metrics.cached(served);
        }
    }

    private boolean splittable(PlanRun run, int slot) {
        return !run.stageOf(slot).spec.effect() && run.depth[slot] < config.healDepthLimit();
    }

    /** Splits a pending shard into children when its executor can; reports it when it cannot. */
    private List<Integer> split(PlanRun run, int slot, String reason) {
        PlanRun.StageRun s = run.stageOf(slot);
        ShardExecutor executor = registry.executor(s.spec.kind(), s.spec.executor()).orElse(null);
        List<JsonNode> children = executor == null || s.spec.effect() ? List.of()
                : executor.split(run.input(slot), config.autosplitFactor());
        if (children.size() < 2) {
            publisher.emit(Topic.HXO_AUTOTUNE_SIGNAL, run.planId.toString(), new Events.AutotuneSignal(
                    run.planId.toString(), "unsplittable", s.spec.id(), Map.of("slot", slot, "cas_id", run.casHex(slot),
                    "reason", reason)));
            return List.of();
        }
        String parentId = run.casHex(slot);
        List<Integer> made = run.split(slot, children, reason);
        metrics.split(1);
        publisher.emit(Topic.HXO_SHARD_SPLIT, run.planId.toString(), new Events.ShardSplit(run.planId.toString(),
                s.spec.id(), slot, parentId, made, reason));
        return made;
    }

    /**
     * Autosplit: when a stage's measured p95 exceeds {@code HXO_AUTOSPLIT_P95_MS}, its splittable
     * shards not yet dispatched are split, so the tail does not decide the plan's duration.
     */
    private void autosplit(PlanRun run) {
        for (PlanRun.StageRun s : run.stages) {
            if (!s.prepared || s.finished || s.spec.effect() || s.durations.getTotalCount() < AUTOSPLIT_MIN_SAMPLES
                    || s.p95() <= config.autosplitP95Ms()) {
                continue;
            }
            int n = 0;
            for (int slot : run.untouched(s)) {
                if (splittable(run, slot) && !split(run, slot, "p95").isEmpty()) {
                    n++;
                }
            }
            if (n > 0) {
                publisher.emit(Topic.HXO_AUTOTUNE_SIGNAL, run.planId.toString(), new Events.AutotuneSignal(
                        run.planId.toString(), "autosplit", s.spec.id(), Map.of("p95_ms", s.p95(),
                        "threshold_ms", config.autosplitP95Ms(), "split", n, "factor", config.autosplitFactor())));
            }
        }
    }

    private void dispatch(PlanRun run) {
        int window = run.window();
        publishGauges(window);
        if (draining || System.nanoTime() - run.holdUntilNanos < 0) {
            return;
        }
        int free = window - run.inFlight;
        if (free <= 0) {
            return;
        }
        List<Integer> slots = run.take(free, System.nanoTime());
        int size = Math.max(1, Math.min(config.dispatch().batchSize(), window / 16));
        for (int from = 0; from < slots.size(); from += size) {
            List<Integer> part = slots.subList(from, Math.min(slots.size(), from + size));
            List<ShardWork.Task> tasks = new ArrayList<>(part.size());
            for (int slot : part) {
                PlanRun.StageRun s = run.stageOf(slot);
                tasks.add(new ShardWork.Task(s.spec.id(), slot, run.casHex(slot), s.spec.kind(), s.spec.executor(),
                        s.spec.executorVersion(), run.input(slot), run.attempts[slot] + 1, config.shardTimeoutMs()));
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

    private void publishGauges(int window) {
        int n = 0;
        for (PlanRun r : runs.values()) {
            n += r.inFlight;
        }
        inFlightNow = n;
        activePlans = runs.size();
        metrics.gauges(n, window);
    }

    /** Shards in flight for the plans this instance owns (read from any thread). */
    public int inFlight() {
        return inFlightNow;
    }

    public int activePlans() {
        return activePlans;
    }

    void setDraining(boolean on) {
        draining = on;
        if (!on && !ownerThread.isShutdown()) {
            ownerThread.execute(() -> List.copyOf(runs.values()).forEach(this::dispatch));
        }
    }

    /** A plan whose every stage finished: its root and what its completion stores. */
    private record Completed(PlanStore.Completion row, int leaves, long rootMs) {
    }

    private Completed completing(PlanRun run) {
        long t0 = System.nanoTime();
        String root = run.planRoot();
        long rootMs = (System.nanoTime() - t0 + run.stages.stream().mapToLong(s -> s.rootNanos).sum()) / 1_000_000;
        Map<String, String> stageRoots = new LinkedHashMap<>();
        List<PlanStore.KindStat> kindStats = new ArrayList<>();
        for (PlanRun.StageRun s : run.stages) {
            stageRoots.put(s.spec.id(), s.root);
            if (s.durations.getTotalCount() > 0) {
                kindStats.add(new PlanStore.KindStat(s.spec.kind(), s.spec.executor(), s.durations.getTotalCount(),
                        s.durations.getMean(), s.p95(), s.itemsRun, s.bytesRun));
            }
        }
        return new Completed(new PlanStore.Completion(run.planId, stageRoots, kindStats, root, Instant.now()),
                run.totalLeaves(), rootMs);
    }

    /** After the completion committed: the plan leaves memory and its root goes out. */
    private void completed(PlanRun run, Completed done) {
        String root = done.row().merkleRoot();
        run.status = "completed";
        runs.remove(run.planId);
        announceCompleted(run, root, done.leaves());
        long readyMs = (System.nanoTime() - run.lastSettledNanos) / 1_000_000;
        events.changed(run.planId, run.name, "completed", done.leaves(), root, run.alg);
        Log.infof("plan %s completed: %d shards (%d cached, %d split), root %s (roots took %d ms; root ready %d ms"
                + " after the last result, its checkpoint included)", run.planId, done.leaves(), run.cachedCount,
                run.splitCount, root, done.rootMs(), readyMs);
    }

    /**
     * What follows a stored completion: the root ready for consensus, and this planner's own vote.
     * Nothing is deployed yet: a deployment follows certification ({@code Certification}).
     */
    private void announceCompleted(PlanRun run, String root, int leaves) {
        Events.AggregateReady ready = new Events.AggregateReady(run.planId.toString(), root, leaves,
                run.alg.wireName(), run.startedAt != null ? run.startedAt : run.createdAt);
        outbox.emit(Topic.HXO_AGGREGATE_READY, run.planId.toString(), ready);
        voter.voteOn(ready);
    }

    /**
     * Announces again the completed plans of the owned partitions whose decision is overdue: first
     * {@link #UNDECIDED_FOR} (plus the round's leaf allowance) after completing, then after twice the
     * previous wait, for plans completed within {@link #UNDECIDED_HORIZON}, newest first, at most
     * {@code atMost} of them; returns the plans it announced. Runs on the owner thread every
     * {@code HXO_UNDECIDED_CHECK_SECONDS}; callable with another clock for tests.
     */
    public List<UUID> announceUndecided(Instant now, int atMost) {
        return CompletableFuture.supplyAsync(() -> reannounceUndecided(now, atMost), ownerThread).join();
    }

    private List<UUID> reannounceUndecided(Instant now, int atMost) {
        List<UUID> announced = new ArrayList<>();
        List<PlanStore.Undecided> undecided;
        try {
            undecided = store.undecidedPlans(owned, now.minus(UNDECIDED_HORIZON));
        } catch (PlanStore.StoreException e) {
            Log.warnf("could not look for plans waiting for a decision: %s", e.getMessage());
            return announced;
        }
        reannounced.keySet().retainAll(undecided.stream().map(PlanStore.Undecided::planId).toList());
        for (PlanStore.Undecided u : undecided) {
            Duration firstWait = UNDECIDED_FOR.plusMillis(Ballot.leafAllowanceMs(u.totalShards()));
            Reannounced before = reannounced.getOrDefault(u.planId(),
                    new Reannounced(u.finishedAt().plus(firstWait), firstWait));
            if (before.nextAt().isAfter(now) || announced.size() >= atMost) {
                continue;
            }
            try {
                PlanRun run = load(u.planId());
                if (!"completed".equals(run.status)) {
                    continue; // decided since the list was read: a new round could only fail
                }
                announceCompleted(run, u.merkleRoot(), run.totalLeaves());
                Duration delay = before.delay().multipliedBy(2);
                reannounced.put(u.planId(), new Reannounced(now.plus(delay), delay));
                announced.add(u.planId());
                Log.warnf("plan %s completed at %s and has no consensus decision; announced its root again",
                        u.planId(), u.finishedAt());
            } catch (RuntimeException | PlanRejected e) {
                Log.errorf(e, "cannot announce plan %s again", u.planId());
            }
        }
        return announced;
    }

    /** Ends a plan without a root (halted, aborted, timed out): stored, announced, gone from memory. */
    private void end(PlanRun run, String status, String why) {
        retrying(status, () -> store.finish(run.planId, status, why, Instant.now()));
        run.status = status;
        runs.remove(run.planId);
        publishGauges(0);
        gate.end(run.planId.toString());
        events.changed(run.planId, run.name, status, run.totalLeaves(), null, run.alg);
        Log.warnf("plan %s %s: %s", run.planId, status, why);
    }

    private void checkSlo(PlanRun run, PlanRun.StageRun s) {
        Long slo = s.spec.sloMs();
        if (slo == null || s.sloBreached || s.started == null) {
            return;
        }
        long elapsed = Duration.between(s.started, Instant.now()).toMillis();
        if (elapsed > slo) {
            s.sloBreached = true;
            publisher.emit(Topic.HXO_ALERT, run.planId.toString(), new Events.Alert("slo.breach", "warning",
                    run.planId.toString(), "hxo-planner", "stage " + s.spec.id() + " has run " + elapsed
                    + " ms, over its slo_ms of " + slo, Map.of("stage", s.spec.id(), "elapsed_ms", elapsed,
                    "slo_ms", slo)));
        }
    }

    /** Every 200 ms: retries whose backoff passed, lost tasks, SLOs, time boxes. */
    private void sweep() {
        long nowMillis = System.currentTimeMillis();
        long overdue = System.nanoTime() - TimeUnit.MILLISECONDS.toNanos(2 * config.shardTimeoutMs() + 5000);
        for (PlanRun run : List.copyOf(runs.values())) {
            try {
                Long timebox = run.plan.timeboxMs();
                if (timebox != null && run.startedAt != null
                        && Duration.between(run.startedAt, Instant.now()).toMillis() > timebox) {
                    checkpoint(List.of(run));
                    end(run, "timed_out", "the plan ran past its timebox_ms of " + timebox);
                    continue;
                }
                run.stages.stream().filter(s -> s.prepared && !s.finished).forEach(s -> checkSlo(run, s));
                int due = run.promoteDue(nowMillis);
                int lost = run.requeueOverdue(overdue);
                if (lost > 0) {
                    Log.warnf("plan %s: %d shards had no answer in time; sending them again", run.planId, lost);
                }
                boolean released = run.holdUntilNanos != 0 && System.nanoTime() - run.holdUntilNanos >= 0;
                if (released) {
                    run.holdUntilNanos = 0;
                }
                if (due > 0 || lost > 0 || released) {
                    dispatch(run);
                }
            } catch (PlanStore.StoreException e) {
                Log.warnf("sweep of plan %s postponed: %s", run.planId, e.getMessage());
            }
        }
    }

    // ---- used by the command handler (always on the owner thread)

    /** Runs a plan on this owner; the store already holds it as running since {@code startedAt}. */
    public void start(UUID planId, ValidatedPlan plan, HashAlg alg, int partition, Instant startedAt) {
        PlanRun run = new PlanRun(planId, plan, alg, partition, limiter(plan));
        run.status = "running";
        run.startedAt = startedAt;
        runs.put(planId, run);
        events.changed(planId, plan.name(), "running", plan.totalShards(), null, alg);
        predict(run);
        advance(run);
    }

    /**
     * Predictive mode: from each kind's history, the plan's expected duration; a stage expected to
     * miss its SLO raises {@code timeout_risk} at once.
     */
    private void predict(PlanRun run) {
        if (!config.predictiveMode()) {
            return;
        }
        long total = 0;
        for (PlanRun.StageRun s : run.stages) {
            Optional<PlanStore.KindHistory> stats = store.kindStats(s.spec.kind(), s.spec.executor());
            if (stats.isEmpty()) {
                continue;
            }
            long waves = (s.originals() + run.window() - 1) / Math.max(1, run.window());
            long expected = (long) Math.ceil(waves * stats.get().meanMs());
            total += expected;
            Long slo = s.spec.sloMs();
            if (slo != null && expected > slo) {
                publisher.emit(Topic.HXO_AUTOTUNE_SIGNAL, run.planId.toString(), new Events.AutotuneSignal(
                        run.planId.toString(), "timeout_risk", s.spec.id(), Map.of("predicted_ms", expected,
                        "slo_ms", slo, "mean_shard_ms", stats.get().meanMs(), "shards", s.originals())));
            }
        }
        run.predictedMs = total;
    }

    /** What an abort found: no plan, a plan that had already ended (and how), or a plan it aborted. */
    public record AbortOutcome(boolean found, boolean aborted, String status) {
    }

    /** Aborts a plan: no more dispatch, running shards interrupted, the plan ends {@code aborted}. */
    public AbortOutcome abort(UUID planId) {
        PlanRun run = runs.get(planId);
        if (run != null) {
            checkpoint(List.of(run));
            end(run, "aborted", "aborted on request");
        } else {
            PlanStore.StoredPlan stored = store.plan(planId).orElse(null);
            if (stored == null) {
                return new AbortOutcome(false, false, null);
            }
            if (!List.of("accepted", "running").contains(stored.status())) {
                return new AbortOutcome(true, false, stored.status());
            }
            retrying("abort", () -> store.finish(planId, "aborted", "aborted on request", Instant.now()));
            gate.end(planId.toString());
            events.changed(planId, stored.name(), "aborted", stored.totalShards(), null, HashAlg.fromWire(stored.hashAlg()));
        }
        // Workers re-read a plan's status at least this often; once it has passed, none starts a shard.
        try {
            Thread.sleep(PlanGate.ABORT_SETTLE_MS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return new AbortOutcome(true, true, "aborted");
    }

    /**
     * Replays a halted, aborted or timed-out plan: everything that succeeded is kept; the failed shards,
     * those never run, and the stages downstream of them run now.
     */
    public Optional<PlanRun> replay(UUID planId) throws PlanRejected {
        retrying("reopen", () -> store.reopen(planId));
        PlanRun run = load(planId);
        run.status = "running";
        if (run.startedAt == null) {
            run.startedAt = Instant.now();
        }
        runs.put(planId, run);
        events.changed(planId, run.name, "running", run.totalLeaves(), null, run.alg);
        advance(run);
        return Optional.of(run);
    }

    public Optional<PlanStatus> liveStatus(UUID planId) {
        PlanRun run = runs.get(planId);
        if (run == null) {
            return Optional.empty();
        }
        return Optional.of(new PlanStatus(planId.toString(), run.name, run.status, run.totalLeaves(), run.counts(),
                null, run.alg.wireName(), null, run.createdAt, run.startedAt, null, eta(run), run.error,
                run.stageStatuses()));
    }

    /** Seconds left, from the shards still to run and how long this plan's shards took so far. */
    private Long eta(PlanRun run) {
        long samples = 0;
        double totalMs = 0;
        for (PlanRun.StageRun s : run.stages) {
            samples += s.durations.getTotalCount();
            totalMs += s.durations.getMean() * s.durations.getTotalCount();
        }
        long remaining = (long) run.totalLeaves() - run.done;
        if (samples == 0) {
            return run.predictedMs > 0 ? Math.max(1, run.predictedMs / 1000) : null;
        }
        double waves = Math.ceil((double) remaining / Math.max(1, run.window()));
        return (long) Math.ceil(waves * (totalMs / samples) / 1000.0);
    }

    /** A live run, or a finished plan read back from its checkpoints. */
    public Optional<PlanRun> runOrStored(UUID planId) throws PlanRejected {
        PlanRun live = runs.get(planId);
        if (live != null) {
            return Optional.of(live);
        }
        if (store.plan(planId).isEmpty()) {
            return Optional.empty();
        }
        return Optional.of(finishedTree(planId).run());
    }

    private FinishedTree finishedTree(UUID planId) throws PlanRejected {
        FinishedTree t = trees.get(planId);
        if (t == null) {
            PlanRun run = load(planId);
            for (PlanRun.StageRun s : run.stages) {
                s.prepared = true;
                s.finished = true;
            }
            int[] order = run.leafOrder();
            t = new FinishedTree(run, order, run.tree(order));
            trees.put(planId, t);
        }
        return t;
    }

    /** Announces again the leaves of a plan with a root at Merkle positions [from, to); returns how many. */
    public int resendLeaves(UUID planId, int from, int to) throws PlanRejected {
        FinishedTree t = finishedTree(planId);
        int end = Math.min(to, t.order().length);
        List<Events.Leaf> leaves = new ArrayList<>(Math.max(0, end - from));
        for (int i = Math.max(0, from); i < end; i++) {
            int slot = t.order()[i];
            if (t.run().state[slot] == PlanRun.DONE) {
                leaves.add(new Events.Leaf(slot, t.run().order(slot), t.run().casHex(slot), t.run().digestHex(slot),
                        t.run().cached[slot]));
            }
        }
        announce(t.run(), leaves);
        return leaves.size();
    }

    /** The inclusion proof of a shard of a completed plan, or empty when the plan has no such leaf. */
    public Optional<InclusionProof> proof(UUID planId, String casId) throws PlanRejected {
        FinishedTree t = finishedTree(planId);
        byte[] wanted = Hex.parseHash(casId);
        for (int i = 0; i < t.order().length; i++) {
            int slot = t.order()[i];
            if (t.run().state[slot] == PlanRun.DONE && java.util.Arrays.equals(t.run().casIds, slot * 32, slot * 32 + 32,
                    wanted, 0, 32)) {
                return Optional.of(InclusionProof.of(planId.toString(), t.tree(), i, t.run().casId(slot),
                        java.util.Arrays.copyOfRange(t.run().digests, slot * 32, slot * 32 + 32)));
            }
        }
        return Optional.empty();
    }

    /**
     * A page of a completed plan's leaves as the stores hold them now (see {@link Commands.StoredLeaves}).
     * Rebuilding a plan's leaf order is the costly part, so the last plan asked keeps it for the
     * pages that follow; the result rows and artifacts are read fresh for every page.
     */
    public Commands.StoredLeaves storedLeaves(UUID planId, int from, int limit) throws PlanRejected {
        LeafOrder leaves = lastLeafOrder;
        if (leaves == null || !leaves.planId().equals(planId) || from == 0) {
            PlanRun run = load(planId);
            for (PlanRun.StageRun s : run.stages) {
                s.prepared = true;
                s.finished = true;
            }
            int[] order = run.leafOrder();
            byte[][] ids = new byte[order.length][];
            byte[][] checkpointed = new byte[order.length][];
            for (int i = 0; i < order.length; i++) {
                int slot = order[i];
                ids[i] = run.casId(slot);
                checkpointed[i] = java.util.Arrays.copyOfRange(run.digests, slot * 32, slot * 32 + 32);
            }
            leaves = new LeafOrder(planId, run.alg.wireName(), ids, checkpointed);
            lastLeafOrder = leaves;
        }
        int total = leaves.ids().length;
        int start = Math.min(Math.max(from, 0), total);
        int end = Math.min(total, start + Math.max(1, limit));
        List<byte[]> ids = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            ids.add(leaves.ids()[i]);
        }
        Map<String, PlanStore.StoredResult> stored = store.storedResults(ids);
        stored.putAll(store.storedEffects(planId, ids)); // an effect's outcome is its own plan's
        Set<String> present = artifacts.existing(stored.values().stream()
                .flatMap(r -> java.util.Arrays.stream(r.artifacts())).toList());
        List<Commands.StoredLeaf> out = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            String cas = Hex.of(leaves.ids()[i]);
            PlanStore.StoredResult r = stored.get(cas);
            List<String> missing = new ArrayList<>();
            if (r != null) {
                for (String a : r.artifacts()) {
                    if (!present.contains(a)) {
                        missing.add(a);
                    }
                }
            }
            out.add(new Commands.StoredLeaf(i, cas, r == null ? null : Hex.of(r.digest()),
                    Hex.of(leaves.checkpointed()[i]), missing));
        }
        return new Commands.StoredLeaves(planId.toString(), leaves.hashAlg(), total, out, end < total ? end : null);
    }

    /** A completed plan's leaves in Merkle order: cas ids and the digests their checkpoints recorded. */
    private record LeafOrder(UUID planId, String hashAlg, byte[][] ids, byte[][] checkpointed) {
    }

    private volatile LeafOrder lastLeafOrder;

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
