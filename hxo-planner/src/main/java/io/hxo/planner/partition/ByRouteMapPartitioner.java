package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/** {@code by_route_map}: the items of the route map, in order, {@code config.routes_per_shard} (default 10) to a shard;
 * predictive mode picks the number from the kind's cost per route when the plan gives none. */
@ApplicationScoped
public class ByRouteMapPartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_route_map";
    }

    @Override
    public Optional<JsonNode> sized(JsonNode config, OptionalDouble msPerItem, OptionalDouble msPerByte, long targetMs) {
        if (config.has("routes_per_shard") || msPerItem.isEmpty() || msPerItem.getAsDouble() <= 0) {
            return Optional.empty();
        }
        ObjectNode sized = config.deepCopy();
        sized.put("routes_per_shard", Partitioner.powerOfTwo(targetMs / msPerItem.getAsDouble(), 1, 65_536));
        return Optional.of(sized);
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        int per = ItemGroups.positive(config, "routes_per_shard", 10, 100_000);
        List<WorkItem> items = source.items(config);
        List<ItemGroups.Group> groups = new ArrayList<>();
        for (int i = 0; i < items.size(); i += per) {
            groups.add(new ItemGroups.Group(null, items.subList(i, Math.min(items.size(), i + per))));
        }
        return ItemGroups.toShards(config, groups, maxShards);
    }
}
