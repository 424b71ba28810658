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
            node = body == null || body.isBlank() ? null : strictTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw badRequest("the body must be JSON: " + e.getOriginalMessage());
        }
        if (node == null || !node.isObject()) {
            throw badRequest("the body must be a JSON object (" + what + ")");
        }
        return node;
    }

    /**
     * One JSON value and nothing after it: {@code {"a":1}{"b":2}} is malformed, not {@code {"a":1}}
     * (Jackson's default reads the first value and ignores the rest). A key twice in one object
     * ({@code {"name":"a","name":"b"}}) is malformed too: read as its last value, two different texts
     * would be one plan (and one content id).
     */
    public static com.fasterxml.jackson.databind.JsonNode strictTree(String body)
            throws com.fasterxml.jackson.core.JsonProcessingException {
        return io.hxo.contracts.json.Json.mapper().readerFor(com.fasterxml.jackson.databind.JsonNode.class)
                .with(com.fasterxml.jackson.databind.DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
                .with(com.fasterxml.jackson.core.StreamReadFeature.STRICT_DUPLICATE_DETECTION).readTree(body);
    }

    public Problem problem() {
        return problem;
    }
}
