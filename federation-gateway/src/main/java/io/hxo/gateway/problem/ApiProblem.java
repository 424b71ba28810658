package io.hxo.gateway.problem;

import io.hxo.contracts.payload.Problem;

/** An error that is already a problem document; thrown anywhere, rendered by {@link ProblemMappers}. */
public class ApiProblem extends RuntimeException {
    private final transient Problem problem;

    public ApiProblem(Problem problem) {
        super(problem.detail(), null, false, false);
        this.problem = problem;
    }

    public static ApiProblem of(int status, String slug, String title, String detail) {
        return new ApiProblem(Problem.of(status, slug, title, detail));
    }

    public Problem problem() {
        return problem;
    }
}
