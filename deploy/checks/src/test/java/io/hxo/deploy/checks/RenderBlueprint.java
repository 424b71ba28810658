package io.hxo.deploy.checks;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A Render Blueprint file (deploy/render*.yaml) as maps and lists, with its references resolved. */
final class RenderBlueprint {
    /** How an environment variable gets its value. */
    enum Source { VALUE, GENERATED, SYNC_FALSE, FROM_DATABASE, FROM_SERVICE }

    /** One variable of a service: its source, and the group it came through (null when declared directly). */
    record Env(String key, Source source, Map<String, Object> entry, String group) {
    }

    static final List<String> SOURCE_FIELDS = List.of("value", "generateValue", "sync", "fromDatabase", "fromService",
            "fromGroup");

    final String file;
    final Map<String, Object> doc;

    RenderBlueprint(String file) {
        this.file = file;
        this.doc = Repo.yaml(file);
    }

    List<Map<String, Object>> services() {
        return maps(doc.get("services"));
    }

    List<Map<String, Object>> databases() {
        return maps(doc.get("databases"));
    }

    List<Map<String, Object>> groups() {
        return maps(doc.get("envVarGroups"));
    }

    Optional<Map<String, Object>> service(String name) {
        return services().stream().filter(s -> name.equals(s.get("name"))).findFirst();
    }

    Optional<Map<String, Object>> group(String name) {
        return groups().stream().filter(g -> name.equals(g.get("name"))).findFirst();
    }

    static String name(Map<String, Object> resource) {
        return String.valueOf(resource.get("name"));
    }

    static List<Map<String, Object>> envVars(Map<String, Object> resource) {
        return maps(resource.get("envVars"));
    }

    /** The module a service is built from: {@code ./<module>/src/main/docker/Dockerfile.jvm}. */
    static Optional<String> module(Map<String, Object> service) {
        Object path = service.get("dockerfilePath");
        if (path == null) {
            return Optional.empty();
        }
        Matcher m = Pattern.compile("^(?:\\./)?([^/]+)/src/main/docker/Dockerfile\\.jvm$").matcher(path.toString());
        return m.matches() ? Optional.of(m.group(1)) : Optional.empty();
    }

    /** The services built from {@code module}'s Dockerfile. */
    List<Map<String, Object>> servicesOf(String module) {
        return services().stream().filter(s -> module(s).filter(module::equals).isPresent()).toList();
    }

    static Source source(Map<String, Object> entry) {
        if (entry.containsKey("value")) {
            return Source.VALUE;
        }
        if (entry.containsKey("generateValue")) {
            return Source.GENERATED;
        }
        if (entry.containsKey("sync")) {
            return Source.SYNC_FALSE;
        }
        if (entry.containsKey("fromDatabase")) {
            return Source.FROM_DATABASE;
        }
        if (entry.containsKey("fromService")) {
            return Source.FROM_SERVICE;
        }
        throw new IllegalArgumentException("no source in " + entry);
    }

    /**
     * A service's environment with its groups expanded, in declaration order. A key declared twice
     * (directly or through groups) appears in {@code duplicates}.
     */
    Map<String, Env> environment(Map<String, Object> service, List<String> duplicates) {
        Map<String, Env> out = new LinkedHashMap<>();
        for (Map<String, Object> e : envVars(service)) {
            if (e.containsKey("fromGroup")) {
                String g = String.valueOf(e.get("fromGroup"));
                for (Map<String, Object> ge : group(g).map(RenderBlueprint::envVars).orElse(List.of())) {
                    if (ge.get("key") != null && out.put(ge.get("key").toString(),
                            new Env(ge.get("key").toString(), source(ge), ge, g)) != null) {
                        duplicates.add(ge.get("key").toString());
                    }
                }
            } else if (e.get("key") != null && out.put(e.get("key").toString(),
                    new Env(e.get("key").toString(), source(e), e, null)) != null) {
                duplicates.add(e.get("key").toString());
            }
        }
        return out;
    }

    Map<String, Env> environment(Map<String, Object> service) {
        return environment(service, new ArrayList<>());
    }

    @SuppressWarnings("unchecked")
    static List<Map<String, Object>> maps(Object list) {
        if (list == null) {
            return List.of();
        }
        if (!(list instanceof List<?> l)) {
            throw new AssertionError("expected a list, got " + list);
        }
        List<Map<String, Object>> out = new ArrayList<>();
        for (Object o : l) {
            if (!(o instanceof Map)) {
                throw new AssertionError("expected a mapping, got " + o);
            }
            out.add((Map<String, Object>) o);
        }
        return out;
    }

    @SuppressWarnings("unchecked")
    static Map<String, Object> map(Object o) {
        return o instanceof Map ? (Map<String, Object>) o : Map.of();
    }

    @Override
    public String toString() {
        return file;
    }
}
