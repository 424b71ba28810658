package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.WorkItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code docs.index}: builds a term index of its documents (term → documents with counts) and
 * stores it as an artifact. Documents are {@code config.routes} (route → file under the source) for
 * {@code by_route_map}, or the text files under the source ({@code .md .txt .html .adoc}).
 */
@ApplicationScoped
public class DocsIndexExecutor implements ShardExecutor {
    private static final Set<String> DOC_EXTENSIONS = Set.of("md", "markdown", "txt", "html", "htm", "adoc", "rst");
    private static final Pattern TAG = Pattern.compile("<[^>]*>");
    private static final Pattern WORD = Pattern.compile("[\\p{L}\\p{N}][\\p{L}\\p{N}_'-]*");

    private final ArtifactStore store;
    private final FileDigests digests;
    private final String defaultSource;

    public DocsIndexExecutor(ArtifactStore store, FileDigests digests, PlannerConfig config) {
        this.store = store;
        this.digests = digests;
        this.defaultSource = config.pack().defaultSource();
    }

    @Override
    public String kind() {
        return "docs.index";
    }

    @Override
    public String name() {
        return "terms";
    }

    @Override
    public String version() {
        return "2";
    }

    @Override
    public Nature nature() {
        return Nature.PURE;
    }

    @Override
    public List<String> partitioners() {
        return List.of("by_module", "by_route_map", "recorded");
    }

    @Override
    public JsonNode withDefaults(JsonNode config) throws PartitionException {
        return SourceFiles.withSource(config, defaultSource);
    }

    @Override
    public List<WorkItem> items(JsonNode config) throws PartitionException {
        JsonNode routes = config.get("routes");
        if (routes == null || routes.isNull()) {
            return SourceFiles.items(config, p -> DOC_EXTENSIONS.contains(SourceFiles.extension(p.toString())), digests);
        }
        if (!routes.isObject()) {
            throw new PartitionException("routes", "must map each route to a document path under the source");
        }
        List<WorkItem> items = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = routes.fields(); it.hasNext(); ) {
            var e = it.next();
            String field = "routes." + e.getKey();
            if (!e.getValue().isTextual()) {
                throw new PartitionException(field, "must be the path of a document under the source");
            }
            String rel = e.getValue().asText();
            WorkItem file = SourceFiles.item(rel, SourceFiles.named(config, rel, field), digests, field);
            ObjectNode data = Json.mapper().createObjectNode();
            data.put("route", e.getKey());
            data.setAll((ObjectNode) file.data());
            items.add(new WorkItem(e.getKey(), file.size(), "documents", data));
        }
        return items;
    }

    @Override
    public JsonNode run(JsonNode inputs) throws Exception {
        Map<String, Map<String, Integer>> index = new TreeMap<>();
        int documents = 0;
        for (JsonNode item : inputs.path("items")) {
            String name = item.has("route") ? item.get("route").asText() : item.get("path").asText();
            byte[] bytes = Files.readAllBytes(SourceFiles.file(inputs, item));
            SourceFiles.unchanged(item, Hex.of(HashAlg.SHA_256.hash(bytes)));
            String text = new String(bytes, StandardCharsets.UTF_8);
            Matcher m = WORD.matcher(TAG.matcher(text).replaceAll(" "));
            while (m.find()) {
                String term = m.group().toLowerCase(Locale.ROOT);
                if (term.length() >= 2) {
                    index.computeIfAbsent(term, k -> new TreeMap<>()).merge(name, 1, Integer::sum);
                }
            }
            documents++;
        }
        String digest = store.put(Jcs.canonicalize(Json.tree(index)));
        ObjectNode out = Json.mapper().createObjectNode();
        out.put("documents", documents);
        out.put("terms", index.size());
        out.put("index", digest);
        ArrayNode artifacts = out.putArray("artifacts");
        artifacts.add(digest);
        return out;
    }
}
