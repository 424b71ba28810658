package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * {@code by_filesize}: bin-packs the items, in key order, into shards of at most
 * {@code config.chunk_size_mb} (default 8 MB). An item larger than a chunk gets a shard of its own;
 * no item is left out. Predictive mode picks the chunk from the kind's cost per byte when the plan
 * gives none.
 */
@ApplicationScoped
public class ByFilesizePartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_filesize";
    }

    @Override
    public Optional<JsonNode> sized(JsonNode config, OptionalDouble msPerItem, OptionalDouble msPerByte, long targetMs) {
        if (config.has("chunk_size_mb") || msPerByte.isEmpty() || msPerByte.getAsDouble() <= 0) {
            return Optional.empty();
        }
        double bytes = targetMs / msPerByte.getAsDouble();
        ObjectNode sized = config.deepCopy();
        sized.put("chunk_size_mb", Partitioner.powerOfTwo(bytes / (1 << 20), 1, 1024));
        return Optional.of(sized);
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        long chunk = (long) ItemGroups.positive(config, "chunk_size_mb", 8, 1 << 20) << 20;
        List<ItemGroups.Group> groups = new ArrayList<>();
        List<WorkItem> current = new ArrayList<>();
        long size = 0;
        for (WorkItem item : source.items(config)) {
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
