package io.hxo.planner.query;

import io.hxo.contracts.payload.Commands;
import io.hxo.planner.checkpoint.CheckpointStore;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.run.PlanLoader;
import io.hxo.planner.run.PlanRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

/**
 * A plan's shards, page by page, as the stores hold them: every leaf in Merkle order with its stage,
 * slot, CAS id, state, attempts, run time and output digest, and the last error of a shard that
 * failed for good. A shard of a running plan whose result is not checkpointed yet shows as
 * {@code pending} (in flight or not). On the query threads, never on the owner's.
 */
@ApplicationScoped
public class ShardListing {
    static final Set<String> STATES = Set.of("pending", "done", "failed");

    private final PlanLoader loader;
    private final CheckpointStore checkpoints;

    public ShardListing(PlanLoader loader, CheckpointStore checkpoints) {
        this.loader = loader;
        this.checkpoints = checkpoints;
    }

    /** A page, or empty when there is no such plan. */
    public Optional<Commands.ShardPage> page(UUID planId, String state, String stage, int after, int limit)
            throws PlanRejected {
        if (state != null && !STATES.contains(state)) {
            throw new IllegalArgumentException("state must be one of pending, done, failed");
        }
        PlanRun run = loader.load(planId).orElse(null);
        if (run == null) {
            return Optional.empty();
        }
        if (stage != null && run.stages().stream().noneMatch(s -> s.spec().id().equals(stage))) {
            throw new IllegalArgumentException("plan " + planId + " has no stage \"" + stage + "\"");
        }
        Map<Integer, CheckpointStore.Failure> failed = new HashMap<>();
        checkpoints.failures(planId).forEach(f -> failed.put(f.slot(), f));
        int[] order = run.leafOrder();
        List<Commands.ShardRow> rows = new ArrayList<>();
        int position = Math.max(-1, after) + 1;
        for (; position < order.length && rows.size() < limit; position++) {
            int slot = order[position];
            String stageId = run.stageOf(slot).spec().id();
            CheckpointStore.Failure f = failed.get(slot);
            String st = f != null ? "failed" : run.isDone(slot) ? "done" : "pending";
            if ((state == null || state.equals(st)) && (stage == null || stage.equals(stageId))) {
                boolean done = run.isDone(slot);
                rows.add(new Commands.ShardRow(stageId, slot, position, run.casHex(slot), st,
                        f != null ? f.attempts() : run.attempts(slot), done && !run.cached(slot) ? run.runMs(slot) : null,
                        done ? run.digestHex(slot) : null, done && run.cached(slot), f == null ? null : f.error()));
            }
        }
        return Optional.of(new Commands.ShardPage(planId.toString(), order.length, rows,
                position < order.length ? position - 1 : null));
    }
}
