package io.hxo.deploy.checks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.yaml.snakeyaml.LoaderOptions;
import org.yaml.snakeyaml.Yaml;
import org.yaml.snakeyaml.constructor.SafeConstructor;

/** The repository these tests check: its root, its files, and its Quarkus service modules. */
final class Repo {
    static final Path ROOT = findRoot();

    private Repo() {
    }

    private static Path findRoot() {
        Path dir = Path.of("").toAbsolutePath();
        for (Path p = dir; p != null; p = p.getParent()) {
            if (Files.isRegularFile(p.resolve("hxo")) && Files.isRegularFile(p.resolve("pom.xml"))
                    && read(p.resolve("pom.xml")).contains("<artifactId>hxo-parent</artifactId>")) {
                return p;
            }
        }
        throw new IllegalStateException("no HXO repository above " + dir);
    }

    static Path path(String relative) {
        return ROOT.resolve(relative).normalize();
    }

    static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static String read(String relative) {
        return read(path(relative));
    }

    /** A YAML document as plain maps and lists (YAML 1.1, merge keys resolved). */
    @SuppressWarnings("unchecked")
    static Map<String, Object> yaml(String relative) {
        Yaml yaml = new Yaml(new SafeConstructor(new LoaderOptions()));
        Object doc = yaml.load(read(relative));
        if (!(doc instanceof Map)) {
            throw new IllegalStateException(relative + " is not a YAML mapping");
        }
        return (Map<String, Object>) doc;
    }

    /**
     * The Quarkus services: modules of the parent pom whose pom uses the quarkus-maven-plugin
     * (hxo-planner, genesis-bus, arie-auditor, federation-gateway).
     */
    static List<String> serviceModules() {
        List<String> out = new ArrayList<>();
        Matcher m = Pattern.compile("<module>([^<]+)</module>").matcher(read("pom.xml"));
        while (m.find()) {
            Path pom = path(m.group(1)).resolve("pom.xml");
            if (Files.isRegularFile(pom) && read(pom).contains("<artifactId>quarkus-maven-plugin</artifactId>")) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    static List<Path> javaSources(Path dir) {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (var files = Files.walk(dir)) {
            return files.filter(f -> f.toString().endsWith(".java")).sorted().toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
