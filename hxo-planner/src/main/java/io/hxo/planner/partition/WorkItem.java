package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * One thing a stage works on. {@code key} orders and groups it (a relative path, a route, a
 * statement number); {@code size} weighs it for bin packing; {@code data} goes into the shard input.
 */
public record WorkItem(String key, long size, String bucket, JsonNode data) {
}
