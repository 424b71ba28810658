package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.secrets.PlanSecrets;
import io.hxo.runtime.config.ConfigFacts;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/**
 * {@code deploy.hook}: POSTs to a deploy hook ({@code config.url_env}, the name of an environment
 * variable holding the URL; {@code config.url}; or {@code config.target} {@code netlify}/{@code render}
 * for {@code NETLIFY_DEPLOY_HOOK}/{@code RENDER_DEPLOY_HOOK}), up to {@code config.attempts} times
 * (default 3) with a growing pause. A hook URL is its own credential: a literal one is sealed at
 * submit, and only its fingerprint is in the output. An effect: it is called by every plan that asks.
 */
@ApplicationScoped
public class HookExecutor implements ShardExecutor {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final PlanSecrets secrets;

    public HookExecutor(PlanSecrets secrets) {
        this.secrets = secrets;
    }

    @Override
    public String kind() {
        return "deploy.hook";
    }

    @Override
    public String name() {
        return "hook";
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
        return List.of("single");
    }

    @Override
    public Set<String> secretFields() {
        return Set.of("url");
    }

    @Override
    public JsonNode withDefaults(JsonNode config) throws PartitionException {
        resolve(config);
        return config;
    }

    String resolve(JsonNode config) throws PartitionException {
        String url;
        try {
            url = secrets.text(config, "url").orElse(null);
        } catch (IllegalArgumentException e) {
            throw new PartitionException(config.has("url_env") ? "url_env" : "url", e.getMessage());
        }
        if (url == null) {
            String target = config.path("target").asText("");
            // Each variable named once, literally, so the deploy checks see what the planner reads.
            java.util.Optional<String> hook = switch (target) {
                case "netlify" -> secrets.environment("NETLIFY_DEPLOY_HOOK");
                case "render" -> secrets.environment("RENDER_DEPLOY_HOOK");
                default -> throw new PartitionException("url", "give url_env (or url), or target netlify or render");
            };
            url = hook.orElseThrow(() -> new PartitionException("target",
                    target.toUpperCase(java.util.Locale.ROOT) + "_DEPLOY_HOOK is not set"));
        }
        try {
            URI u = URI.create(url);
            if (!"http".equals(u.getScheme()) && !"https".equals(u.getScheme()) || u.getHost() == null) {
                throw new IllegalArgumentException();
            }
        } catch (IllegalArgumentException e) {
            throw new PartitionException(config.has("url_env") ? "url_env" : "url", "must be an http(s) URL");
        }
        return url;
    }

    @Override
    public JsonNode run(JsonNode inputs) throws Exception {
        String url = resolve(inputs);
        int attempts = Math.max(1, inputs.path("attempts").asInt(3));
        String body = inputs.has("body") ? Json.text(secrets.opened(inputs.get("body"))) : "{}";
        String last = "no attempt";
        for (int a = 1; a <= attempts; a++) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(15))
                        .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body))
                        .build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() < 300) {
                    ObjectNode out = Json.mapper().createObjectNode();
                    out.put("hook", ConfigFacts.fingerprint(url));
                    out.put("status", r.statusCode());
                    out.put("attempts", a);
                    return out;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            }
            if (a < attempts) {
                Thread.sleep(200L << (a - 1));
            }
        }
        throw new IllegalStateException("deploy hook failed after " + attempts + " attempts: " + last);
    }

    @Override
    public JsonNode digestView(JsonNode output) {
        ObjectNode view = output.deepCopy();
        view.remove("attempts");
        return view;
    }
}
