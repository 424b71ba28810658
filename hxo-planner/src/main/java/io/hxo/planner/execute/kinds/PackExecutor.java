package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.artifact.ArtifactStore;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.WorkItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code deploy.pack}: stores each file of its shard in the content-addressed artifact store and
 * outputs the manifest (path, size, digest). The source is {@code config.source}; without it, the
 * planner's working directory ({@code HXO_PACK_DEFAULT_SOURCE} overrides).
 */
@ApplicationScoped
public class PackExecutor implements ShardExecutor {
    private final ArtifactStore store;
    private final FileDigests digests;
    private final String defaultSource;

    public PackExecutor(ArtifactStore store, FileDigests digests, PlannerConfig config) {
        this.store = store;
        this.digests = digests;
        this.defaultSource = config.pack().defaultSource();
    }

    @Override
    public String kind() {
        return "deploy.pack";
    }

    @Override
    public String name() {
        return "pack";
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
        return List.of("by_filesize", "by_module", "recorded");
    }

    @Override
    public JsonNode withDefaults(JsonNode config) throws PartitionException {
        return SourceFiles.withSource(config, defaultSource);
    }

    @Override
    public List<WorkItem> items(JsonNode config) throws PartitionException {
        return SourceFiles.items(config, p -> true, digests);
    }

    @Override
    public JsonNode run(JsonNode inputs) throws Exception {
        ObjectNode out = Json.mapper().createObjectNode();
        ArrayNode manifest = out.putArray("manifest");
        ArrayNode artifacts = out.putArray("artifacts");
        long bytes = 0;
        for (JsonNode item : inputs.path("items")) {
            Path file = SourceFiles.file(inputs, item);
            if (!Files.isRegularFile(file)) {
                throw new IllegalStateException("file vanished since the plan was made: " + item.get("path").asText());
            }
            String digest = store.put(file);
            SourceFiles.unchanged(item, digest);
            long size = Files.size(file);
            ObjectNode entry = manifest.addObject();
            entry.put("path", item.get("path").asText());
            entry.put("size", size);
            entry.put("digest", digest);
            artifacts.add(digest);
            bytes += size;
        }
        out.put("files", manifest.size());
        out.put("bytes", bytes);
        return out;
    }
}
