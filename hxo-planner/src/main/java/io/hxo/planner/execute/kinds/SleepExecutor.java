package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.execute.ShardExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code test.sleep}: sleeps, for benchmarks and fault tests. The duration is {@code sleep_ms}, or
 * drawn per shard (deterministically, from its index and salt) uniformly from
 * {@code min_ms}..{@code max_ms}, with a slow tail: a {@code tail_fraction} of shards sleep
 * {@code tail_ms} instead. A shard splits into children that each sleep their share.
 */
@ApplicationScoped
public class SleepExecutor implements ShardExecutor {

    @Override
    public String kind() {
        return "test.sleep";
    }

    @Override
    public String name() {
        return "sleep";
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

    static long duration(JsonNode in) {
        if (in.has("sleep_ms")) {
            return Math.max(0, in.get("sleep_ms").asLong());
        }
        if (in.has("tail_ms") && TestWork.draw(in, "tail") < in.path("tail_fraction").asDouble(0)) {
            return in.get("tail_ms").asLong();
        }
        long min = in.path("min_ms").asLong(0);
        long max = Math.max(min, in.path("max_ms").asLong(min));
        return min + (long) (TestWork.draw(in, "sleep") * (max - min + 1));
    }

    @Override
    public JsonNode run(JsonNode inputs) throws InterruptedException {
        long ms = duration(inputs);
        Thread.sleep(ms);
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("index", inputs.get("index"));
        if (inputs.has("part")) {
            out.set("part", inputs.get("part"));
        }
        out.put("slept_ms", ms);
        return out;
    }

    @Override
    public List<JsonNode> split(JsonNode inputs, int factor) {
        long ms = duration(inputs);
        if (ms < factor) {
            return List.of();
        }
        List<JsonNode> children = new ArrayList<>(factor);
        for (int j = 0; j < factor; j++) {
            ObjectNode c = Json.mapper().createObjectNode();
            c.set("index", inputs.get("index"));
            if (inputs.has("salt")) {
                c.set("salt", inputs.get("salt"));
            }
            c.put("part", (inputs.has("part") ? inputs.get("part").asText() + "." : "") + j);
            c.put("sleep_ms", ms / factor + (j < ms % factor ? 1 : 0));
            children.add(c);
        }
        return children;
    }
}
