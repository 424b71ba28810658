package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** The shards of one stage: how many, and the inputs of each (which enter its CAS id). */
public interface ShardList {
    int size();

    JsonNode input(int index);

    /**
     * True when the inputs follow from the stage's config alone, so nothing needs storing: the
     * planner re-derives them on resume. False when they depend on the world at submit time
     * (files on disk, routes) and are stored with the stage.
     */
    boolean derivedFromConfig();

    static ShardList of(List<JsonNode> inputs) {
        List<JsonNode> copy = List.copyOf(inputs);
        return new ShardList() {
            @Override
            public int size() {
                return copy.size();
            }

            @Override
            public JsonNode input(int index) {
                return copy.get(index);
            }

            @Override
            public boolean derivedFromConfig() {
                return false;
            }
        };
    }
}
