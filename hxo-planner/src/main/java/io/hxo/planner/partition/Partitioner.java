package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Optional;
import java.util.OptionalDouble;

/**
 * Turns a stage into shards. One CDI bean per partitioner name; which kinds may use it is declared
 * by the kinds' executors. Most partitioners group the stage's {@link ItemSource work
 * items}; {@code by_count} makes synthetic shards.
 */
public interface Partitioner {

    /** The name plans use, e.g. {@code by_count}. */
    String name();

    /**
     * @param config the stage's config object (never null; empty when the plan gave none)
     * @param items the stage's work items (its kind's executor lists them)
     * @param maxShards the most shards this stage may produce; a partitioner stops and refuses beyond it
     * @throws PartitionException naming the config field at fault
     */
    ShardList partition(JsonNode config, ItemSource source, int maxShards) throws PartitionException;

    /**
     * Predictive mode: the config with this partitioner's shard size chosen so that one shard is
     * predicted to take about {@code targetMs}, from what an item and a byte of this kind cost so far;
     * empty when the plan fixed the size itself, the history says nothing useful, or the partitioner
     * has no size to choose. Sizes are powers of two, so small drifts in the history do not regroup
     * the shards (and change their ids) from one plan to the next.
     */
    default Optional<JsonNode> sized(JsonNode config, OptionalDouble msPerItem, OptionalDouble msPerByte, long targetMs) {
        return Optional.empty();
    }

    /** The largest power of two not above {@code value}, within [min, max]. */
    static long powerOfTwo(double value, long min, long max) {
        long v = (long) Math.max(min, Math.min(max, Math.floor(value)));
        return Math.max(min, Long.highestOneBit(v));
    }

}
