package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/** Where a partitioner gets a stage's work items (the kind's executor: files, routes, statements). */
@FunctionalInterface
public interface ItemSource {
    List<WorkItem> items(JsonNode config) throws PartitionException;
}
