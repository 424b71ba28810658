package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** A plan as submitted (SPEC §3). Only {@code name}, {@code stages[].id} and {@code stages[].kind} are required. */
public record PlanSpec(String name, List<Stage> stages, Constraints constraints, String idempotencyKey) {

    public record Stage(
            String id,
            String kind,
            Long sloMs,
            List<String> dependsOn,
            String partitioner,
            String executor,
            JsonNode config) {
    }

    public record Constraints(Integer maxShards, Integer maxConcurrency, Long timeboxMs) {
    }
}
