package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;

/**
 * The answer to a command or query sent over Kafka: an HTTP-like status with either a body or a
 * problem. Correlated with its request by the {@code correlationid} extension.
 */
public record Reply(int status, JsonNode body, Problem problem) {

    public static Reply ok(int status, Object body) {
        return new Reply(status, Json.tree(body), null);
    }

    public static Reply problem(Problem problem) {
        return new Reply(problem.status(), null, problem);
    }

    public boolean isSuccess() {
        return status < 400;
    }
}
