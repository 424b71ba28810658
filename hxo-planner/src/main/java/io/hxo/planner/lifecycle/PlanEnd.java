package io.hxo.planner.lifecycle;

import io.hxo.contracts.payload.PlanState;
import io.hxo.planner.announce.PlanEvents;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.checkpoint.Stored;
import io.hxo.planner.dispatch.Dispatcher;
import io.hxo.planner.execute.PlanGate;
import io.hxo.planner.query.PlanSnapshots;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;

/** Ends a plan without a root (halted, aborted, timed out): stored, announced, gone from memory. */
@ApplicationScoped
public class PlanEnd {
    private final PlanStore plans;
    private final PlanRuns runs;
    private final PlanGate gate;
    private final PlanEvents events;
    private final Dispatcher dispatcher;
    private final PlanSnapshots snapshots;

    public PlanEnd(PlanStore plans, PlanRuns runs, PlanGate gate, PlanEvents events, Dispatcher dispatcher,
            PlanSnapshots snapshots) {
        this.plans = plans;
        this.runs = runs;
        this.gate = gate;
        this.events = events;
        this.dispatcher = dispatcher;
        this.snapshots = snapshots;
    }

    /** On the owner thread. */
    public void end(PlanRun run, PlanState state, String why) {
        Stored.retrying(state.wire(), () -> plans.finish(run.planId(), state, why, Instant.now()));
        run.status(state);
        runs.remove(run.planId());
        snapshots.forget(run.planId());
        dispatcher.publishGauges(0);
        gate.end(run.planId().toString());
        events.changed(run.planId(), run.name(), state, run.totalLeaves(), null, run.alg());
        Log.warnf("plan %s %s: %s", run.planId(), state, why);
    }
}
