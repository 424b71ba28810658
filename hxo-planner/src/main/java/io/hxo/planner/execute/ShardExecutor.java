package io.hxo.planner.execute;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;

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
    java.util.List<String> partitioners();

    /** True when this is the kind's executor when a plan names none. */
    default boolean isDefault() {
        return true;
    }

    /** Non-idempotent kinds (migrations) need a dry run before the real one. */
    default boolean idempotent() {
        return true;
    }

    /** Config fields this executor understands, for validation messages. */
    default Set<String> configFields() {
        return Set.of();
    }

    /**
     * Does the work of one shard and returns its output (a JSON value; its canonical hash is the
     * shard's output digest). Throwing marks the attempt failed; it is retried.
     */
    JsonNode run(JsonNode inputs) throws Exception;
}
