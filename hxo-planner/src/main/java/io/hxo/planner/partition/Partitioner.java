package io.hxo.planner.partition;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.planner.execute.ShardExecutor;

/**
 * Turns a stage into shards. One CDI bean per partitioner name; which kinds may use it is declared
 * by the kinds' executors. Most partitioners group the executor's {@link ShardExecutor#items work
 * items}; {@code by_count} makes synthetic shards.
 */
public interface Partitioner {

    /** The name plans use, e.g. {@code by_count}. */
    String name();

    /**
     * @param config the stage's config object (never null; empty when the plan gave none)
     * @param executor the kind's executor, which lists the work items
     * @param maxShards the most shards this stage may produce; a partitioner stops and refuses beyond it
     * @throws PartitionException naming the config field at fault
     */
    ShardList partition(JsonNode config, ShardExecutor executor, int maxShards) throws PartitionException;

    /** A refusal tied to a field of the stage's config ({@code field} is relative, e.g. {@code count}). */
    final class PartitionException extends Exception {
        private final String field;

        public PartitionException(String field, String message) {
            super(message);
            this.field = field;
        }

        public String field() {
            return field;
        }
    }
}
