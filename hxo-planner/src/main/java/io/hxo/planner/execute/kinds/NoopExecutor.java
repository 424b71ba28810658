package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.execute.ShardExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;

/** {@code test.noop}: does nothing but answer; its output echoes the shard's index (and salt). */
@ApplicationScoped
public class NoopExecutor implements ShardExecutor {

    @Override
    public String kind() {
        return "test.noop";
    }

    @Override
    public String name() {
        return "noop";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public Nature nature() {
        return Nature.PURE;
    }

    @Override
    public List<String> partitioners() {
        return List.of("by_count");
    }

    @Override
    public boolean instant() {
        return true;
    }

    @Override
    public JsonNode run(JsonNode inputs) {
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("index", inputs.get("index"));
        if (inputs.has("salt")) {
            out.set("salt", inputs.get("salt"));
        }
        return out;
    }
}
