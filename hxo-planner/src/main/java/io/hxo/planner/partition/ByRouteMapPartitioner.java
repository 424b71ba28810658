package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.planner.execute.ShardExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** {@code by_route_map}: the items of the route map, in order, {@code config.routes_per_shard} (default 10) to a shard. */
@ApplicationScoped
public class ByRouteMapPartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_route_map";
    }

    @Override
    public ShardList partition(JsonNode config, ShardExecutor executor, int maxShards) throws PartitionException {
        int per = ItemGroups.positive(config, "routes_per_shard", 10, 100_000);
        List<WorkItem> items = executor.items(config);
        List<ItemGroups.Group> groups = new ArrayList<>();
        for (int i = 0; i < items.size(); i += per) {
            groups.add(new ItemGroups.Group(null, items.subList(i, Math.min(items.size(), i + per))));
        }
        return ItemGroups.toShards(config, groups, maxShards);
    }
}
