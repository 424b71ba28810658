package io.hxo.planner.announce;

import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.run.PlanRun;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * Announces a plan's leaves on {@code hxo.shard.done}, which validators fold into their own roots:
 * as a checkpoint commits them, all of them again when a plan is resumed by a new owner, and the rows
 * that hold the leaves a validator asks for again.
 *
 * <p>A checkpoint's leaves go out as events whose identity is the checkpoint's: source
 * {@value #CHECKPOINT_SOURCE} (the planner, whichever instance owns the plan) and an id derived from the
 * plan, the checkpoint row and the event's place in it. A new owner announces the rows it resumes from
 * again under the same identities, row by row, so the events the previous owner did send are the same
 * events and the event store keeps each leaf once; only the rows it never sent are new there. A
 * validator's request goes out the same way, row by row.
 */
@ApplicationScoped
public class LeafAnnouncer {
    /** Leaves per event (~400 KB): a checkpoint can settle 100,000 shards, far over the producer's 1 MB record limit. */
    static final int LEAVES_PER_EVENT = 2000;
    /** The source of checkpoint announcements: not an instance's, so any owner's copy is the same event. */
    static final String CHECKPOINT_SOURCE = "/hxo-planner";

    private final Outbox outbox;

    public LeafAnnouncer(Outbox outbox) {
        this.outbox = outbox;
    }

    /** The leaf of a settled slot as validators read it. */
    public static Events.Leaf leaf(PlanRun run, int slot) {
        return new Events.Leaf(slot, run.order(slot), run.casHex(slot), run.digestHex(slot), run.cached(slot));
    }

    /**
     * The slots checkpoint row {@code seq} holds, in its order: as the row commits, and again by an owner
     * that resumes the plan from it. Same row, same events (see the class comment).
     */
    public void announceCheckpoint(PlanRun run, int seq, List<Integer> slots) {
        String planId = run.planId().toString();
        for (int from = 0, part = 0; from < slots.size(); from += LEAVES_PER_EVENT, part++) {
            List<Events.Leaf> leaves = new ArrayList<>(Math.min(LEAVES_PER_EVENT, slots.size() - from));
            for (int slot : slots.subList(from, Math.min(slots.size(), from + LEAVES_PER_EVENT))) {
                leaves.add(leaf(run, slot));
            }
            outbox.emitAs(Topic.HXO_SHARD_DONE, CHECKPOINT_SOURCE, checkpointEventId(planId, seq, part), planId,
                    new Events.ShardsDone(planId, leaves));
        }
    }

    /** The id of part {@code part} of checkpoint row {@code seq}'s announcement: the same from every instance. */
    static String checkpointEventId(String planId, int seq, int part) {
        return UUID.nameUUIDFromBytes(("hxo.shard.done " + planId + " " + seq + " " + part)
                .getBytes(StandardCharsets.UTF_8)).toString();
    }
}
