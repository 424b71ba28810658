package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * {@code by_asset_bucket}: one shard per asset bucket (images, scripts, styles, fonts, documents,
 * other), each cut into pieces of at most {@code config.bucket_size} items (default 500).
 */
@ApplicationScoped
public class ByAssetBucketPartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_asset_bucket";
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        int per = ItemGroups.positive(config, "bucket_size", 500, 1_000_000);
        Map<String, List<WorkItem>> buckets = new TreeMap<>();
        for (WorkItem item : source.items(config)) {
            buckets.computeIfAbsent(item.bucket() == null ? "other" : item.bucket(), k -> new ArrayList<>()).add(item);
        }
        List<ItemGroups.Group> groups = new ArrayList<>();
        buckets.forEach((bucket, items) -> {
            for (int i = 0; i < items.size(); i += per) {
                groups.add(new ItemGroups.Group(bucket, items.subList(i, Math.min(items.size(), i + per))));
            }
        });
        return ItemGroups.toShards(config, groups, maxShards);
    }
}
