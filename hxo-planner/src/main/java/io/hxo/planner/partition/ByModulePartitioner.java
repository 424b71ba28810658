package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code by_module}: one shard per top-level module: the first segment of each item's key (a
 * top-level directory, or a route's first path segment); items at the top level form the
 * {@code "."} module.
 */
@ApplicationScoped
public class ByModulePartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_module";
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        Map<String, List<WorkItem>> modules = new LinkedHashMap<>();
        for (WorkItem item : source.items(config)) {
            modules.computeIfAbsent(module(item.key()), k -> new ArrayList<>()).add(item);
        }
        List<ItemGroups.Group> groups = new ArrayList<>();
        modules.forEach((name, items) -> groups.add(new ItemGroups.Group(name, items)));
        return ItemGroups.toShards(config, groups, maxShards);
    }

    static String module(String key) {
        String k = key.startsWith("/") ? key.substring(1) : key;
        int slash = k.indexOf('/');
        return slash < 0 ? "." : k.substring(0, slash);
    }
}
