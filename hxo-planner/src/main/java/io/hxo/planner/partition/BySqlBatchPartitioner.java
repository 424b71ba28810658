package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/** {@code by_sql_batch}: the statements, in order, {@code config.batch_size} (default 20) to a batch. */
@ApplicationScoped
public class BySqlBatchPartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_sql_batch";
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        int per = ItemGroups.positive(config, "batch_size", 20, 100_000);
        List<WorkItem> items = source.items(config);
        List<ItemGroups.Group> groups = new ArrayList<>();
        for (int i = 0; i < items.size(); i += per) {
            groups.add(new ItemGroups.Group("batch-" + (i / per), items.subList(i, Math.min(items.size(), i + per))));
        }
        return ItemGroups.toShards(config, groups, maxShards);
    }
}
