package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.WorkItem;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.List;

/** {@code assets.index}: indexes its files: path, size, SHA-256 digest and media type. */
@ApplicationScoped
public class AssetsIndexExecutor implements ShardExecutor {
    private final FileDigests digests;
    private final String defaultSource;

    public AssetsIndexExecutor(FileDigests digests, PlannerConfig config) {
        this.digests = digests;
        this.defaultSource = config.pack().defaultSource();
    }

    @Override
    public String kind() {
        return "assets.index";
    }

    @Override
    public String name() {
        return "assets";
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
        return List.of("by_asset_bucket", "by_filesize", "recorded");
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
        ArrayNode assets = out.putArray("assets");
        for (JsonNode item : inputs.path("items")) {
            Path file = SourceFiles.file(inputs, item);
            MessageDigest md = HashAlg.SHA_256.newDigest();
            long size = 0;
            try (InputStream in = Files.newInputStream(file)) {
                byte[] buf = new byte[64 * 1024];
                for (int n; (n = in.read(buf)) > 0; ) {
                    md.update(buf, 0, n);
                    size += n;
                }
            }
            String digest = Hex.of(md.digest());
            SourceFiles.unchanged(item, digest);
            String path = item.get("path").asText();
            ObjectNode a = assets.addObject();
            a.put("path", path);
            a.put("size", size);
            a.put("digest", digest);
            a.put("media_type", SourceFiles.mediaType(path));
        }
        return out;
    }
}
