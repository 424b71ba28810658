package io.hxo.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.partition.Partitioner;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * Predictive mode ({@code HXO_PREDICTIVE_MODE}): a stage whose plan leaves the shard size open gets
 * shards sized from its kind's recorded history, so one shard is predicted to take about
 * {@code HXO_PREDICTIVE_TARGET_SHARD_MS}. Without history, or with the mode off, the partitioner's
 * default stands.
 */
@ApplicationScoped
public class ShardSizing {
    private final PlanStore store;
    private final boolean on;
    private final long targetMs;

    public ShardSizing(PlanStore store, PlannerConfig config) {
        this.store = store;
        this.on = config.predictiveMode();
        this.targetMs = config.predictive().targetShardMs();
    }

    /** The stage config, with the shard size predictive mode chose when it chose one. */
    JsonNode sized(String kind, String executor, Partitioner partitioner, JsonNode config) {
        if (!on) {
            return config;
        }
        return store.kindStats(kind, executor)
                .flatMap(h -> partitioner.sized(config, h.msPerItem(), h.msPerByte(), targetMs))
                .orElse(config);
    }
}
