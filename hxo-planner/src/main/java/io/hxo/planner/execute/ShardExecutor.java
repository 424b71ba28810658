package io.hxo.planner.execute;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.WorkItem;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The SPI of job kinds: one CDI bean per (kind, executor). Its {@link #version()} is part of every
 * shard id it produces, so changing what an executor does (and bumping its version) never serves
 * an old result for new work.
 *
 * <p>A kind that works on a list of things (files, routes, SQL statements) names them with
 * {@link #items}; partitioners group those items into shards, and each shard's input is the
 * stage's config with its group under {@code items}.
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

    /** What a kind's output is; every executor declares it, so no kind is cached by omission. */
    enum Nature {
        /** The output is a pure function of the inputs: a stored result stands in for running it again. */
        PURE,
        /**
         * The shard acts on the world (calls a hook, warms a cache, applies SQL): it runs in every plan,
         * its leaf is the outcome's digest, and it never splits (a split would change what acts, and when).
         */
        EFFECT
    }

    Nature nature();

    /** True when a stored result of equal work may be served instead of running the shard. */
    default boolean cacheable() {
        return nature() == Nature.PURE;
    }

    /** Shards of this kind run one at a time, in order (migrations). */
    default boolean sequential() {
        return false;
    }

    /** True when {@link #run} returns at once and never blocks (no timeout watchdog is set for it). */
    default boolean instant() {
        return false;
    }

    /**
     * Top-level config fields whose literal value is a credential whatever it looks like (a build
     * hook's URL is its own secret); they are sealed at submit like any value that looks secret.
     */
    default java.util.Set<String> secretFields() {
        return java.util.Set.of();
    }

    /**
     * The stage config with this kind's defaults filled in (an absolute source directory, say), so
     * every worker and every resume reads the same thing. Called once, at submit.
     */
    default JsonNode withDefaults(JsonNode config) throws PartitionException {
        return config;
    }

    /**
     * The work items of a stage, read at submit time (files with size and modification time,
     * routes, statements). Their data enters the shard inputs, so changed work gets a new CAS id.
     * A problem is reported against a config field.
     */
    default List<WorkItem> items(JsonNode config) throws PartitionException {
        return List.of();
    }

    /** A last look at a stage's shards after partitioning (migrations give dry runs what precedes them). */
    default io.hxo.planner.partition.ShardList arrange(JsonNode config, io.hxo.planner.partition.ShardList shards) {
        return shards;
    }

    /** A stage that cannot run yet (a migration without its dry run): the reason, tied to a config field. */
    default Optional<PartitionException> precondition(JsonNode config, List<JsonNode> shardInputs) {
        return Optional.empty();
    }

    /**
     * Does the work of one shard and returns its output (a JSON value). Artifacts it stored are
     * listed in the output's {@code artifacts} array (content digests), so a cached result is served
     * only while they still exist. Throwing marks the attempt failed; it is retried.
     */
    JsonNode run(JsonNode inputs) throws Exception;

    /**
     * The part of the output its digest covers: everything that describes the result, nothing that
     * varies between equal runs (latencies, attempt counts). The whole output by default.
     */
    default JsonNode digestView(JsonNode output) {
        return output;
    }

    /**
     * Children that together do this shard's work, for autosplit; empty when it cannot split. By
     * default a shard of two or more items splits its items into {@code factor} groups, in order;
     * an effect never splits.
     */
    default List<JsonNode> split(JsonNode inputs, int factor) {
        if (nature() == Nature.EFFECT) {
            return List.of();
        }
        JsonNode items = inputs.get("items");
        if (items == null || !items.isArray() || items.size() < 2) {
            return List.of();
        }
        int groups = Math.min(factor, items.size());
        List<JsonNode> out = new ArrayList<>(groups);
        for (int g = 0; g < groups; g++) {
            ObjectNode child = ((ObjectNode) inputs).deepCopy();
            ArrayNode part = child.putArray("items");
            for (int i = g * items.size() / groups; i < (g + 1) * items.size() / groups; i++) {
                part.add(items.get(i));
            }
            child.put("part", (inputs.has("part") ? inputs.get("part").asText() + "." : "") + g);
            out.add(child);
        }
        return out;
    }
}
