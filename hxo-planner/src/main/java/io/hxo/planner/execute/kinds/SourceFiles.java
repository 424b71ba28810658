package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.partition.Partitioner.PartitionException;
import io.hxo.planner.partition.WorkItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import java.util.stream.Stream;

/**
 * The files of a stage's {@code config.source}: a sorted walk that skips {@code .git},
 * {@code target}, {@code node_modules} and {@code .hxo} directories and anything matching the
 * {@code config.exclude} globs. Each file is an item with its relative path, size and modification
 * time, so an edited file gives its shard a new CAS id.
 */
final class SourceFiles {
    static final Set<String> SKIPPED_DIRS = Set.of(".git", "target", "node_modules", ".hxo");

    private static final Map<String, String> MEDIA = Map.ofEntries(
            Map.entry("html", "text/html"), Map.entry("htm", "text/html"), Map.entry("css", "text/css"),
            Map.entry("js", "text/javascript"), Map.entry("mjs", "text/javascript"),
            Map.entry("json", "application/json"), Map.entry("map", "application/json"),
            Map.entry("svg", "image/svg+xml"), Map.entry("png", "image/png"), Map.entry("jpg", "image/jpeg"),
            Map.entry("jpeg", "image/jpeg"), Map.entry("gif", "image/gif"), Map.entry("webp", "image/webp"),
            Map.entry("ico", "image/x-icon"), Map.entry("woff", "font/woff"), Map.entry("woff2", "font/woff2"),
            Map.entry("ttf", "font/ttf"), Map.entry("otf", "font/otf"), Map.entry("md", "text/markdown"),
            Map.entry("txt", "text/plain"), Map.entry("xml", "application/xml"), Map.entry("pdf", "application/pdf"),
            Map.entry("yaml", "application/yaml"), Map.entry("yml", "application/yaml"),
            Map.entry("java", "text/x-java"), Map.entry("sql", "application/sql"), Map.entry("wasm", "application/wasm"));

    private SourceFiles() {
    }

    /** The config with {@code source} made absolute (default: {@code defaultSource}). */
    static JsonNode withSource(JsonNode config, String defaultSource) throws PartitionException {
        ObjectNode c = config.deepCopy();
        String source = c.path("source").asText(defaultSource);
        Path dir = Path.of(source).toAbsolutePath().normalize();
        if (!Files.isDirectory(dir)) {
            throw new PartitionException("source", "is not a readable directory: " + dir);
        }
        c.put("source", dir.toString());
        return c;
    }

    static List<WorkItem> items(JsonNode config, Predicate<Path> keep) throws PartitionException {
        Path root = Path.of(config.get("source").asText());
        List<PathMatcher> excludes = new ArrayList<>();
        for (JsonNode g : config.path("exclude")) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + g.asText()));
        }
        List<WorkItem> out = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root))
                    .filter(p -> root.relativize(p).toString().split("/").length > 0)
                    .filter(p -> {
                        for (Path part : root.relativize(p)) {
                            if (SKIPPED_DIRS.contains(part.toString())) {
                                return false;
                            }
                        }
                        return true;
                    })
                    .filter(Files::isRegularFile)
                    .filter(keep)
                    .filter(p -> excludes.stream().noneMatch(m -> m.matches(root.relativize(p))))
                    .sorted()
                    .forEach(p -> out.add(item(root, p)));
        } catch (IOException | UncheckedIOException e) {
            throw new PartitionException("source", "cannot be read: " + e.getMessage());
        }
        return out;
    }

    private static WorkItem item(Path root, Path p) {
        try {
            BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class);
            String rel = root.relativize(p).toString();
            ObjectNode data = Json.mapper().createObjectNode();
            data.put("path", rel);
            data.put("size", a.size());
            data.put("mtime_ms", a.lastModifiedTime().toMillis());
            return new WorkItem(rel, a.size(), bucket(rel), data);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String extension(String path) {
        int dot = path.lastIndexOf('.');
        return dot < 0 || dot < path.lastIndexOf('/') ? "" : path.substring(dot + 1).toLowerCase(Locale.ROOT);
    }

    static String mediaType(String path) {
        return MEDIA.getOrDefault(extension(path), "application/octet-stream");
    }

    static String bucket(String path) {
        String media = mediaType(path);
        if (media.startsWith("image/")) {
            return "images";
        }
        if (media.startsWith("font/")) {
            return "fonts";
        }
        if (media.equals("text/css")) {
            return "styles";
        }
        if (media.equals("text/javascript") || media.equals("application/wasm")) {
            return "scripts";
        }
        if (media.startsWith("text/")) {
            return "documents";
        }
        return "other";
    }

    /** The file of an item in a shard input. */
    static Path file(JsonNode inputs, JsonNode item) {
        return Path.of(inputs.get("source").asText()).resolve(item.get("path").asText());
    }
}
