package io.hxo.deploy.checks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** docker-compose.yml as maps and lists (merge keys resolved), with each service's environment. */
final class ComposeFile {
    static final String FILE = "docker-compose.yml";
    /** The committed template of .env; the real .env is never committed. */
    static final String ENV_TEMPLATE = "deploy/compose.env.example";

    final Map<String, Object> doc = Repo.yaml(FILE);

    Map<String, Map<String, Object>> services() {
        Map<String, Map<String, Object>> out = new LinkedHashMap<>();
        RenderBlueprint.map(doc.get("services")).forEach((k, v) -> out.put(k, RenderBlueprint.map(v)));
        return out;
    }

    /** The module a service is built from (its build.dockerfile is {@code <module>/src/main/docker/...}). */
    static Optional<String> module(Map<String, Object> service) {
        Object dockerfile = RenderBlueprint.map(service.get("build")).get("dockerfile");
        if (dockerfile == null) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("^(?:\\./)?([^/]+)/src/main/docker/Dockerfile\\.jvm$").matcher(dockerfile.toString());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** {@code environment:} as a map (both the mapping and the {@code - KEY=value} list forms). */
    static Map<String, String> environment(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        Object env = service.get("environment");
        if (env instanceof Map<?, ?> m) {
            m.forEach((k, v) -> out.put(String.valueOf(k), v == null ? null : String.valueOf(v)));
        } else if (env instanceof List<?> l) {
            for (Object o : l) {
                String s = String.valueOf(o);
                int eq = s.indexOf('=');
                out.put(eq < 0 ? s : s.substring(0, eq), eq < 0 ? null : s.substring(eq + 1));
            }
        }
        return out;
    }

    /** The env files a service reads, as repository paths ({@code .env} stands for its committed template). */
    static List<String> envFiles(Map<String, Object> service) {
        List<String> out = new ArrayList<>();
        Object files = service.get("env_file");
        List<?> list = files instanceof List<?> l ? l : files == null ? List.of() : List.of(files);
        for (Object f : list) {
            String path = f instanceof Map<?, ?> m ? String.valueOf(m.get("path")) : String.valueOf(f);
            path = path.replaceFirst("^\\./", "");
            out.add(path.equals(".env") ? ENV_TEMPLATE : path);
        }
        return out;
    }

    /** KEY=value lines of an env file (comments and blank lines skipped). */
    static Map<String, String> envFile(String relative) {
        Map<String, String> out = new LinkedHashMap<>();
        Path p = Repo.path(relative);
        if (!Files.isRegularFile(p)) {
            throw new AssertionError("env file " + relative + " does not exist");
        }
        for (String line : Repo.read(p).split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            int eq = l.indexOf('=');
            out.put(eq < 0 ? l : l.substring(0, eq).strip(), eq < 0 ? "" : l.substring(eq + 1).strip());
        }
        return out;
    }

    /** Everything a service's process sees in its environment: env files first, environment: over them. */
    static Map<String, String> processEnvironment(Map<String, Object> service) {
        Map<String, String> out = new LinkedHashMap<>();
        envFiles(service).forEach(f -> out.putAll(envFile(f)));
        out.putAll(environment(service));
        return out;
    }

    /** A healthcheck's test as one string ({@code ["CMD", "curl", ...]} joined by spaces). */
    static Optional<String> healthcheck(Map<String, Object> service) {
        Object test = RenderBlueprint.map(service.get("healthcheck")).get("test");
        if (test instanceof List<?> l) {
            return Optional.of(String.join(" ", l.stream().map(String::valueOf).toList()));
        }
        return Optional.ofNullable(test).map(String::valueOf);
    }
}
