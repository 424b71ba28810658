package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** {@code single}: the whole stage is one shard whose input is the stage config. */
@ApplicationScoped
public class SinglePartitioner implements Partitioner {

    @Override
    public String name() {
        return "single";
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        if (maxShards < 1) {
            throw new PartitionException("", "makes 1 shard; the limit is " + maxShards);
        }
        return ShardList.of(List.of(config.deepCopy()));
    }
}
