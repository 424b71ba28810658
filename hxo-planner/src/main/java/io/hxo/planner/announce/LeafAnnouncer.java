package io.hxo.planner.announce;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.run.PlanRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Announces a plan's leaves on {@code hxo.shard.done}, which validators fold into their own roots:
 * as a checkpoint commits them, all of them again when a plan is resumed by a new owner, or a range
 * of them when a validator asks.
 */
@ApplicationScoped
public class LeafAnnouncer {
    /** Leaves per event (~400 KB): a checkpoint can settle 100,000 shards, far over the producer's 1 MB record limit. */
    static final int LEAVES_PER_EVENT = 2000;

    private final Outbox outbox;

    public LeafAnnouncer(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The leaf of a settled slot as validators read it. */
    public static Events.Leaf leaf(PlanRun run, int slot) {
        return new Events.Leaf(slot, run.order(slot), run.casHex(slot), run.digestHex(slot), run.cached(slot));
    }

    /** Publishes leaves, each event sent until the broker has it: a validator missing a leaf could not vote the root. */
    public void announce(PlanRun run, List<Events.Leaf> leaves) {
        for (int from = 0; from < leaves.size(); from += LEAVES_PER_EVENT) {
            outbox.emit(Topic.HXO_SHARD_DONE, run.planId().toString(), new Events.ShardsDone(run.planId().toString(),
                    leaves.subList(from, Math.min(leaves.size(), from + LEAVES_PER_EVENT))));
        }
    }

    /** The slots a checkpoint just committed. */
    public void announceSlots(PlanRun run, List<Integer> slots) {
        List<Events.Leaf> leaves = new ArrayList<>(slots.size());
        for (int slot : slots) {
            leaves.add(leaf(run, slot));
        }
        announce(run, leaves);
    }

    /**
     * The settled leaves at Merkle positions [from, to): for a resumed plan (its previous owner may have
     * checkpointed leaves and stopped before announcing them), or a validator that lacks some. A leaf
     * announced twice counts once (validators keep one per slot). Returns how many went out.
     */
    public int announceRange(PlanRun run, int[] order, int from, int to) {
        int end = Math.min(to, order.length);
        List<Events.Leaf> leaves = new ArrayList<>(Math.max(0, end - from));
        for (int i = Math.max(0, from); i < end; i++) {
            if (run.isDone(order[i])) {
                leaves.add(leaf(run, order[i]));
            }
        }
        announce(run, leaves);
        return leaves.size();
    }
}
