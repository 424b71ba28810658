package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** A plan as submitted (SPEC §3). Only {@code name}, {@code stages[].id} and {@code stages[].kind} are required. */
@Schema(name = "Plan", description = "A plan: named stages of one job kind each, run as content-addressed shards."
        + " Only name, stages[].id and stages[].kind are required.")
public record PlanSpec(
        @Schema(required = true, examples = "test_deploy") String name,
        @Schema(required = true, minItems = 1) List<Stage> stages,
        Constraints constraints,
        @Schema(description = "A plan submitted again with the same key answers the first plan (200, duplicate: true)")
        String idempotencyKey) {

    @Schema(name = "Stage", description = "One stage: a job kind, partitioned into shards")
    public record Stage(
            @Schema(required = true, examples = "test") String id,
            @Schema(required = true, description = "The job kind, e.g. deploy.pack, test.noop, cache.prime",
                    examples = "deploy.pack") String kind,
            @Schema(description = "The stage's service level objective in milliseconds", examples = "60000") Long sloMs,
            @Schema(description = "Ids of the stages this one runs after") List<String> dependsOn,
            String partitioner,
            String executor,
            @Schema(description = "The kind's own settings (a JSON object)") JsonNode config) {
    }

    @Schema(name = "Constraints", description = "Limits on the whole plan")
    public record Constraints(Integer maxShards, Integer maxConcurrency,
            @Schema(description = "The plan is timed out after this many milliseconds") Long timeboxMs) {
    }
}
