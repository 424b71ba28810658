package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.secrets.PlanSecrets;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.WorkItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code deploy.prime}: GETs each of its routes against {@code config.base_url} to warm caches;
 * outputs status, latency and body digest per route. A 5xx or an unreachable host fails the shard
 * (and it is retried). Latencies vary run to run, so the output digest leaves them out. The base URL
 * may come from an environment variable ({@code config.base_url_env}); one with a credential is sealed.
 */
@ApplicationScoped
public class PrimeExecutor implements ShardExecutor {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5))
            .followRedirects(HttpClient.Redirect.NORMAL).build();
    private final PlanSecrets secrets;

    public PrimeExecutor(PlanSecrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public String kind() {
        return "deploy.prime";
    }

    @Override
    public String name() {
        return "prime";
    }

    @Override
    public String version() {
        return "1";
    }

    @Override
    public Nature nature() {
        return Nature.EFFECT;
    }

    @Override
    public List<String> partitioners() {
        return List.of("by_route_map", "by_module");
    }

    @Override
    public JsonNode withDefaults(JsonNode config) throws PartitionException {
        String base;
        try {
            base = secrets.text(config, "base_url").orElse("");
        } catch (IllegalArgumentException e) {
            throw new PartitionException("base_url_env", e.getMessage());
        }
        try {
            URI u = URI.create(base);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new PartitionException("base_url", "must be the http(s) URL of the deployed site");
        }
        return config;
    }

    @Override
    public List<WorkItem> items(JsonNode config) throws PartitionException {
        JsonNode routes = config.get("routes");
        if (routes == null || !routes.isArray() || routes.isEmpty()) {
            throw new PartitionException("routes", "must list the routes to prime, e.g. [\"/\", \"/docs\"]");
        }
        List<WorkItem> items = new ArrayList<>();
        for (int i = 0; i < routes.size(); i++) {
            String r = routes.get(i).asText("");
            if (!r.startsWith("/")) {
                throw new PartitionException("routes[" + i + "]", "must start with /");
            }
            ObjectNode data = Json.mapper().createObjectNode().put("route", r);
            items.add(new WorkItem(r, 1, null, data));
        }
        return items;
    }

    @Override
    public JsonNode run(JsonNode inputs) throws Exception {
        String base = secrets.text(inputs, "base_url").orElseThrow().replaceAll("/+$", "");
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode results = out.putArray("routes");
        for (JsonNode item : inputs.path("items")) {
            String route = item.get("route").asText();
            long start = System.nanoTime();
            HttpResponse<byte[]> r = http.send(HttpRequest.newBuilder(URI.create(base + route))
                    .timeout(Duration.ofSeconds(10)).GET().build(), HttpResponse.BodyHandlers.ofByteArray());
            if (r.statusCode() >= 500) {
                throw new IllegalStateException("GET " + route + " answered " + r.statusCode());
            }
            ObjectNode e = results.addObject();
            e.put("route", route);
            e.put("status", r.statusCode());
            e.put("latency_ms", (System.nanoTime() - start) / 1_000_000);
            e.put("body_digest", Hex.of(HashAlg.SHA_256.hash(r.body())));
        }
        return out;
    }

    @Override
    public JsonNode digestView(JsonNode output) {
        ObjectNode view = output.deepCopy();
        view.path("routes").forEach(r -> ((ObjectNode) r).remove("latency_ms"));
        return view;
    }
}
