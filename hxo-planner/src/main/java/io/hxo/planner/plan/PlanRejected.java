package io.hxo.planner.plan;

import io.hxo.contracts.payload.Problem;

/** A plan refused before any work started; carries the problem document for the caller. */
public class PlanRejected extends Exception {
    private final transient Problem problem;

    public PlanRejected(Problem problem) {
        super(problem.detail());
        this.problem = problem;
    }

    public Problem problem() {
        return problem;
    }
}
