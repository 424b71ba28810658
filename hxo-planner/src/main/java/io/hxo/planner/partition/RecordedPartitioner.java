package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.planner.checkpoint.PlanStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.UUID;

/**
 * {@code recorded}: the shards of a stage of an earlier plan, exactly as they were
 * ({@code config.recorded_plan}, {@code config.recorded_stage}). Used by rollback: equal inputs give
 * equal CAS ids, so the work is served from the store while its artifacts exist.
 */
@ApplicationScoped
public class RecordedPartitioner implements Partitioner {
    private final PlanStore store;

    public RecordedPartitioner(PlanStore store) {
        this.store = store;
    }

    @Override
    public String name() {
        return "recorded";
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        UUID plan;
        try {
            plan = UUID.fromString(config.path("recorded_plan").asText(""));
        } catch (IllegalArgumentException e) {
            throw new PartitionException("recorded_plan", "must be the id of an earlier plan");
        }
        String stage = config.path("recorded_stage").asText("");
        List<JsonNode> inputs = store.storedInputs(plan).get(stage);
        if (inputs == null) {
            throw new PartitionException("recorded_stage", "plan " + plan + " has no recorded shards for stage \""
                    + stage + "\"");
        }
        if (inputs.size() > maxShards) {
            throw new PartitionException("recorded_stage", "has " + inputs.size() + " shards; the limit is " + maxShards);
        }
        return ShardList.of(inputs);
    }
}
