package io.hxo.planner.execute;

import io.hxo.contracts.cas.ShardId;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.planner.checkpoint.LeafBatch;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.plan.ValidatedPlan;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * The owner's in-memory picture of one running plan. Per shard it keeps a state byte, the CAS id
 * and output digest (flat arrays, so a million shards cost ~70 MB, not a million objects). Only the
 * owner thread touches it.
 */
public final class PlanRun {
    static final byte PENDING = 0;
    static final byte IN_FLIGHT = 1;
    static final byte DONE = 2;
    static final byte FAILED = 3;

    final UUID planId;
    final String name;
    final HashAlg alg;
    final int partition;
    final ValidatedPlan plan;
    final List<StageRun> stages = new ArrayList<>();
    final int total;
    final byte[] casIds;
    final byte[] digests;
    final byte[] state;
    final byte[] attempts;
    final boolean[] cached;
    final long[] dispatchedAt;
    final Deque<Integer> retries = new ArrayDeque<>();

    int inFlight;
    int done;
    int cachedCount;
    int failed;
    int nextCheckpointSeq;
    int failedUnsaved;
    String status = "accepted";
    String error;
    Instant createdAt = Instant.now();
    Instant startedAt;
    /** Leaves settled since the last checkpoint, and what the next checkpoint must add to the counters. */
    final List<Integer> unsaved = new ArrayList<>();
    final List<PlanStore.ResultRow> unsavedResults = new ArrayList<>();

    PlanRun(UUID planId, ValidatedPlan plan, HashAlg alg, int partition) {
        this.planId = planId;
        this.name = plan.name();
        this.plan = plan;
        this.alg = alg;
        this.partition = partition;
        this.total = plan.totalShards();
        this.casIds = new byte[total * 32];
        this.digests = new byte[total * 32];
        this.state = new byte[total];
        this.attempts = new byte[total];
        this.cached = new boolean[total];
        this.dispatchedAt = new long[total];
        for (ValidatedPlan.Stage s : plan.stages()) {
            stages.add(new StageRun(s));
        }
    }

    /** One stage's progress. */
    final class StageRun {
        final ValidatedPlan.Stage spec;
        boolean prepared;
        boolean finished;
        int settled;
        int cursor;
        String root;

        StageRun(ValidatedPlan.Stage spec) {
            this.spec = spec;
        }

        int first() {
            return spec.firstLeaf();
        }

        int size() {
            return spec.shards().size();
        }

        boolean contains(int leaf) {
            return leaf >= first() && leaf < first() + size();
        }
    }

    StageRun stage(String id) {
        for (StageRun s : stages) {
            if (s.spec.id().equals(id)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no stage " + id);
    }

    StageRun stageOf(int leaf) {
        for (StageRun s : stages) {
            if (s.contains(leaf)) {
                return s;
            }
        }
        throw new IllegalArgumentException("no stage holds leaf " + leaf);
    }

    /** Stages whose dependencies have all finished and that have not computed their shard ids yet. */
    List<StageRun> stagesToPrepare() {
        List<StageRun> out = new ArrayList<>();
        for (StageRun s : stages) {
            if (!s.prepared && s.spec.dependsOn().stream().allMatch(d -> stage(d).finished)) {
                out.add(s);
            }
        }
        return out;
    }

    /** Computes the CAS ids of a stage's shards; {@code dep_roots} are its dependencies' roots in declared order. */
    void prepare(StageRun s) {
        List<String> depRoots = s.spec.dependsOn().stream().map(d -> stage(d).root).toList();
        for (int i = 0; i < s.size(); i++) {
            byte[] id = ShardId.compute(alg, s.spec.kind(), s.spec.executor(), s.spec.executorVersion(),
                    s.spec.shards().input(i), depRoots);
            System.arraycopy(id, 0, casIds, (s.first() + i) * 32, 32);
        }
        s.prepared = true;
    }

    byte[] casId(int leaf) {
        return Arrays.copyOfRange(casIds, leaf * 32, leaf * 32 + 32);
    }

    String casHex(int leaf) {
        return Hex.of(casIds, leaf * 32, 32);
    }

    /** Settles a shard as done (run now, or served from the CAS store). False when it was already settled. */
    boolean settle(int leaf, byte[] digest, boolean fromCache) {
        if (state[leaf] == DONE || state[leaf] == FAILED) {
            return false;
        }
        if (state[leaf] == IN_FLIGHT) {
            inFlight--;
        }
        state[leaf] = DONE;
        System.arraycopy(digest, 0, digests, leaf * 32, 32);
        cached[leaf] = fromCache;
        done++;
        if (fromCache) {
            cachedCount++;
        }
        stageOf(leaf).settled++;
        unsaved.add(leaf);
        return true;
    }

    /** A failed attempt: back in line for another, or failed for good after {@code limit} attempts. */
    boolean fail(int leaf, int limit) {
        if (state[leaf] != IN_FLIGHT) {
            return false;
        }
        inFlight--;
        attempts[leaf]++;
        if (attempts[leaf] >= limit) {
            state[leaf] = FAILED;
            failed++;
            failedUnsaved++;
            return true;
        }
        state[leaf] = PENDING;
        retries.add(leaf);
        return false;
    }

    /** Marks up to {@code max} runnable shards in flight and returns them, retries first. */
    List<Integer> take(int max, long now) {
        List<Integer> out = new ArrayList<>();
        while (out.size() < max && !retries.isEmpty()) {
            int leaf = retries.poll();
            if (state[leaf] == PENDING) {
                out.add(leaf);
            }
        }
        for (StageRun s : stages) {
            if (!s.prepared || s.finished) {
                continue;
            }
            while (out.size() < max && s.cursor < s.size()) {
                int leaf = s.first() + s.cursor++;
                if (state[leaf] == PENDING) {
                    out.add(leaf);
                }
            }
        }
        for (int leaf : out) {
            state[leaf] = IN_FLIGHT;
            dispatchedAt[leaf] = now;
            inFlight++;
        }
        return out;
    }

    /** In-flight shards dispatched before {@code cutoff}: their task or result was lost; run them again. */
    int requeueOverdue(long cutoff) {
        int n = 0;
        for (StageRun s : stages) {
            if (!s.prepared || s.finished) {
                continue;
            }
            for (int leaf = s.first(); leaf < s.first() + s.size(); leaf++) {
                if (state[leaf] == IN_FLIGHT && dispatchedAt[leaf] < cutoff) {
                    state[leaf] = PENDING;
                    inFlight--;
                    retries.add(leaf);
                    n++;
                }
            }
        }
        return n;
    }

    boolean stageComplete(StageRun s) {
        return s.prepared && !s.finished && s.settled == s.size();
    }

    boolean allFinished() {
        return stages.stream().allMatch(s -> s.finished);
    }

    boolean halted() {
        return failed > 0;
    }

    /** Leaf hashes {@code H(0x00 ‖ cas_id ‖ output_digest)} of leaves [from, to), back to back. */
    byte[] leafHashes(int from, int to) {
        byte[] out = new byte[(to - from) * 32];
        MessageDigest md = alg.newDigest();
        for (int leaf = from; leaf < to; leaf++) {
            md.update((byte) 0x00);
            md.update(casIds, leaf * 32, 32);
            md.update(digests, leaf * 32, 32);
            try {
                md.digest(out, (leaf - from) * 32, 32);
            } catch (java.security.DigestException e) {
                throw new IllegalStateException(e);
            }
        }
        return out;
    }

    String root(int from, int to) {
        return Hex.of(MerkleTree.fromLeafHashes(alg, leafHashes(from, to), to - from).root());
    }

    /** Restores a leaf read back from a checkpoint (resume): settled, and already saved. */
    void restore(LeafBatch.Leaf leaf) {
        int i = leaf.index();
        if (i < 0 || i >= total || state[i] == DONE) {
            return;
        }
        state[i] = DONE;
        System.arraycopy(leaf.casId(), 0, casIds, i * 32, 32);
        System.arraycopy(leaf.digest(), 0, digests, i * 32, 32);
        cached[i] = leaf.cached();
        done++;
        if (leaf.cached()) {
            cachedCount++;
        }
        stageOf(i).settled++;
    }

    /** The leaves settled since the last checkpoint, packed; {@link #saved} clears them once committed. */
    LeafBatch unsavedLeaves() {
        LeafBatch batch = new LeafBatch(unsaved.size());
        for (int leaf : unsaved) {
            batch.add(leaf, casIds, digests, cached[leaf]);
        }
        return batch;
    }

    int unsavedCached() {
        int n = 0;
        for (int leaf : unsaved) {
            if (cached[leaf]) {
                n++;
            }
        }
        return n;
    }

    void saved() {
        unsaved.clear();
        unsavedResults.clear();
        failedUnsaved = 0;
        nextCheckpointSeq++;
    }

    PlanStatus.ShardCounts counts() {
        long pending = (long) total - done - failed - inFlight;
        return new PlanStatus.ShardCounts(pending, inFlight, done, failed, cachedCount, 0);
    }

    List<PlanStatus.StageStatus> stageStatuses() {
        List<PlanStatus.StageStatus> out = new ArrayList<>();
        for (StageRun s : stages) {
            long d = 0;
            long f = 0;
            long r = 0;
            long c = 0;
            for (int leaf = s.first(); leaf < s.first() + s.size(); leaf++) {
                switch (state[leaf]) {
                    case DONE -> {
                        d++;
                        if (cached[leaf]) {
                            c++;
                        }
                    }
                    case FAILED -> f++;
                    case IN_FLIGHT -> r++;
                    default -> { }
                }
            }
            String st = s.finished ? "completed" : s.prepared ? "running" : "waiting";
            out.add(new PlanStatus.StageStatus(s.spec.id(), s.spec.kind(), st, s.size(),
                    new PlanStatus.ShardCounts(s.size() - d - f - r, r, d, f, c, 0), s.root));
        }
        return out;
    }

    Map<String, Object> summary() {
        return Map.of("plan_id", planId.toString(), "done", done, "in_flight", inFlight, "total", total);
    }
}
