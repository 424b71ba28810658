package io.hxo.planner.run;

import io.hxo.planner.checkpoint.CheckpointStore;
import io.hxo.planner.checkpoint.ResultStore;
import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.cas.ShardId;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.planner.checkpoint.LeafBatch;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.plan.ValidatedPlan;
import java.security.DigestException;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.Deque;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PriorityQueue;
import java.util.UUID;
import java.util.function.IntConsumer;
import java.util.function.ObjIntConsumer;
import java.util.stream.IntStream;
import org.HdrHistogram.Histogram;

/**
 * The owner's in-memory picture of one running plan, touched only by the owner thread.
 *
 * <p>Every shard has a <em>slot</em>: the plan's original shards take slots 0..n-1 in leaf order
 * (stage topological order, then shard index); autosplit appends children at the end and marks the
 * parent {@link #SPLIT}. The leaves are the slots that are not split, ordered by walking each
 * stage's original slots and descending into children, so children take their parent's place.
 * Per slot the state, CAS id and output digest live in flat arrays (a million shards cost about
 * 80 MB, not a million objects).
 */
public final class PlanRun {
    /** Below this many shards a stage's ids are computed on the owner thread alone (forking would cost more). */
    static final int PARALLEL_IDS_FROM = 4_096;
    static final byte PENDING = 0;
    static final byte IN_FLIGHT = 1;
    static final byte DONE = 2;
    static final byte FAILED = 3;
    static final byte SPLIT = 4;

    private final UUID planId;
    private final String name;
    private final HashAlg alg;
    private final int partition;
    private final ValidatedPlan plan;
    private final List<StageRun> stages = new ArrayList<>();

    // ---- per slot
    private int capacity;
    private int slots;
    private byte[] casIds;
    private byte[] digests;
    private byte[] state;
    private byte[] attempts;
    private byte[] depth;
    private boolean[] cached;
    private int[] stageOfSlot;
    private int[] parent;
    private int[] firstChild;
    private int[] childCount;
    private long[] dispatchedNanos;
    /** How long each settled shard's successful attempt ran (ms; 0 when served from the store). */
    private int[] runMs;
    private final Map<Integer, JsonNode> childInputs = new HashMap<>();

    /** Runnable now (retries that are due, split children), before the stages' untouched shards. */
    private final Deque<Integer> ready = new ArrayDeque<>();
    /** Retries waiting out their backoff: {readyAtMillis, slot}. */
    private final PriorityQueue<long[]> delayed = new PriorityQueue<>((a, b) -> Long.compare(a[0], b[0]));

    private int inFlight;
    private int done;
    private int cachedCount;
    private int failed;
    private int splitCount;
    private PlanState status = PlanState.ACCEPTED;
    private String error;
    private Instant createdAt = Instant.now();
    private Instant startedAt;
    /** ALIR's adaptive limit under the plan's cap; null when ALIR is off. */
    private final ExecutionLimit limit;
    /**
     * A resumed plan dispatches nothing before this time (nanoTime): results the previous owner
     * never checkpointed are on the broker and arrive first, and each saves a shard from running twice.
     */
    private long holdUntilNanos;
    /** When the latest leaf settled (nanoTime): the plan's root is measured as ready this long after. */
    private long lastSettledNanos = System.nanoTime();
    /** Predicted duration from the kinds' history (ms), 0 when there is none. */
    private long predictedMs;

    // ---- what the next checkpoint must write
    private int nextCheckpointSeq;
    private int nextSplitSeq;
    private final List<Integer> unsaved = new ArrayList<>();
    private final List<ResultStore.ResultRow> unsavedResults = new ArrayList<>();
    private final List<CheckpointStore.Failure> unsavedFailures = new ArrayList<>();
    private final List<CheckpointStore.Split> unsavedSplits = new ArrayList<>();

    /** The plan's root folded as leaves settle, when it has more than one stage (else it is the stage's). */
    private RootFold planFold;
    private final RootFold.Leaves foldView = new RootFold.Leaves() {
        @Override
        public boolean settled(int slot) {
            return state[slot] == DONE;
        }

        @Override
        public boolean split(int slot) {
            return state[slot] == SPLIT;
        }

        @Override
        public void leafHash(int slot, byte[] out, int offset) {
            PlanRun.this.leafHash(slot, out, offset);
        }

        @Override
        public void visit(int slot, IntConsumer sink) {
            PlanRun.this.visit(slot, sink);
        }
    };
    private MessageDigest leafDigest;

    public PlanRun(UUID planId, ValidatedPlan plan, HashAlg alg, int partition, ExecutionLimit limit) {
        this.planId = planId;
        this.name = plan.name();
        this.plan = plan;
        this.alg = alg;
        this.partition = partition;
        this.limit = limit;
        this.slots = plan.totalShards();
        grow(Math.max(16, slots));
        for (int i = 0; i < plan.stages().size(); i++) {
            ValidatedPlan.Stage s = plan.stages().get(i);
            StageRun run = new StageRun(s, i);
            stages.add(run);
            Arrays.fill(stageOfSlot, s.firstLeaf(), s.firstLeaf() + s.shards().size(), i);
        }
    }

    // ---- what the engine reads

    public UUID planId() {
        return planId;
    }

    public String name() {
        return name;
    }

    public HashAlg alg() {
        return alg;
    }

    public int partition() {
        return partition;
    }

    public ValidatedPlan plan() {
        return plan;
    }

    public List<StageRun> stages() {
        return stages;
    }

    public PlanState status() {
        return status;
    }

    public String error() {
        return error;
    }

    public Instant createdAt() {
        return createdAt;
    }

    public Instant startedAt() {
        return startedAt;
    }

    public long predictedMs() {
        return predictedMs;
    }

    public long lastSettledNanos() {
        return lastSettledNanos;
    }

    public int slots() {
        return slots;
    }

    public int inFlight() {
        return inFlight;
    }

    public int done() {
        return done;
    }

    public int cachedCount() {
        return cachedCount;
    }

    public int failed() {
        return failed;
    }

    public int splitCount() {
        return splitCount;
    }

    public boolean isDone(int slot) {
        return state[slot] == DONE;
    }

    public boolean isInFlight(int slot) {
        return state[slot] == IN_FLIGHT;
    }

    public boolean isPending(int slot) {
        return state[slot] == PENDING;
    }

    public boolean cached(int slot) {
        return cached[slot];
    }

    public int attempts(int slot) {
        return attempts[slot];
    }

    public int runMs(int slot) {
        return runMs[slot];
    }

    public int depth(int slot) {
        return depth[slot];
    }

    /** The raw output digest of a settled slot. */
    public byte[] digest(int slot) {
        return Arrays.copyOfRange(digests, slot * 32, slot * 32 + 32);
    }

    /** True when the slot's CAS id equals {@code id} (32 bytes). */
    public boolean hasId(int slot, byte[] id) {
        return Arrays.equals(casIds, slot * 32, slot * 32 + 32, id, 0, 32);
    }

    public ExecutionLimit limit() {
        return limit;
    }

    public int nextCheckpointSeq() {
        return nextCheckpointSeq;
    }

    public List<Integer> unsavedSlots() {
        return Collections.unmodifiableList(unsaved);
    }

    public List<ResultStore.ResultRow> unsavedResults() {
        return Collections.unmodifiableList(unsavedResults);
    }

    public List<CheckpointStore.Failure> unsavedFailures() {
        return Collections.unmodifiableList(unsavedFailures);
    }

    public List<CheckpointStore.Split> unsavedSplits() {
        return Collections.unmodifiableList(unsavedSplits);
    }

    /** A resumed plan dispatches nothing until {@link #release} after this many nanoseconds from now. */
    public boolean held(long nowNanos) {
        return holdUntilNanos != 0 && nowNanos - holdUntilNanos < 0;
    }

    // ---- what the engine changes

    /** The slots of a split shard's children, in order. */
    public List<Integer> childrenOf(int slot) {
        List<Integer> out = new ArrayList<>(childCount[slot]);
        for (int j = 0; j < childCount[slot]; j++) {
            out.add(firstChild[slot] + j);
        }
        return out;
    }

    /** A finished plan read back: every stage counts as prepared and finished (for its tree and leaf order). */
    public void closeStages() {
        for (StageRun s : stages) {
            s.prepared = true;
            s.finished = true;
        }
    }

    public void status(PlanState status) {
        this.status = status;
    }

    public void error(String error) {
        this.error = error;
    }

    public void restored(PlanState status, String error, Instant createdAt, Instant startedAt, int nextCheckpointSeq) {
        this.status = status;
        this.error = error;
        this.createdAt = createdAt;
        this.startedAt = startedAt;
        this.nextCheckpointSeq = nextCheckpointSeq;
    }

    public void started(Instant at) {
        if (startedAt == null) {
            startedAt = at;
        }
    }

    public void predicted(long ms) {
        predictedMs = ms;
    }

    public void holdFor(long nanos) {
        holdUntilNanos = System.nanoTime() + nanos;
    }

    /** Ends a hold whose time has come; true when it did (dispatch may start). */
    public boolean release(long nowNanos) {
        if (holdUntilNanos != 0 && nowNanos - holdUntilNanos >= 0) {
            holdUntilNanos = 0;
            return true;
        }
        return false;
    }

    /** A result to store with the next checkpoint. */
    public void unsavedResult(ResultStore.ResultRow row) {
        unsavedResults.add(row);
    }

    /**
     * A shard in flight that timed out is split instead of retried: back to pending, then replaced by
     * its children. False (and still in flight) when it has fewer than two children.
     */
    public boolean splitInFlight(int slot, List<JsonNode> inputs, String reason) {
        if (state[slot] != IN_FLIGHT || inputs.size() < 2) {
            return false;
        }
        inFlight--;
        stageOf(slot).inFlight--;
        state[slot] = PENDING;
        split(slot, inputs, reason);
        return true;
    }

    private void grow(int min) {
        if (min <= capacity) {
            return;
        }
        int cap = Math.max(min, capacity * 2);
        casIds = Arrays.copyOf(casIds == null ? new byte[0] : casIds, cap * 32);
        digests = Arrays.copyOf(digests == null ? new byte[0] : digests, cap * 32);
        state = Arrays.copyOf(state == null ? new byte[0] : state, cap);
        attempts = Arrays.copyOf(attempts == null ? new byte[0] : attempts, cap);
        depth = Arrays.copyOf(depth == null ? new byte[0] : depth, cap);
        cached = Arrays.copyOf(cached == null ? new boolean[0] : cached, cap);
        stageOfSlot = Arrays.copyOf(stageOfSlot == null ? new int[0] : stageOfSlot, cap);
        int old = capacity;
        parent = Arrays.copyOf(parent == null ? new int[0] : parent, cap);
        firstChild = Arrays.copyOf(firstChild == null ? new int[0] : firstChild, cap);
        childCount = Arrays.copyOf(childCount == null ? new int[0] : childCount, cap);
        dispatchedNanos = Arrays.copyOf(dispatchedNanos == null ? new long[0] : dispatchedNanos, cap);
        runMs = Arrays.copyOf(runMs == null ? new int[0] : runMs, cap);
        Arrays.fill(parent, old, cap, -1);
        Arrays.fill(firstChild, old, cap, -1);
        capacity = cap;
    }

    /** One stage's progress. */
    public static final class StageRun {
        private final ValidatedPlan.Stage spec;
        private final int position;
        private boolean prepared;
        private boolean finished;
        private boolean sloBreached;
        private int leafCount;
        private int settled;
        private int cursor;
        private int inFlight;
        private String root;
        /** This stage's root, folded as its leaves settle (created at the first settle). */
        private RootFold fold;
        /** How long computing {@link #root} took (reported when the plan completes). */
        private long rootNanos;
        private Instant started;
        private final Histogram durations = new Histogram(3_600_000L, 2);
        /** Items (files, routes, statements) and bytes the shards run here worked on: predictive mode's history. */
        private long itemsRun;
        private long bytesRun;

        StageRun(ValidatedPlan.Stage spec, int position) {
            this.spec = spec;
            this.position = position;
            this.leafCount = spec.shards().size();
        }

        public ValidatedPlan.Stage spec() {
            return spec;
        }

        int first() {
            return spec.firstLeaf();
        }

        public int originals() {
            return spec.shards().size();
        }

        public boolean prepared() {
            return prepared;
        }

        public boolean finished() {
            return finished;
        }

        public String root() {
            return root;
        }

        public long rootNanos() {
            return rootNanos;
        }

        public Instant started() {
            return started;
        }

        public long itemsRun() {
            return itemsRun;
        }

        public long bytesRun() {
            return bytesRun;
        }

        /** Shard durations recorded so far: how many, their mean and p95. */
        public long samples() {
            return durations.getTotalCount();
        }

        public double meanMs() {
            return durations.getMean();
        }

        public long p95() {
            return durations.getTotalCount() == 0 ? 0 : durations.getValueAtPercentile(95);
        }

        public void recordDuration(long ms) {
            durations.recordValue(Math.min(Math.max(ms, 0), 3_600_000L));
        }

        /** True the first time the stage is found over its SLO (the breach is reported once). */
        public boolean breachSlo() {
            if (sloBreached) {
                return false;
            }
            sloBreached = true;
            return true;
        }

        /** The stage ends with its root; {@code nanos} is what computing it took. */
        public void finish(String root, long nanos) {
            this.root = root;
            this.rootNanos = nanos;
            this.finished = true;
        }
    }

    public StageRun stage(String id) {
        for (StageRun s : stages) {
            if (s.spec.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no stage " + id);
    }

    public StageRun stageOf(int slot) {
        return stages.get(stageOfSlot[slot]);
    }

    public JsonNode input(int slot) {
        JsonNode child = childInputs.get(slot);
        if (child != null) {
            return child;
        }
        StageRun s = stageOf(slot);
        return s.spec.shards().input(slot - s.first());
    }

    /** Stages whose dependencies have all finished and that have not computed their shard ids yet. */
    public List<StageRun> stagesToPrepare() {
        List<StageRun> out = new ArrayList<>();
        for (StageRun s : stages) {
            if (!s.prepared && s.spec.dependsOn().stream().allMatch(d -> stage(d).finished)) {
                out.add(s);
            }
        }
        return out;
    }

    private List<String> depRoots(StageRun s) {
        return s.spec.dependsOn().stream().map(d -> stage(d).root).toList();
    }

    /** Computes the CAS ids of a stage's shards; {@code dep_roots} are its dependencies' roots in declared order. */
    public void prepare(StageRun s) {
        List<String> depRoots = depRoots(s);
        // Each id is a canonical JSON form and a hash, and a stage may have a million: a large stage
        // computes them on all cores (each slot writes only its own 32 bytes of casIds). Before its
        // first shard is dispatched nothing else of the plan needs the CPU.
        IntStream ids = IntStream.range(0, s.originals());
        (s.originals() >= PARALLEL_IDS_FROM ? ids.parallel() : ids).forEach(i -> {
            int slot = s.first() + i;
            if (state[slot] == PENDING || state[slot] == IN_FLIGHT) {
                computeId(s, slot, s.spec.shards().input(i), depRoots);
            }
        });
        // Children restored from a split record get their ids too.
        for (Map.Entry<Integer, JsonNode> c : childInputs.entrySet()) {
            if (stageOfSlot[c.getKey()] == s.position && state[c.getKey()] == PENDING) {
                computeId(s, c.getKey(), c.getValue(), depRoots);
            }
        }
        s.prepared = true;
        s.started = Instant.now();
    }

    private void computeId(StageRun s, int slot, JsonNode inputs, List<String> depRoots) {
        byte[] id = ShardId.compute(alg, s.spec.kind(), s.spec.executor(), s.spec.executorVersion(), inputs, depRoots);
        System.arraycopy(id, 0, casIds, slot * 32, 32);
    }

    public byte[] casId(int slot) {
        return Arrays.copyOfRange(casIds, slot * 32, slot * 32 + 32);
    }

    public String casHex(int slot) {
        return Hex.of(casIds, slot * 32, 32);
    }

    public String digestHex(int slot) {
        return Hex.of(digests, slot * 32, 32);
    }

    public boolean isLeaf(int slot) {
        return slot >= 0 && slot < slots && state[slot] != SPLIT;
    }

    /** Settles a shard as done (run now, or served from the CAS store). False when it was already settled. */
    public boolean settle(int slot, byte[] digest, boolean fromCache) {
        return settle(slot, digest, fromCache, 0);
    }

    /** As {@link #settle(int, byte[], boolean)}, with how long the shard's successful attempt ran. */
    public boolean settle(int slot, byte[] digest, boolean fromCache, long durationMs) {
        if (state[slot] == DONE || state[slot] == FAILED || state[slot] == SPLIT) {
            return false;
        }
        if (state[slot] == IN_FLIGHT) {
            inFlight--;
            stageOf(slot).inFlight--;
        }
        StageRun s = stageOf(slot);
        foldsOf(s); // created before the state changes, so they count this leaf once, below
        state[slot] = DONE;
        System.arraycopy(digest, 0, digests, slot * 32, 32);
        cached[slot] = fromCache;
        runMs[slot] = (int) Math.min(Integer.MAX_VALUE, Math.max(0, durationMs));
        if (!fromCache) {
            attempts[slot]++; // the attempt that succeeded counts too
        }
        done++;
        if (fromCache) {
            cachedCount++;
        }
        s.settled++;
        unsaved.add(slot);
        tellFolds(s, slot, RootFold::settled);
        lastSettledNanos = System.nanoTime();
        return true;
    }

    /** Counts the work a shard that ran did (its items and their sizes), for the kind's history. */
    public void countWork(int slot) {
        StageRun s = stageOf(slot);
        if (s.spec.shards().derivedFromConfig()) {
            return; // synthetic shards (by_count) have no items
        }
        for (JsonNode item : input(slot).path("items")) {
            s.itemsRun++;
            s.bytesRun += Math.max(0, item.path("size").asLong(0));
        }
    }

    /** Restores a leaf read back from a checkpoint (resume): settled, and already saved. */
    public void restore(LeafBatch.Leaf leaf) {
        int i = leaf.index();
        if (i < 0 || i >= slots || state[i] == DONE || state[i] == SPLIT) {
            return;
        }
        state[i] = DONE;
        System.arraycopy(leaf.casId(), 0, casIds, i * 32, 32);
        System.arraycopy(leaf.digest(), 0, digests, i * 32, 32);
        cached[i] = leaf.cached();
        runMs[i] = leaf.durationMs();
        attempts[i] = (byte) leaf.attempts();
        done++;
        if (leaf.cached()) {
            cachedCount++;
        }
        stageOf(i).settled++;
        tellFolds(stageOf(i), i, RootFold::settled);
    }

    /** The stage's fold and the plan's, created on first use from what has settled so far. */
    private void foldsOf(StageRun s) {
        if (s.fold == null) {
            s.fold = new RootFold(alg, foldView, s.first(), s.originals());
        }
        if (planFold == null && stages.size() > 1) {
            planFold = new RootFold(alg, foldView, 0, plan.totalShards());
        }
    }

    /**
     * Tells the folds that exist about an original slot (settled, or split so the leaves after it
     * move). Split children are not counted: they sit in blocks their split parent already invalidated.
     */
    private void tellFolds(StageRun s, int slot, ObjIntConsumer<RootFold> what) {
        if (parent[slot] >= 0) {
            return;
        }
        if (s.fold != null) {
            what.accept(s.fold, slot);
        }
        if (planFold != null) {
            what.accept(planFold, slot);
        }
    }

    /**
     * A failed attempt: back in line after {@code backoffMs}, or failed for good once it has had
     * {@code limit} attempts. Returns true when the shard failed for good.
     */
    public boolean fail(int slot, int limit, long backoffMs, String why) {
        if (state[slot] != IN_FLIGHT) {
            return false;
        }
        inFlight--;
        stageOf(slot).inFlight--;
        attempts[slot]++;
        if (attempts[slot] >= limit) {
            state[slot] = FAILED;
            failed++;
            StageRun s = stageOf(slot);
            unsavedFailures.add(new CheckpointStore.Failure(slot, s.spec.id(), casId(slot), attempts[slot], why));
            return true;
        }
        state[slot] = PENDING;
        delayed.add(new long[] {System.currentTimeMillis() + backoffMs, slot});
        return false;
    }

    /** Moves retries whose backoff has passed into the ready queue; returns how many. */
    public int promoteDue(long nowMillis) {
        int n = 0;
        while (!delayed.isEmpty() && delayed.peek()[0] <= nowMillis) {
            int slot = (int) delayed.poll()[1];
            if (state[slot] == PENDING) {
                ready.add(slot);
                n++;
            }
        }
        return n;
    }

    /**
     * Replaces a pending shard by children (autosplit). Their ids follow from their inputs and the
     * stage's dependency roots; they take the parent's place among the leaves.
     */
    public List<Integer> split(int slot, List<JsonNode> inputs, String reason) {
        if (state[slot] != PENDING || inputs.size() < 2) {
            return List.of();
        }
        StageRun s = stageOf(slot);
        int first = slots;
        grow(slots + inputs.size());
        List<String> depRoots = depRoots(s);
        List<Integer> children = new ArrayList<>(inputs.size());
        for (int j = 0; j < inputs.size(); j++) {
            int c = first + j;
            stageOfSlot[c] = s.position;
            parent[c] = slot;
            depth[c] = (byte) (depth[slot] + 1);
            state[c] = PENDING;
            childInputs.put(c, inputs.get(j));
            if (s.prepared) {
                computeId(s, c, inputs.get(j), depRoots);
            }
            children.add(c);
        }
        slots += inputs.size();
        state[slot] = SPLIT;
        tellFolds(s, slot, RootFold::splitAt);
        firstChild[slot] = first;
        childCount[slot] = inputs.size();
        splitCount++;
        s.leafCount += inputs.size() - 1;
        ready.addAll(children);
        unsavedSplits.add(new CheckpointStore.Split(nextSplitSeq++, slot, first, inputs.size(), reason, inputs));
        return children;
    }

    /** Marks up to {@code max} runnable shards in flight and returns them: ready ones first, then untouched ones. */
    public List<Integer> take(int max, long nowNanos) {
        List<Integer> out = new ArrayList<>();
        Deque<Integer> later = new ArrayDeque<>();
        while (out.size() < max && !ready.isEmpty()) {
            int slot = ready.poll();
            StageRun s = stageOf(slot);
            if (state[slot] != PENDING || !s.prepared) {
                continue;
            }
            if (s.spec.sequential() && (s.inFlight > 0 || !earlierDone(s, slot))) {
                later.add(slot);
                continue;
            }
            mark(slot, nowNanos);
            out.add(slot);
        }
        ready.addAll(later);
        for (StageRun s : stages) {
            if (!s.prepared || s.finished) {
                continue;
            }
            while (out.size() < max && s.cursor < s.originals()) {
                int slot = s.first() + s.cursor;
                if (s.spec.sequential() && (s.inFlight > 0 || !earlierDone(s, slot))) {
                    break;
                }
                s.cursor++;
                if (state[slot] == PENDING) {
                    mark(slot, nowNanos);
                    out.add(slot);
                }
            }
        }
        return out;
    }

    private void mark(int slot, long nowNanos) {
        state[slot] = IN_FLIGHT;
        dispatchedNanos[slot] = nowNanos;
        inFlight++;
        stageOf(slot).inFlight++;
    }

    /** For sequential stages: every shard before this one (in leaf order) is done. */
    private boolean earlierDone(StageRun s, int slot) {
        boolean[] ok = {true};
        boolean[] reached = {false};
        forEachLeaf(s, leaf -> {
            if (leaf == slot) {
                reached[0] = true;
            } else if (!reached[0] && state[leaf] != DONE) {
                ok[0] = false;
            }
        });
        return ok[0];
    }

    /** Pending originals of a stage not dispatched yet (autosplit candidates). */
    public List<Integer> untouched(StageRun s) {
        List<Integer> out = new ArrayList<>();
        for (int i = s.cursor; i < s.originals(); i++) {
            if (state[s.first() + i] == PENDING) {
                out.add(s.first() + i);
            }
        }
        for (int slot : ready) {
            if (stageOfSlot[slot] == s.position && state[slot] == PENDING) {
                out.add(slot);
            }
        }
        return out;
    }

    /** In-flight shards dispatched before {@code cutoffNanos}: their task or result was lost; run them again. */
    public int requeueOverdue(long cutoffNanos) {
        int n = 0;
        for (int slot = 0; slot < slots; slot++) {
            if (state[slot] == IN_FLIGHT && dispatchedNanos[slot] - cutoffNanos < 0) {
                state[slot] = PENDING;
                inFlight--;
                stageOf(slot).inFlight--;
                ready.add(slot);
                n++;
            }
        }
        return n;
    }

    public boolean stageComplete(StageRun s) {
        return s.prepared && !s.finished && s.settled == s.leafCount;
    }

    public boolean allFinished() {
        return stages.stream().allMatch(s -> s.finished);
    }

    public int totalLeaves() {
        return slots - splitCount;
    }

    /** The leaves of a stage in Merkle order. */
    public void forEachLeaf(StageRun s, IntConsumer sink) {
        for (int i = 0; i < s.originals(); i++) {
            visit(s.first() + i, sink);
        }
    }

    private void visit(int slot, IntConsumer sink) {
        if (state[slot] == SPLIT) {
            for (int j = 0; j < childCount[slot]; j++) {
                visit(firstChild[slot] + j, sink);
            }
        } else {
            sink.accept(slot);
        }
    }

    /**
     * The leaf's place in Merkle order: its stage's position in the plan, the original shard's index
     * in the stage, then child positions down the split tree. (Slots are numbered in the order stages
     * were prepared, which follows the DAG, not the plan's stage order.)
     */
    public List<Integer> order(int slot) {
        List<Integer> path = new ArrayList<>();
        int s = slot;
        while (parent[s] >= 0) {
            path.add(0, s - firstChild[parent[s]]);
            s = parent[s];
        }
        StageRun stage = stageOf(s);
        path.add(0, s - stage.first());
        path.add(0, stage.position);
        return path;
    }

    /** Every leaf slot of the plan in Merkle order. */
    public int[] leafOrder() {
        int[] out = new int[totalLeaves()];
        int[] n = {0};
        for (StageRun s : stages) {
            forEachLeaf(s, slot -> out[n[0]++] = slot);
        }
        return n[0] == out.length ? out : Arrays.copyOf(out, n[0]);
    }

    /** The Merkle tree over the given leaves: {@code H(0x00 ‖ cas_id ‖ output_digest)} per leaf. */
    public MerkleTree tree(int[] leaves) {
        byte[] hashes = new byte[leaves.length * 32];
        for (int i = 0; i < leaves.length; i++) {
            leafHash(leaves[i], hashes, i * 32);
        }
        return MerkleTree.fromLeafHashes(alg, hashes, leaves.length);
    }

    /** A finished stage's root, mostly folded already while its leaves settled. */
    public String stageRoot(StageRun s) {
        foldsOf(s);
        return Hex.of(s.fold.root());
    }

    /** The plan's root once every stage has finished; a single stage's root is the plan's. */
    public String planRoot() {
        if (stages.size() == 1) {
            StageRun only = stages.get(0);
            return only.root != null ? only.root : stageRoot(only);
        }
        foldsOf(stages.get(0));
        return Hex.of(planFold.root());
    }

    /** Writes {@code H(0x00 ‖ cas_id ‖ output_digest)} of a slot at {@code offset} (one digest, reused). */
    private void leafHash(int slot, byte[] out, int offset) {
        if (leafDigest == null) {
            leafDigest = alg.newDigest();
        }
        leafDigest.update((byte) 0x00);
        leafDigest.update(casIds, slot * 32, 32);
        leafDigest.update(digests, slot * 32, 32);
        try {
            leafDigest.digest(out, offset, 32);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }

    /** The leaves settled since the last checkpoint, packed. */
    public LeafBatch unsavedLeaves() {
        LeafBatch batch = new LeafBatch(unsaved.size());
        for (int slot : unsaved) {
            batch.add(slot, casIds, digests, cached[slot], runMs[slot], attempts[slot]);
        }
        return batch;
    }

    public int unsavedCached() {
        int n = 0;
        for (int slot : unsaved) {
            if (cached[slot]) {
                n++;
            }
        }
        return n;
    }

    public boolean hasUnsaved() {
        return !unsaved.isEmpty() || !unsavedFailures.isEmpty() || !unsavedSplits.isEmpty();
    }

    public void saved() {
        unsaved.clear();
        unsavedResults.clear();
        unsavedFailures.clear();
        unsavedSplits.clear();
        nextCheckpointSeq++;
    }

    /** Restores a split recorded before a restart (children and their inputs). */
    public void restoreSplit(CheckpointStore.Split sp) {
        if (sp.parentSlot() >= slots || state[sp.parentSlot()] == SPLIT) {
            return;
        }
        StageRun s = stageOf(sp.parentSlot());
        grow(sp.firstChild() + sp.childCount());
        for (int j = 0; j < sp.childCount(); j++) {
            int c = sp.firstChild() + j;
            stageOfSlot[c] = s.position;
            parent[c] = sp.parentSlot();
            depth[c] = (byte) (depth[sp.parentSlot()] + 1);
            state[c] = PENDING;
            childInputs.put(c, sp.inputs().get(j));
            ready.add(c);
        }
        slots = Math.max(slots, sp.firstChild() + sp.childCount());
        state[sp.parentSlot()] = SPLIT;
        tellFolds(s, sp.parentSlot(), RootFold::splitAt);
        firstChild[sp.parentSlot()] = sp.firstChild();
        childCount[sp.parentSlot()] = sp.childCount();
        splitCount++;
        s.leafCount += sp.childCount() - 1;
        nextSplitSeq = Math.max(nextSplitSeq, sp.seq() + 1);
    }

    /** Tasks that may be out without a result: the plan's dispatch window. */
    public int window() {
        return plan.dispatchWindow();
    }

    /** Shards that may execute at once across the workers: the adaptive limit (ALIR) under the plan's cap. */
    public int executionLimit() {
        int cap = plan.maxConcurrency();
        return limit == null ? cap : Math.min(cap, limit.current());
    }

    public PlanStatus.ShardCounts counts() {
        long pending = (long) totalLeaves() - done - failed - inFlight;
        return new PlanStatus.ShardCounts(pending, inFlight, done, failed, cachedCount, splitCount);
    }

    public List<PlanStatus.StageStatus> stageStatuses() {
        List<PlanStatus.StageStatus> out = new ArrayList<>();
        for (StageRun s : stages) {
            long[] c = new long[5];
            forEachLeaf(s, slot -> {
                c[state[slot]]++;
                if (state[slot] == DONE && cached[slot]) {
                    c[4]++;
                }
            });
            long splits = 0;
            for (int slot = 0; slot < slots; slot++) {
                if (state[slot] == SPLIT && stageOfSlot[slot] == s.position) {
                    splits++;
                }
            }
            String st = s.finished ? "completed" : s.prepared ? "running" : "waiting";
            out.add(new PlanStatus.StageStatus(s.spec.id(), s.spec.kind(), st, s.leafCount,
                    new PlanStatus.ShardCounts(c[PENDING], c[IN_FLIGHT], c[DONE], c[FAILED], c[4], splits), s.root,
                    s.durations.getTotalCount() == 0 ? null : s.p95()));
        }
        return out;
    }
}
