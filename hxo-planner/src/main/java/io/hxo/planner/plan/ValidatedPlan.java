package io.hxo.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.planner.partition.ShardList;
import java.util.List;

/**
 * A plan that passed validation: stages in topological order with every default resolved, and
 * each stage's shards laid out in leaf order ({@code firstLeaf} … {@code firstLeaf + size - 1}).
 */
public record ValidatedPlan(
        String name,
        List<Stage> stages,
        int totalShards,
        int maxConcurrency,
        int dispatchWindow,
        Long timeboxMs,
        String idempotencyKey,
        JsonNode normalized) {

    public record Stage(
            String id,
            String kind,
            String partitioner,
            String executor,
            String executorVersion,
            Long sloMs,
            List<String> dependsOn,
            JsonNode config,
            ShardList shards,
            int firstLeaf,
            boolean sequential,
            /** A pure kind: a stored result may be served; false for effects, which run in every plan. */
            boolean cacheable) {

        /** An effect acts on the world: it runs in every plan and never splits. */
        public boolean effect() {
            return !cacheable;
        }
    }
}
