package io.hxo.planner.execute;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * The SPI of job kinds: one CDI bean per (kind, executor). Its {@link #version()} is part of every
 * shard id it produces, so changing what an executor does (and bumping its version) never serves
 * an old result for new work.
 */
public interface ShardExecutor {

    /** The job kind, e.g. {@code test.noop}. */
    String kind();

    /** The executor's name within its kind; plans may choose it with {@code stages[].executor}. */
    String name();

    String version();

    /** Partitioners a plan may choose for this kind; the first is the default. */
    List<String> partitioners();

    /** True when this is the kind's executor when a plan names none. */
    default boolean isDefault() {
        return true;
    }

    /** Non-idempotent kinds (migrations) need a dry run before the real one. */
    default boolean idempotent() {
        return true;
    }

    /** True when {@link #run} returns at once and never blocks (no timeout watchdog is set for it). */
    default boolean instant() {
        return false;
    }

    /**
     * Children that together do this shard's work, for autosplit; empty when it cannot split. The
     * children's inputs must be deterministic (equal parent, equal children) so a split plan keeps
     * its root when run again.
     */
    default List<JsonNode> split(JsonNode inputs, int factor) {
        return List.of();
    }

    /**
     * Does the work of one shard and returns its output (a JSON value; its canonical hash is the
     * shard's output digest). Throwing marks the attempt failed; it is retried.
     */
    JsonNode run(JsonNode inputs) throws Exception;
}
