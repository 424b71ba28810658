package io.hxo.planner.announce;

import io.hxo.contracts.consensus.Ballot;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.complete.Completion;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.own.OwnerThread;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.run.PlanLoader;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Announces again the completed plans of the owned partitions whose consensus decision is overdue:
 * first {@link #UNDECIDED_FOR} (plus the round's leaf allowance) after completing, then after twice the
 * previous wait. By then the gateway's round is over: the announcement was lost (the owner stopped
 * between storing the completion and announcing it) or reached no gateway. Validators vote on the new
 * announcement as on the first. Runs on the owner thread every {@code HXO_UNDECIDED_CHECK_SECONDS}.
 */
@ApplicationScoped
public class Reannouncer {
    static final Duration UNDECIDED_FOR = Events.VOTE_WINDOW;
    /**
     * Plans completed longer ago are not announced again: their leaves may have left the
     * {@code hxo.shard.done} topic, so a validator reading it could only vote that it has none.
     */
    static final Duration UNDECIDED_HORIZON = Duration.ofDays(1);
    /** Announcements per check, so a backlog (after a long gateway outage) never holds the owner long. */
    static final int PER_CHECK = 20;

    private final PlanStore plans;
    private final PlanLoader loader;
    private final PlanRuns runs;
    private final Completion completion;
    private final OwnerThread owner;
    private final long checkSeconds;
    /** Plans announced again: when each may next be, and the wait after that (owner thread only). */
    private final Map<UUID, Next> reannounced = new HashMap<>();

    private record Next(Instant at, Duration delay) {
    }

    public Reannouncer(PlanStore plans, PlanLoader loader, PlanRuns runs, Completion completion, OwnerThread owner,
            PlannerConfig config) {
        this.plans = plans;
        this.loader = loader;
        this.runs = runs;
        this.completion = completion;
        this.owner = owner;
        this.checkSeconds = config.undecidedCheckSeconds();
    }

    void start(@Observes StartupEvent ev) {
        if (checkSeconds > 0) {
            owner.every(checkSeconds * 1000, checkSeconds * 1000, () -> reannounce(Instant.now(), PER_CHECK));
        }
    }

    /** Announces the overdue plans as of {@code now} (another clock in tests), at most {@code atMost}; returns them. */
    public List<UUID> announceUndecided(Instant now, int atMost) {
        return owner.call(() -> reannounce(now, atMost)).join();
    }

    private List<UUID> reannounce(Instant now, int atMost) {
        List<UUID> announced = new ArrayList<>();
        List<PlanStore.Undecided> undecided;
        try {
            undecided = plans.undecidedPlans(runs.ownedPartitions(), now.minus(UNDECIDED_HORIZON));
        } catch (StoreException e) {
            Log.warnf("could not look for plans waiting for a decision: %s", e.getMessage());
            return announced;
        }
        reannounced.keySet().retainAll(undecided.stream().map(PlanStore.Undecided::planId).toList());
        for (PlanStore.Undecided u : undecided) {
            Duration firstWait = UNDECIDED_FOR.plusMillis(Ballot.leafAllowanceMs(u.totalShards()));
            Next before = reannounced.getOrDefault(u.planId(), new Next(u.finishedAt().plus(firstWait), firstWait));
            if (before.at().isAfter(now) || announced.size() >= atMost) {
                continue;
            }
            try {
                PlanRun run = loader.load(u.planId()).orElse(null);
                if (run == null || run.status() != PlanState.COMPLETED) {
                    continue; // decided since the list was read: a new round could only fail
                }
                completion.announce(run, u.merkleRoot(), run.totalLeaves());
                Duration delay = before.delay().multipliedBy(2);
                reannounced.put(u.planId(), new Next(now.plus(delay), delay));
                announced.add(u.planId());
                Log.warnf("plan %s completed at %s and has no consensus decision; announced its root again",
                        u.planId(), u.finishedAt());
            } catch (RuntimeException | PlanRejected e) {
                Log.errorf(e, "cannot announce plan %s again", u.planId());
            }
        }
        return announced;
    }
}
