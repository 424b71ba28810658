package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.planner.execute.ShardExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code by_filesize}: bin-packs the items, in key order, into shards of at most
 * {@code config.chunk_size_mb} (default 8 MB). An item larger than a chunk gets a shard of its own;
 * no item is left out.
 */
@ApplicationScoped
public class ByFilesizePartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_filesize";
    }

    @Override
    public ShardList partition(JsonNode config, ShardExecutor executor, int maxShards) throws PartitionException {
        long chunk = (long) ItemGroups.positive(config, "chunk_size_mb", 8, 1 << 20) << 20;
        List<ItemGroups.Group> groups = new ArrayList<>();
        List<WorkItem> current = new ArrayList<>();
        long size = 0;
        for (WorkItem item : executor.items(config)) {
            if (!current.isEmpty() && size + item.size() > chunk) {
                groups.add(new ItemGroups.Group(null, current));
                current = new ArrayList<>();
                size = 0;
            }
            current.add(item);
            size += item.size();
        }
        if (!current.isEmpty()) {
            groups.add(new ItemGroups.Group(null, current));
        }
        return ItemGroups.toShards(config, groups, maxShards);
    }
}
