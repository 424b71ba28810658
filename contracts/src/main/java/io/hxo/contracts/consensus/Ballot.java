package io.hxo.contracts.consensus;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Events;
import java.time.Instant;
import java.util.Optional;

/** The validator's side of a consensus round: which ready events to vote on, and the vote itself. */
public final class Ballot {
    /** Time a round allows per leaf on top of its base (read through {@link #leafAllowanceMs}, never inlined). */
    private static final long MICROS_PER_LEAF = 100;
    /** How long a validator waits for leaves on top of the allowance: less than the gateway's base timeout. */
    private static final long BASE_PATIENCE_MS = 3000;

    private Ballot() {
    }

    /**
     * The time a round adds for a plan of {@code leafCount} leaves, so validators can read and fold a
     * large tree (0.1 ms per leaf: 10 s at 100,000 leaves on two cores shared with the whole suite).
     * The gateway's deadline and each validator's own patience grow by this same amount.
     */
    public static long leafAllowanceMs(long leafCount) {
        return leafCount * MICROS_PER_LEAF / 1000;
    }

    /** How long a validator waits for the leaves of a plan before it votes with what it has. */
    public static long patienceMs(long leafCount) {
        return BASE_PATIENCE_MS + leafAllowanceMs(leafCount);
    }

    /**
     * The ready announcement an event carries (as a validator's consumer received it, read by
     * hxo-runtime's converter), if the validator should vote on it: its data readable, and not older
     * than {@link Events#VOTE_WINDOW} (a backlog after downtime is long decided).
     */
    public static Optional<Events.AggregateReady> toVoteOn(CloudEvent ev) {
        if (ev.time().isBefore(Instant.now().minus(Events.VOTE_WINDOW))) {
            return Optional.empty();
        }
        try {
            return Optional.of(ev.dataAs(Events.AggregateReady.class));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /**
     * A validator's vote on a ready announcement: its root, or null and the reason it has none. The
     * validator publishes it on {@code hxo.aggregate.vote}, keyed by the plan id.
     */
    public static Events.Vote vote(Events.AggregateReady ready, String validator, String instance, String root,
            String error) {
        return new Events.Vote(ready.planId(), validator, instance, root, ready.leafCount(), ready.hashAlg(), error,
                Instant.now());
    }
}
