package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.execute.ShardExecutor;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;

/**
 * {@code test.fail}: for fault tests (retries, the heal-depth guard, halts, replays). A shard fails
 * with {@code config.probability} (0..1, default 1) on every attempt; with {@code fail_indices} only
 * those shards can fail; with {@code fail_while_file} they fail only while that file exists, so a
 * test can mend the fault and replay.
 */
@ApplicationScoped
public class FailExecutor implements ShardExecutor {

    @Override
    public String kind() {
        return "test.fail";
    }

    @Override
    public String name() {
        return "fail";
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
        boolean candidate = true;
        if (inputs.has("fail_indices")) {
            candidate = false;
            for (JsonNode i : inputs.get("fail_indices")) {
                candidate |= i.asInt() == inputs.path("index").asInt(-1);
            }
        }
        if (inputs.has("fail_while_file")) {
            candidate &= Files.exists(Path.of(inputs.get("fail_while_file").asText()));
        }
        double p = inputs.path("probability").asDouble(1.0);
        if (candidate && ThreadLocalRandom.current().nextDouble() < p) {
            throw new IllegalStateException("test.fail failed on purpose (probability " + p + ")");
        }
        ObjectNode out = Json.mapper().createObjectNode();
        out.set("index", inputs.get("index"));
        return out;
    }
}
