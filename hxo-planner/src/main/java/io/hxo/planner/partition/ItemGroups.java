package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;

/** Shared by the item partitioners: groups of items become shard inputs (config + items + group name). */
final class ItemGroups {
    private ItemGroups() {
    }

    record Group(String name, List<WorkItem> items) {
    }

    static ShardList toShards(JsonNode config, List<Group> groups, int maxShards) throws PartitionException {
        if (groups.size() > maxShards) {
            throw new PartitionException("", "makes " + groups.size() + " shards; the limit is " + maxShards);
        }
        List<JsonNode> inputs = new ArrayList<>(groups.size());
        for (Group g : groups) {
            ObjectNode in = ((ObjectNode) config).deepCopy();
            if (g.name() != null) {
                in.put("group", g.name());
            }
            ArrayNode items = in.putArray("items");
            g.items().forEach(i -> items.add(i.data()));
            inputs.add(in);
        }
        return ShardList.of(inputs);
    }

    static int positive(JsonNode config, String field, int fallback, int max) throws PartitionException {
        JsonNode n = config.get(field);
        if (n == null || n.isNull()) {
            return fallback;
        }
        if (!n.isIntegralNumber() || n.asLong() < 1 || n.asLong() > max) {
            throw new PartitionException(field, "must be a whole number from 1 to " + max);
        }
        return n.asInt();
    }
}
