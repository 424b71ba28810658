package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.partition.PartitionException;
import io.hxo.planner.partition.WorkItem;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
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
 * {@code config.exclude} globs. Each file is an item with its relative path, size and the SHA-256 of
 * its bytes, so any edit gives its shard a new CAS id. Nothing outside the source is ever read: a
 * path that climbs out ({@code ..}), an absolute path, or a link whose target lies outside is refused.
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

    static List<WorkItem> items(JsonNode config, Predicate<Path> keep, FileDigests digests) throws PartitionException {
        Path root = Path.of(config.get("source").asText());
        Path realRoot = realRoot(root);
        List<PathMatcher> excludes = new ArrayList<>();
        for (JsonNode g : config.path("exclude")) {
            excludes.add(FileSystems.getDefault().getPathMatcher("glob:" + g.asText()));
        }
        List<Path> files = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(root)) {
            walk.filter(p -> !p.equals(root))
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
                    .forEach(files::add);
        } catch (IOException | UncheckedIOException e) {
            throw new PartitionException("source", "cannot be read: " + e.getMessage());
        }
        List<WorkItem> out = new ArrayList<>(files.size());
        for (Path p : files) {
            String rel = root.relativize(p).toString();
            inside(realRoot, p, "source", rel);
            out.add(item(rel, p, digests, "source"));
        }
        return out;
    }

    /** A file named by a plan (a route's document, say), relative to the source and inside it. */
    static Path named(JsonNode config, String rel, String field) throws PartitionException {
        Path root = Path.of(config.get("source").asText());
        Path rp;
        try {
            rp = Path.of(rel);
        } catch (java.nio.file.InvalidPathException e) {
            throw new PartitionException(field, "is not a file path");
        }
        if (rel.isEmpty() || rp.isAbsolute() || rp.normalize().startsWith("..") || !root.resolve(rp).normalize().startsWith(root)) {
            throw new PartitionException(field, "must be a path inside the source, without \"..\" or a leading \"/\"");
        }
        Path file = root.resolve(rp).normalize();
        if (!Files.isRegularFile(file)) {
            throw new PartitionException(field, "no document at " + rel);
        }
        inside(realRoot(root), file, field, rel);
        return file;
    }

    /** One file as a work item: relative path, size and content digest. */
    static WorkItem item(String rel, Path file, FileDigests digests, String field) throws PartitionException {
        try {
            ObjectNode data = Json.mapper().createObjectNode();
            data.put("path", rel);
            long size = Files.size(file);
            data.put("size", size);
            data.put("digest", digests.digest(file.toRealPath()));
            return new WorkItem(rel, size, bucket(rel), data);
        } catch (IOException e) {
            throw new PartitionException(field, "cannot read " + rel + ": " + e.getMessage());
        }
    }

    private static Path realRoot(Path root) throws PartitionException {
        try {
            return root.toRealPath();
        } catch (IOException e) {
            throw new PartitionException("source", "cannot be read: " + e.getMessage());
        }
    }

    /** Refuses a file whose real location (links followed) is outside the source. */
    private static void inside(Path realRoot, Path file, String field, String rel) throws PartitionException {
        try {
            if (!file.toRealPath().startsWith(realRoot)) {
                throw new PartitionException(field, rel + " links outside the source; HXO reads only files inside it");
            }
        } catch (IOException e) {
            throw new PartitionException(field, "cannot read " + rel + ": " + e.getMessage());
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

    /**
     * The file of an item in a shard input, read by a worker: still inside the source, and (for items
     * that carry one) still the content the plan was made from.
     */
    static Path file(JsonNode inputs, JsonNode item) throws IOException {
        Path root = Path.of(inputs.get("source").asText());
        String rel = item.get("path").asText();
        Path rp = Path.of(rel);
        Path file = root.resolve(rp).normalize();
        if (rp.isAbsolute() || !file.startsWith(root) || !file.toRealPath().startsWith(root.toRealPath())) {
            throw new IllegalStateException(rel + " is not inside the source " + root);
        }
        return file;
    }

    /** Fails the shard when a file's bytes are not those its id was made from (it changed since submit). */
    static void unchanged(JsonNode item, String digest) {
        JsonNode planned = item.get("digest");
        if (planned != null && !planned.asText().equals(digest)) {
            throw new IllegalStateException(item.get("path").asText() + " changed since the plan was made"
                    + " (its content no longer matches the digest in the shard id); submit the plan again");
        }
    }
}
