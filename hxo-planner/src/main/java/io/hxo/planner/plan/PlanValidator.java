package io.hxo.planner.plan;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.json.JsonbText;
import io.hxo.contracts.payload.Problem;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.ExecutorRegistry;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.Partitioner;
import io.hxo.planner.partition.ShardList;
import io.hxo.planner.secrets.PlanSecrets;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Checks a submitted plan completely before any work starts, and reports every problem with the
 * JSON path of the field at fault. Shape errors (missing or mistyped fields) answer 400; a plan
 * that is well formed but cannot run (unknown kind, cycle, too many shards) answers 422.
 */
@ApplicationScoped
public class PlanValidator {
    private static final Pattern STAGE_ID = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,63}");
    private static final int MAX_STAGES = 1000;

    private final ExecutorRegistry registry;
    private final PlannerConfig config;
    private final PlanSecrets secrets;
    private final ShardSizing sizing;

    public PlanValidator(ExecutorRegistry registry, PlannerConfig config, PlanSecrets secrets, ShardSizing sizing) {
        this.registry = registry;
        this.config = config;
        this.secrets = secrets;
        this.sizing = sizing;
    }

    /** Validates a plan as submitted, under the configured shard limit. */
    public ValidatedPlan validate(JsonNode plan) throws PlanRejected {
        return validate(plan, config.maxShards());
    }

    /**
     * Reads back a stored plan: no shard limit (it was accepted under the one in force then), and
     * the stored inputs of stages whose partitioner read the world at submit time, so the shards are
     * exactly the ones accepted.
     */
    public ValidatedPlan revalidate(JsonNode stored, Map<String, List<JsonNode>> storedInputs) throws PlanRejected {
        return validate(stored, Integer.MAX_VALUE, storedInputs);
    }

    /** Validates under an explicit shard limit. */
    public ValidatedPlan validate(JsonNode plan, int shardLimit) throws PlanRejected {
        return validate(plan, shardLimit, Map.of());
    }

    private ValidatedPlan validate(JsonNode plan, int shardLimit, Map<String, List<JsonNode>> storedInputs)
            throws PlanRejected {
        FieldErrors errors = new FieldErrors();
        if (plan == null || !plan.isObject()) {
            errors.shape("", "the plan must be a JSON object");
            throw errors.rejection();
        }
        // Valid JSON, but the plan is stored as jsonb, which would refuse it: say so, as bad input.
        String unstorable = JsonbText.firstUnstorable(plan, "");
        if (unstorable != null) {
            errors.shape(unstorable, "must not contain U+0000 or an unpaired UTF-16 surrogate");
            throw errors.rejection();
        }
        String name = text(plan, "name", "name", true, errors);
        if (name != null && (name.isBlank() || name.length() > 200)) {
            errors.shape("name", "must be 1 to 200 characters");
        }

        JsonNode constraints = plan.get("constraints");
        Integer maxShardsAsked = null;
        Integer maxConcurrency = null;
        Integer dispatchWindow = null;
        Long timeboxMs = null;
        if (constraints != null && !constraints.isNull()) {
            if (!constraints.isObject()) {
                errors.shape("constraints", "must be an object");
            } else {
                maxShardsAsked = positiveInt(constraints, "max_shards", "constraints.max_shards", errors);
                maxConcurrency = positiveInt(constraints, "max_concurrency", "constraints.max_concurrency", errors);
                dispatchWindow = positiveInt(constraints, "dispatch_window", "constraints.dispatch_window", errors);
                Integer timebox = positiveInt(constraints, "timebox_ms", "constraints.timebox_ms", errors);
                timeboxMs = timebox == null ? null : timebox.longValue();
            }
        }
        String idempotencyKey = text(plan, "idempotency_key", "idempotency_key", false, errors);
        String rollbackOf = text(plan, "rollback_of", "rollback_of", false, errors);
        if (idempotencyKey != null && (idempotencyKey.isEmpty() || idempotencyKey.length() > 200)) {
            errors.shape("idempotency_key", "must be 1 to 200 characters");
        }

        JsonNode stagesNode = plan.get("stages");
        List<JsonNode> stageNodes = new ArrayList<>();
        if (stagesNode == null || stagesNode.isNull()) {
            errors.shape("stages", "is required");
        } else if (!stagesNode.isArray()) {
            errors.shape("stages", "must be an array");
        } else if (stagesNode.isEmpty()) {
            errors.shape("stages", "needs at least one stage");
        } else if (stagesNode.size() > MAX_STAGES) {
            errors.semantic("stages", "has " + stagesNode.size() + " stages; at most " + MAX_STAGES);
        } else {
            stagesNode.forEach(stageNodes::add);
        }

        // First pass: each stage on its own.
        Map<String, Integer> indexById = new LinkedHashMap<>();
        List<StageDraft> drafts = new ArrayList<>();
        for (int i = 0; i < stageNodes.size(); i++) {
            drafts.add(stage(stageNodes.get(i), i, indexById, errors));
        }
        // Second pass: references between stages.
        for (StageDraft d : drafts) {
            if (d == null) {
                continue;
            }
            for (int j = 0; j < d.dependsOn.size(); j++) {
                String dep = d.dependsOn.get(j);
                String path = "stages[" + d.index + "].depends_on[" + j + "]";
                if (dep.equals(d.id)) {
                    errors.semantic(path, "a stage cannot depend on itself");
                } else if (!indexById.containsKey(dep)) {
                    errors.semantic(path, "names no stage of this plan: \"" + dep + "\"");
                }
            }
        }
        List<StageDraft> ordered = errors.isEmpty() ? topologicalOrder(drafts, indexById, errors) : List.of();

        int limit = Math.min(shardLimit, maxShardsAsked == null ? Integer.MAX_VALUE : maxShardsAsked);
        List<ValidatedPlan.Stage> stages = new ArrayList<>();
        long total = 0;
        if (errors.isEmpty()) {
            for (StageDraft d : ordered) {
                int remaining = (int) Math.max(0, limit - total);
                ShardList shards;
                JsonNode config = d.config;
                try {
                    config = d.executor.withDefaults(d.config);
                    List<JsonNode> stored = storedInputs.get(d.id);
                    if (stored == null) {
                        // The chosen size is written into the config, so the stored plan (and a resume) keeps it.
                        config = sizing.sized(d.kind, d.executor.name(), d.partitioner, config);
                    }
                    shards = stored != null ? ShardList.of(stored)
                            : d.partitioner.partition(config, d.executor::items, Math.max(remaining, 0));
                    if (stored == null) {
                        shards = d.executor.arrange(config, shards);
                        var blocked = d.executor.precondition(config, inputsOf(shards));
                        if (blocked.isPresent()) {
                            throw blocked.get();
                        }
                    }
                } catch (PartitionException e) {
                    errors.semantic(configPath(d.index, e.field()), e.getMessage());
                    continue;
                }
                if (total + shards.size() > limit) {
                    errors.semantic("stages[" + d.index + "]", "brings the plan to " + (total + shards.size())
                            + " shards; the limit is " + limit + limitSource(shardLimit, maxShardsAsked));
                    continue;
                }
                stages.add(new ValidatedPlan.Stage(d.id, d.kind, d.partitioner.name(), d.executor.name(),
                        d.executor.version(), d.sloMs, d.dependsOn, config, shards, (int) total, d.executor.sequential(),
                        d.executor.cacheable()));
                total += shards.size();
            }
        }
        if (!errors.isEmpty()) {
            throw errors.rejection();
        }
        // A plan may ask for less concurrency than HXO_MAX_CONCURRENCY, never more: the limit protects
        // what shards use. The dispatch window is flow control and may be set freely.
        int concurrency = maxConcurrency == null ? config.maxConcurrency() : Math.min(maxConcurrency, config.maxConcurrency());
        int window = dispatchWindow == null ? config.dispatchWindow() : dispatchWindow;
        return new ValidatedPlan(name, List.copyOf(stages), (int) total, concurrency, window, timeboxMs, idempotencyKey,
                NormalizedPlan.of(name, stages, maxShardsAsked, maxConcurrency, dispatchWindow, timeboxMs, idempotencyKey,
                        rollbackOf));
    }

    private static String configPath(int stage, String field) {
        return "stages[" + stage + "].config" + (field == null || field.isEmpty() ? "" : "." + field);
    }

    private static List<JsonNode> inputsOf(ShardList shards) {
        List<JsonNode> out = new ArrayList<>(shards.size());
        for (int i = 0; i < shards.size(); i++) {
            out.add(shards.input(i));
        }
        return out;
    }

    private static String limitSource(int shardLimit, Integer asked) {
        return asked != null && asked < shardLimit ? " (constraints.max_shards)" : " (HXO_MAX_SHARDS)";
    }

    private StageDraft stage(JsonNode node, int i, Map<String, Integer> indexById, FieldErrors errors) {
        String at = "stages[" + i + "]";
        if (!node.isObject()) {
            errors.shape(at, "must be an object");
            return null;
        }
        int before = errors.size();
        String id = text(node, "id", at + ".id", true, errors);
        if (id != null) {
            if (!STAGE_ID.matcher(id).matches()) {
                errors.shape(at + ".id", "must be 1 to 64 letters, digits, '_', '.' or '-'");
            } else if (indexById.containsKey(id)) {
                errors.semantic(at + ".id", "duplicates stages[" + indexById.get(id) + "].id \"" + id + "\"");
            } else {
                indexById.put(id, i);
            }
        }
        String kind = text(node, "kind", at + ".kind", true, errors);
        if (kind != null && !registry.knowsKind(kind)) {
            errors.semantic(at + ".kind", "unknown kind \"" + kind + "\"; known: " + String.join(", ", registry.kinds()));
            kind = null;
        }
        Long sloMs = null;
        Integer slo = positiveInt(node, "slo_ms", at + ".slo_ms", errors);
        if (slo != null) {
            sloMs = slo.longValue();
        }
        List<String> dependsOn = new ArrayList<>();
        JsonNode deps = node.get("depends_on");
        if (deps != null && !deps.isNull()) {
            if (!deps.isArray()) {
                errors.shape(at + ".depends_on", "must be an array of stage ids");
            } else {
                Set<String> seen = new HashSet<>();
                for (int j = 0; j < deps.size(); j++) {
                    JsonNode d = deps.get(j);
                    if (!d.isTextual()) {
                        errors.shape(at + ".depends_on[" + j + "]", "must be a stage id (string)");
                    } else if (!seen.add(d.textValue())) {
                        errors.semantic(at + ".depends_on[" + j + "]", "repeats \"" + d.textValue() + "\"");
                    } else {
                        dependsOn.add(d.textValue());
                    }
                }
            }
        }
        JsonNode config = node.get("config");
        if (config == null || config.isNull()) {
            config = Json.mapper().createObjectNode();
        } else if (!config.isObject()) {
            errors.shape(at + ".config", "must be an object");
        }
        String partitionerName = text(node, "partitioner", at + ".partitioner", false, errors);
        String executorName = text(node, "executor", at + ".executor", false, errors);
        ShardExecutor executor = null;
        Partitioner partitioner = null;
        if (kind != null) {
            executor = registry.executor(kind, executorName).orElse(null);
            if (executor == null) {
                errors.semantic(at + ".executor", "\"" + executorName + "\" is not an executor of " + kind
                        + "; allowed: " + String.join(", ", registry.executorNames(kind)));
            } else {
                String chosen = partitionerName == null ? executor.partitioners().get(0) : partitionerName;
                if (!executor.partitioners().contains(chosen)) {
                    errors.semantic(at + ".partitioner", "\"" + chosen + "\" is not allowed for " + kind
                            + "; allowed: " + String.join(", ", executor.partitioners()));
                } else {
                    partitioner = registry.partitioner(chosen).orElse(null);
                    if (partitioner == null) {
                        errors.semantic(at + ".partitioner", "\"" + chosen + "\" is not available in this planner");
                    }
                }
            }
        }
        if (errors.size() > before) {
            return null;
        }
        try {
            // From here on, a literal secret exists only sealed: the stored plan, its shard inputs, its
            // tasks and its report carry the stand-in.
            config = secrets.seal(config, executor.secretFields());
        } catch (IllegalArgumentException e) {
            errors.semantic(at + ".config", e.getMessage());
            return null;
        }
        return new StageDraft(i, id, kind, sloMs, List.copyOf(dependsOn), config, partitioner, executor);
    }

    /** Kahn's algorithm; among ready stages the one written first goes first, so order is stable. */
    private static List<StageDraft> topologicalOrder(List<StageDraft> drafts, Map<String, Integer> indexById,
            FieldErrors errors) {
        int n = drafts.size();
        int[] pendingDeps = new int[n];
        Map<Integer, List<Integer>> dependents = new HashMap<>();
        for (StageDraft d : drafts) {
            pendingDeps[d.index] = d.dependsOn.size();
            for (String dep : d.dependsOn) {
                dependents.computeIfAbsent(indexById.get(dep), k -> new ArrayList<>()).add(d.index);
            }
        }
        java.util.PriorityQueue<Integer> ready = new java.util.PriorityQueue<>();
        for (int i = 0; i < n; i++) {
            if (pendingDeps[i] == 0) {
                ready.add(i);
            }
        }
        List<StageDraft> out = new ArrayList<>();
        while (!ready.isEmpty()) {
            int i = ready.poll();
            out.add(drafts.get(i));
            for (int next : dependents.getOrDefault(i, List.of())) {
                if (--pendingDeps[next] == 0) {
                    ready.add(next);
                }
            }
        }
        if (out.size() < n) {
            int start = -1;
            for (int i = 0; i < n; i++) {
                if (pendingDeps[i] > 0) {
                    start = i;
                    break;
                }
            }
            errors.semantic("stages[" + start + "].depends_on", "forms a cycle: " + cycleFrom(start, drafts, indexById, pendingDeps));
        }
        return out;
    }

    private static String cycleFrom(int start, List<StageDraft> drafts, Map<String, Integer> indexById, int[] pending) {
        Deque<Integer> path = new ArrayDeque<>();
        Set<Integer> onPath = new HashSet<>();
        int cur = start;
        while (onPath.add(cur)) {
            path.addLast(cur);
            int from = cur;
            cur = drafts.get(from).dependsOn.stream().map(indexById::get).filter(j -> pending[j] > 0)
                    .findFirst().orElse(from);
            if (cur == from) {
                break;
            }
        }
        List<String> names = new ArrayList<>();
        boolean in = false;
        for (int i : path) {
            in |= i == cur;
            if (in) {
                names.add(drafts.get(i).id);
            }
        }
        names.add(drafts.get(cur).id);
        return String.join(" → ", names);
    }


    private static String text(JsonNode node, String field, String path, boolean required, FieldErrors errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            if (required) {
                errors.shape(path, "is required");
            }
            return null;
        }
        if (!v.isTextual()) {
            errors.shape(path, "must be a string");
            return null;
        }
        return v.textValue();
    }

    private static Integer positiveInt(JsonNode node, String field, String path, FieldErrors errors) {
        JsonNode v = node.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isIntegralNumber() || !v.canConvertToInt() || v.intValue() < 1) {
            errors.shape(path, "must be a whole number from 1 to " + Integer.MAX_VALUE);
            return null;
        }
        return v.intValue();
    }

    private record StageDraft(int index, String id, String kind, Long sloMs, List<String> dependsOn, JsonNode config,
            Partitioner partitioner, ShardExecutor executor) {
    }
}
