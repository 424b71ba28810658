package io.hxo.planner.plan;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import java.util.List;

/** A validated plan written back as JSON with every default resolved: what is stored, and what a resume reads. */
final class NormalizedPlan {
    private NormalizedPlan() {
    }

    static ObjectNode of(String name, List<ValidatedPlan.Stage> stages, Integer maxShards,
            Integer maxConcurrency, Integer dispatchWindow, Long timeboxMs, String idempotencyKey, String rollbackOf) {
        ObjectNode root = Json.mapper().createObjectNode();
        root.put("name", name);
        ArrayNode arr = root.putArray("stages");
        for (ValidatedPlan.Stage s : stages) {
            ObjectNode o = arr.addObject();
            o.put("id", s.id());
            o.put("kind", s.kind());
            if (s.sloMs() != null) {
                o.put("slo_ms", s.sloMs());
            }
            ArrayNode deps = o.putArray("depends_on");
            s.dependsOn().forEach(deps::add);
            o.put("partitioner", s.partitioner());
            o.put("executor", s.executor());
            o.set("config", s.config());
        }
        ObjectNode c = root.putObject("constraints");
        if (maxShards != null) {
            c.put("max_shards", maxShards);
        }
        if (maxConcurrency != null) {
            c.put("max_concurrency", maxConcurrency);
        }
        if (dispatchWindow != null) {
            c.put("dispatch_window", dispatchWindow);
        }
        if (timeboxMs != null) {
            c.put("timebox_ms", timeboxMs);
        }
        if (idempotencyKey != null) {
            root.put("idempotency_key", idempotencyKey);
        }
        if (rollbackOf != null) {
            root.put("rollback_of", rollbackOf);
        }
        return root;
    }
}
