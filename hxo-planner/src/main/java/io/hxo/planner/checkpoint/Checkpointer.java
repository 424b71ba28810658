package io.hxo.planner.checkpoint;

import io.hxo.planner.announce.LeafAnnouncer;
import io.hxo.planner.run.PlanRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;

/**
 * Commits what runs settled since their last checkpoint — results, one packed row of leaves per plan,
 * failures, splits, counters — and the completions of plans that finished, in one transaction, then
 * announces the committed leaves (before any completed plan's root, so validators find them).
 */
@ApplicationScoped
public class Checkpointer {
    private final CheckpointStore store;
    private final LeafAnnouncer leaves;

    public Checkpointer(CheckpointStore store, LeafAnnouncer leaves) {
        this.store = store;
        this.leaves = leaves;
    }

    public void checkpoint(Collection<PlanRun> runs) {
        checkpoint(runs, List.of());
    }

    /** Retries until the database takes it: nothing is acknowledged before it is durable. */
    public void checkpoint(Collection<PlanRun> runs, List<CheckpointStore.Completion> completions) {
        List<CheckpointStore.PlanCheckpoint> batch = new ArrayList<>();
        List<PlanRun> saving = new ArrayList<>();
        for (PlanRun run : runs) {
            if (!run.hasUnsaved()) {
                continue;
            }
            batch.add(new CheckpointStore.PlanCheckpoint(run.planId(), run.nextCheckpointSeq(), run.unsavedLeaves(),
                    List.copyOf(run.unsavedResults()), run.unsavedSlots().size(), run.unsavedCached(),
                    List.copyOf(run.unsavedFailures()), List.copyOf(run.unsavedSplits())));
            saving.add(run);
        }
        if (batch.isEmpty() && completions.isEmpty()) {
            return;
        }
        Stored.retrying("checkpoint", () -> store.checkpoint(batch, completions));
        for (PlanRun run : saving) {
            leaves.announceCheckpoint(run, run.nextCheckpointSeq(), run.unsavedSlots());
            run.saved();
        }
    }
}
