package io.hxo.planner.query;

import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.planner.announce.LeafAnnouncer;
import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.planner.checkpoint.CheckpointStore;
import io.hxo.planner.checkpoint.LeafBatch;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.checkpoint.ResultStore;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.run.PlanLoader;
import io.hxo.planner.run.PlanRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * Answers about plans without the owner: a live plan's status from the snapshot the owner publishes,
 * everything about a finished plan (status, report, proofs, leaves) from the database. Called on the
 * query threads, never on the owner thread, so a read never waits behind a batch of results.
 */
@ApplicationScoped
public class PlanQueries {
    private final PlanStore plans;
    private final CheckpointStore checkpoints;
    private final ResultStore results;
    private final ArtifactStore artifacts;
    private final PlanLoader loader;
    private final PlanSnapshots snapshots;
    private final LeafAnnouncer leaves;
    /** Finished plans' trees, the most recent few (a plan's proofs are usually asked for together). */
    private final Map<UUID, FinishedTree> trees = new LinkedHashMap<>(8, 0.75f, true) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<UUID, FinishedTree> eldest) {
            return size() > 4;
        }
    };

    /** A finished plan's run, its leaves in Merkle order, and their tree. */
    record FinishedTree(PlanRun run, int[] order, MerkleTree tree) {
    }

    public PlanQueries(PlanStore plans, CheckpointStore checkpoints, ResultStore results, ArtifactStore artifacts,
            PlanLoader loader, PlanSnapshots snapshots, LeafAnnouncer leaves) {
        this.plans = plans;
        this.checkpoints = checkpoints;
        this.results = results;
        this.artifacts = artifacts;
        this.loader = loader;
        this.snapshots = snapshots;
        this.leaves = leaves;
    }

    /** The status document: the live snapshot while the plan runs here, else what the store holds. */
    public Optional<PlanStatus> status(UUID planId) {
        Optional<PlanStatus> live = snapshots.get(planId);
        if (live.isPresent()) {
            return live;
        }
        return plans.withRoots(planId).map(this::stored);
    }

    private PlanStatus stored(PlanStore.PlanWithRoots stored) {
        PlanStore.StoredPlan p = stored.plan();
        long pending = Math.max(0, p.totalShards() - p.done() - p.failed());
        Map<String, String> roots = stored.stageRoots();
        List<PlanStatus.StageStatus> stages = new ArrayList<>();
        for (var stage : p.spec().path("stages")) {
            String id = stage.path("id").asText();
            stages.add(new PlanStatus.StageStatus(id, stage.path("kind").asText(),
                    roots.containsKey(id) ? "completed" : p.status(), -1, null, roots.get(id), null));
        }
        return new PlanStatus(p.planId().toString(), p.name(), p.status(), p.totalShards(),
                new PlanStatus.ShardCounts(pending, 0, p.done(), p.failed(), p.cached(), p.split()), p.merkleRoot(),
                p.hashAlg(), p.certificate(), p.createdAt(), p.startedAt(), p.finishedAt(), null, p.error(), stages);
    }

    /** Status, duration, per-stage roots, every shard that failed for good, and the plan as run; empty when unknown. */
    public Optional<Map<String, Object>> report(UUID planId) {
        Optional<PlanStore.PlanWithRoots> found = plans.withRoots(planId);
        if (found.isEmpty()) {
            return Optional.empty();
        }
        PlanStore.StoredPlan p = found.get().plan();
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", snapshots.get(planId).orElseGet(() -> stored(found.get())));
        if (p.startedAt() != null && p.finishedAt() != null) {
            body.put("duration_ms", Duration.between(p.startedAt(), p.finishedAt()).toMillis());
        }
        List<Map<String, Object>> failures = new ArrayList<>();
        for (CheckpointStore.Failure f : checkpoints.failures(planId)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("slot", f.slot());
            m.put("stage_id", f.stageId());
            m.put("cas_id", Hex.of(f.casId()));
            m.put("attempts", f.attempts());
            m.put("error", f.error());
            failures.add(m);
        }
        body.put("failures", failures);
        body.put("splits", checkpoints.splits(planId).size());
        body.put("plan", p.spec());
        return Optional.of(body);
    }

    private FinishedTree finishedTree(UUID planId) throws PlanRejected {
        synchronized (trees) {
            FinishedTree t = trees.get(planId);
            if (t != null) {
                return t;
            }
        }
        PlanRun run = loader.loadFinished(planId).orElseThrow();
        int[] order = run.leafOrder();
        FinishedTree t = new FinishedTree(run, order, run.tree(order));
        synchronized (trees) {
            trees.put(planId, t);
        }
        return t;
    }

    /** The inclusion proof of a shard of a plan with a root, or empty when the plan has no such leaf. */
    public Optional<InclusionProof> proof(UUID planId, String casId) throws PlanRejected {
        FinishedTree t = finishedTree(planId);
        byte[] wanted = Hex.parseHash(casId);
        for (int i = 0; i < t.order().length; i++) {
            int slot = t.order()[i];
            if (t.run().isDone(slot) && t.run().hasId(slot, wanted)) {
                return Optional.of(InclusionProof.of(planId.toString(), t.tree(), i, t.run().casId(slot),
                        t.run().digest(slot)));
            }
        }
        return Optional.empty();
    }

    /**
     * Announces again the leaves of a plan with a root at Merkle positions [from, to), as the
     * checkpoint rows that hold them, each under its row's identity ({@link LeafAnnouncer}): a
     * validator that stalls asks for every leaf, and under new identities each of them would be
     * stored a second time by the event store. Returns how many of the asked leaves went out.
     */
    public int resendLeaves(UUID planId, int from, int to) throws PlanRejected {
        FinishedTree t = finishedTree(planId);
        int[] order = t.order();
        BitSet asked = new BitSet(order.length);
        for (int i = Math.max(0, from); i < Math.min(to, order.length); i++) {
            if (t.run().isDone(order[i])) {
                asked.set(order[i]);
            }
        }
        if (!asked.isEmpty()) {
            RowResender rows = new RowResender(t.run(), asked);
            checkpoints.readLeaves(planId, rows);
            rows.flush();
        }
        return asked.cardinality();
    }

    /** Gathers checkpoint rows leaf by leaf (they come in row order) and announces each row that holds an asked slot. */
    private final class RowResender implements Consumer<LeafBatch.Leaf> {
        private final PlanRun run;
        private final BitSet asked;
        private int seq = -1;
        private List<Integer> slots = new ArrayList<>();
        private boolean wanted;

        RowResender(PlanRun run, BitSet asked) {
            this.run = run;
            this.asked = asked;
        }

        @Override
        public void accept(LeafBatch.Leaf leaf) {
            if (leaf.seq() != seq) {
                flush();
                seq = leaf.seq();
                slots = new ArrayList<>();
                wanted = false;
            }
            slots.add(leaf.index());
            wanted |= asked.get(leaf.index());
        }

        void flush() {
            if (wanted) {
                leaves.announceCheckpoint(run, seq, slots);
            }
            wanted = false;
        }
    }

    /**
     * A page of a plan's leaves as the stores hold them now (see {@link Commands.StoredLeaves}): the
     * tree's order is kept for the pages that follow; result rows and artifacts are read fresh per page.
     */
    public Commands.StoredLeaves storedLeaves(UUID planId, int from, int limit) throws PlanRejected {
        if (from == 0) {
            synchronized (trees) {
                trees.remove(planId); // a new pass reads the checkpoints anew
            }
        }
        FinishedTree t = finishedTree(planId);
        int total = t.order().length;
        int start = Math.min(Math.max(from, 0), total);
        int end = Math.min(total, start + Math.max(1, limit));
        List<byte[]> ids = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            ids.add(t.run().casId(t.order()[i]));
        }
        Map<String, ResultStore.StoredResult> stored = results.storedResults(ids);
        stored.putAll(results.storedEffects(planId, ids)); // an effect's outcome is its own plan's
        Set<String> present = artifacts.existing(stored.values().stream()
                .flatMap(r -> Arrays.stream(r.artifacts())).toList());
        List<Commands.StoredLeaf> out = new ArrayList<>(end - start);
        for (int i = start; i < end; i++) {
            int slot = t.order()[i];
            String cas = t.run().casHex(slot);
            ResultStore.StoredResult r = stored.get(cas);
            List<String> missing = new ArrayList<>();
            if (r != null) {
                for (String a : r.artifacts()) {
                    if (!present.contains(a)) {
                        missing.add(a);
                    }
                }
            }
            out.add(new Commands.StoredLeaf(i, cas, r == null ? null : Hex.of(r.digest()), t.run().digestHex(slot), missing));
        }
        return new Commands.StoredLeaves(planId.toString(), t.run().alg().wireName(), total, out, end < total ? end : null);
    }
}
