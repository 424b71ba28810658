package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * {@code by_count}: {@code config.count} shards (default 1). Each shard's input is the stage config
 * without {@code count}, plus its {@code index}; so {@code config.salt} and any executor setting
 * enter every shard's CAS id. Nothing is stored: the inputs follow from the config.
 */
@ApplicationScoped
public class ByCountPartitioner implements Partitioner {

    @Override
    public String name() {
        return "by_count";
    }

    @Override
    public ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException {
        JsonNode countNode = config.get("count");
        int count = 1;
        if (countNode != null && !countNode.isNull()) {
            if (!countNode.canConvertToLong() || !countNode.isIntegralNumber() || countNode.asLong() < 1) {
                throw new PartitionException("count", "must be a whole number of at least 1");
            }
            if (countNode.asLong() > maxShards) {
                throw new PartitionException("count", "asks for " + countNode.asLong()
                        + " shards; the limit is " + maxShards);
            }
            count = countNode.asInt();
        }
        ObjectNode template = config.deepCopy();
        template.remove("count");
        return new Derived(template, count);
    }

    private record Derived(ObjectNode template, int size) implements ShardList {
        @Override
        public JsonNode input(int index) {
            ObjectNode in = Json.mapper().createObjectNode();
            in.put("index", index);
            in.setAll(template);
            return in;
        }

        @Override
        public boolean derivedFromConfig() {
            return true;
        }
    }
}
