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

    public static ApiProblem badRequest(String detail) {
        return of(400, "bad-request", "Bad request", detail);
    }

    /** A request body that must be a JSON object; anything else is a 400 saying so. */
    public static com.fasterxml.jackson.databind.JsonNode jsonObject(String body, String what) {
        com.fasterxml.jackson.databind.JsonNode node;
        try {
            node = body == null || body.isBlank() ? null : io.hxo.contracts.json.Json.mapper().readTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw badRequest("the body must be JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw badRequest("the body must be a JSON object (" + what + ")");
        }
        return node;
    }

    public Problem problem() {
        return problem;
    }
}
