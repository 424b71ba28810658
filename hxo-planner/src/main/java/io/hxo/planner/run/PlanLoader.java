package io.hxo.planner.run;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.payload.PlanState;
import io.hxo.planner.checkpoint.CheckpointStore;
import io.hxo.planner.checkpoint.LeafBatch;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.plan.PlanValidator;
import io.hxo.planner.plan.ValidatedPlan;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;

/** Builds a plan's run: a new one at submit, or one read back from the stores (spec, stored inputs, splits, leaves). */
@ApplicationScoped
public class PlanLoader {
    private final PlanStore plans;
    private final CheckpointStore checkpoints;
    private final PlanValidator validator;
    private final boolean alir;

    public PlanLoader(PlanStore plans, CheckpointStore checkpoints, PlanValidator validator, PlannerConfig config) {
        this.plans = plans;
        this.checkpoints = checkpoints;
        this.validator = validator;
        this.alir = config.alirEnabled();
    }

    public PlanRun fresh(UUID planId, ValidatedPlan plan, HashAlg alg, int partition) {
        return new PlanRun(planId, plan, alg, partition, alir ? new ExecutionLimit(plan.maxConcurrency()) : null);
    }

    /** A checkpoint row of a stored plan: its sequence number and the slots it holds, in their order. */
    public record CheckpointRow(int seq, List<Integer> slots) {
    }

    /** A stored plan's run, and its checkpoint rows in commit order (what its owner announced, row by row). */
    public record Resumed(PlanRun run, List<CheckpointRow> rows) {
    }

    /** The run of a stored plan with its checkpoint rows, for an owner that takes it over; empty when there is none. */
    public Optional<Resumed> resume(UUID planId) throws PlanRejected {
        List<CheckpointRow> rows = new ArrayList<>();
        Optional<PlanRun> run = load(planId, leaf -> {
            if (rows.isEmpty() || rows.get(rows.size() - 1).seq() != leaf.seq()) {
                rows.add(new CheckpointRow(leaf.seq(), new ArrayList<>()));
            }
            rows.get(rows.size() - 1).slots().add(leaf.index());
        });
        return run.map(r -> new Resumed(r, rows));
    }

    /** The run of a stored plan, empty when there is none. */
    public Optional<PlanRun> load(UUID planId) throws PlanRejected {
        return load(planId, leaf -> {
        });
    }

    private Optional<PlanRun> load(UUID planId, Consumer<LeafBatch.Leaf> rows) throws PlanRejected {
        PlanStore.StoredPlan stored = plans.plan(planId).orElse(null);
        if (stored == null) {
            return Optional.empty();
        }
        ValidatedPlan plan = validator.revalidate(stored.spec(), plans.storedInputs(planId));
        PlanRun run = fresh(planId, plan, HashAlg.fromWire(stored.hashAlg()), stored.partition());
        checkpoints.splits(planId).forEach(run::restoreSplit);
        int next = checkpoints.readLeaves(planId, leaf -> {
            run.restore(leaf);
            rows.accept(leaf);
        });
        run.restored(PlanState.fromWire(stored.status()), stored.error(), stored.createdAt(), stored.startedAt(), next);
        return Optional.of(run);
    }

    /** A finished plan's run with every stage closed, ready for its tree and leaf order. */
    public Optional<PlanRun> loadFinished(UUID planId) throws PlanRejected {
        Optional<PlanRun> run = load(planId);
        run.ifPresent(PlanRun::closeStages);
        return run;
    }
}
