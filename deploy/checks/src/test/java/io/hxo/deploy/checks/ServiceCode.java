package io.hxo.deploy.checks;

import io.hxo.runtime.config.EnvCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/**
 * What one service module's code says about its deployment, read from its sources: the environment
 * variables it reads, the ones it refuses to start without, its default HTTP port, and the GET
 * routes it serves.
 */
final class ServiceCode {
    /**
     * Read by the code but deliberately left unset by deploy files. HXO_INSTANCE_ID must differ
     * between instances of one service (it names per-instance consumer groups); unset, each start
     * takes a random id, which is what a platform that scales a service needs. Unset
     * OTEL_EXPORTER_OTLP_ENDPOINT means no traces, which is right until there is a collector.
     */
    static final Map<String, String> LEFT_UNSET = Map.of("HXO_INSTANCE_ID",
            "per-instance identity; unset means a random id per start",
            "OTEL_EXPORTER_OTLP_ENDPOINT", "traces are off until an operator names a collector");

    static final Set<String> CATALOG = EnvCatalog.VARIABLES.stream().map(EnvCatalog.Variable::name)
            .collect(Collectors.toCollection(TreeSet::new));

    private static final Pattern PROPERTY_REF = Pattern.compile("\\$\\{([A-Z][A-Z0-9_]*)[:}]");
    private static final Pattern ENV_LITERAL = Pattern.compile("(?:getenv|env\\.get|secrets\\.environment)\\(\\s*\"([A-Z][A-Z0-9_]*)\"\\s*\\)");
    private static final Pattern HTTP_PORT = Pattern.compile("(?m)^quarkus\\.http\\.port=\\$\\{PORT:(\\d+)}\\s*$");

    final String module;
    final Path dir;

    private ServiceCode(String module) {
        this.module = module;
        this.dir = Repo.path(module);
    }

    static ServiceCode of(String module) {
        return new ServiceCode(module);
    }

    static List<ServiceCode> all() {
        return Repo.serviceModules().stream().map(ServiceCode::of).toList();
    }

    String applicationProperties() {
        return Repo.read(dir.resolve("src/main/resources/application.properties"));
    }

    String pom() {
        return Repo.read(dir.resolve("pom.xml"));
    }

    /** {@code ${VAR}} and {@code ${VAR:default}} in the properties that apply in production (no %profile.). */
    Set<String> propertyReferences() {
        Set<String> out = new TreeSet<>();
        for (String line : applicationProperties().split("\n")) {
            String l = line.strip();
            if (l.startsWith("#") || l.startsWith("%")) {
                continue;
            }
            Matcher m = PROPERTY_REF.matcher(l);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    /** Catalog variables bound through the module's {@code @ConfigMapping} interfaces. */
    Set<String> mappedCatalogVariables() {
        Set<String> out = new TreeSet<>();
        for (String property : configMappingProperties()) {
            String env = property.toUpperCase(Locale.ROOT).replaceAll("[.\\-]", "_");
            if (CATALOG.contains(env)) {
                out.add(env);
            }
        }
        return out;
    }

    /** {@code System.getenv("VAR")} in the module's main sources. */
    Set<String> getenvLiterals() {
        return envLiterals(dir.resolve("src/main/java"));
    }

    /**
     * What the shared jars read from the environment in every service that uses them: hxo-runtime's
     * DatabaseUrlConfigSource (DATABASE_URL) and EnvCatalog's check at start (HXO_ALLOW_WEAK_SECRETS),
     * and whatever contracts reads.
     */
    static Set<String> sharedReads() {
        Set<String> out = envLiterals(Repo.path("contracts/src/main/java"));
        out.addAll(envLiterals(Repo.path("hxo-runtime/src/main/java")));
        return out;
    }

    private static Set<String> envLiterals(Path sources) {
        Set<String> out = new TreeSet<>();
        for (Path f : Repo.javaSources(sources)) {
            Matcher m = ENV_LITERAL.matcher(new JavaText(Repo.read(f)).code);
            while (m.find()) {
                out.add(m.group(1));
            }
        }
        return out;
    }

    boolean usesSharedJars() {
        return pom().contains("<artifactId>contracts</artifactId>") || pom().contains("<artifactId>hxo-runtime</artifactId>");
    }

    /** Every variable this service reads, less {@link #LEFT_UNSET}. */
    Set<String> reads() {
        Set<String> out = new TreeSet<>(propertyReferences());
        out.addAll(mappedCatalogVariables());
        out.addAll(getenvLiterals());
        if (usesSharedJars()) {
            out.addAll(sharedReads());
        }
        out.removeAll(LEFT_UNSET.keySet());
        return out;
    }

    /** The variables the service's main refuses to start without (ServiceLauncher's required set). */
    Set<String> requiredAtStart() {
        Set<String> out = new TreeSet<>();
        Pattern call = Pattern.compile("checkEnvironmentOrExit\\(\\s*\"[^\"]*\"\\s*,\\s*Set\\.of\\(([^)]*)\\)");
        for (Path f : Repo.javaSources(dir.resolve("src/main/java"))) {
            Matcher m = call.matcher(new JavaText(Repo.read(f)).code);
            while (m.find()) {
                Matcher names = Pattern.compile("\"([A-Z][A-Z0-9_]*)\"").matcher(m.group(1));
                while (names.find()) {
                    out.add(names.group(1));
                }
            }
        }
        return out;
    }

    /** The port of {@code quarkus.http.port=${PORT:NNNN}}. */
    int defaultPort() {
        Matcher m = HTTP_PORT.matcher(applicationProperties());
        if (!m.find()) {
            throw new AssertionError(module + ": application.properties has no quarkus.http.port=${PORT:<port>}");
        }
        return Integer.parseInt(m.group(1));
    }

    boolean hasSmallRyeHealth() {
        return pom().contains("<artifactId>quarkus-smallrye-health</artifactId>");
    }

    /** A GET route: its path, and whether it is open to callers without a token. */
    record Route(String path, boolean permitAll) {
    }

    /** The JAX-RS {@code @GET} routes of the module's main sources. */
    List<Route> getRoutes() {
        List<Route> out = new ArrayList<>();
        Pattern path = Pattern.compile("@Path\\s*\\(\\s*\"([^\"]*)\"\\s*\\)");
        for (Path f : Repo.javaSources(dir.resolve("src/main/java"))) {
            JavaText src = new JavaText(Repo.read(f));
            Matcher cls = Pattern.compile("\\bclass\\s+\\w+").matcher(src.masked);
            if (!cls.find()) {
                continue;
            }
            String header = src.code.substring(0, cls.start());
            Matcher classPath = path.matcher(header);
            String base = "";
            while (classPath.find()) {
                base = classPath.group(1);
            }
            boolean classPermitAll = header.contains("@PermitAll");
            Matcher get = Pattern.compile("@GET\\b").matcher(src.masked);
            while (get.find()) {
                String decl = src.declarationAround(get.start());
                Matcher methodPath = path.matcher(decl);
                String sub = methodPath.find() ? methodPath.group(1) : "";
                out.add(new Route(normalize(base + "/" + sub), classPermitAll || decl.contains("@PermitAll")));
            }
        }
        return out;
    }

    /** SmallRye Health's endpoints, served by every module that has the extension. */
    static final Set<String> SMALLRYE_HEALTH_PATHS = Set.of("/q/health", "/q/health/live", "/q/health/ready",
            "/q/health/started");

    /** Whether a GET of {@code path} without a token reaches a handler in this service. */
    boolean servesOpenly(String path) {
        String p = normalize(path);
        if (SMALLRYE_HEALTH_PATHS.contains(p)) {
            return hasSmallRyeHealth();
        }
        return getRoutes().stream().anyMatch(r -> r.permitAll() && r.path().equals(p));
    }

    static String normalize(String path) {
        String p = ("/" + path).replaceAll("/+", "/");
        return p.length() > 1 && p.endsWith("/") ? p.substring(0, p.length() - 1) : p;
    }

    // ---------------------------------------------------------------------------------------------
    // @ConfigMapping interfaces → property names

    /** Every property name the module's {@code @ConfigMapping} interfaces bind (e.g. hxo.sse.buffer). */
    Set<String> configMappingProperties() {
        Set<String> out = new TreeSet<>();
        Pattern mapping = Pattern.compile("@ConfigMapping\\s*\\(\\s*prefix\\s*=\\s*\"([^\"]+)\"\\s*\\)");
        for (Path f : Repo.javaSources(dir.resolve("src/main/java"))) {
            JavaText src = new JavaText(Repo.read(f));
            Matcher m = mapping.matcher(src.code);
            if (!m.find()) {
                continue;
            }
            Matcher iface = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{").matcher(src.masked);
            if (!iface.find(m.end())) {
                continue;
            }
            Map<String, String> bodies = new LinkedHashMap<>();
            String root = collectInterfaces(src, iface.start(), bodies);
            expand(root, m.group(1) + ".", bodies, out, 0);
        }
        return out;
    }

    /** Records the body (masked and code) of the interface at {@code at} and of every nested one. */
    private static String collectInterfaces(JavaText src, int at, Map<String, String> bodies) {
        Matcher head = Pattern.compile("\\binterface\\s+(\\w+)[^{]*\\{").matcher(src.masked);
        head.find(at);
        int open = head.end() - 1;
        int close = src.closingBrace(open);
        String name = head.group(1);
        // The body's own members: nested blocks (interfaces, enums, default methods) cut out.
        StringBuilder own = new StringBuilder();
        int i = open + 1;
        while (i < close) {
            int next = src.masked.indexOf('{', i);
            if (next < 0 || next >= close) {
                own.append(src.code, i, close);
                break;
            }
            int stmtStart = Math.max(src.masked.lastIndexOf(';', next), Math.max(src.masked.lastIndexOf('}', next),
                    open)) + 1;
            stmtStart = Math.max(stmtStart, i);
            own.append(src.code, i, stmtStart);
            String before = src.masked.substring(stmtStart, next);
            if (before.matches("(?s).*\\binterface\\s+\\w+.*")) {
                collectInterfaces(src, stmtStart, bodies);
            }
            int end = src.closingBrace(next);
            own.append(';');
            i = end + 1;
        }
        bodies.put(name, own.toString());
        return name;
    }

    private static final Pattern MEMBER = Pattern.compile(
            "(?s)^(.*?)([\\w.]+(?:<.*>)?(?:\\[])?)\\s+(\\w+)\\s*\\(\\s*\\)\\s*$");
    private static final Pattern WITH_NAME = Pattern.compile("@WithName\\s*\\(\\s*\"([^\"]+)\"\\s*\\)");

    private static void expand(String iface, String prefix, Map<String, String> bodies, Set<String> out, int depth) {
        if (depth > 10) {
            return;
        }
        for (String statement : bodies.getOrDefault(iface, "").split(";")) {
            Matcher m = MEMBER.matcher(statement.strip());
            if (!m.matches()) {
                continue;
            }
            Matcher named = WITH_NAME.matcher(m.group(1));
            String key = named.find() ? named.group(1) : kebab(m.group(3));
            String type = m.group(2).replaceAll("<.*>", "");
            type = type.substring(type.lastIndexOf('.') + 1);
            if (bodies.containsKey(type)) {
                expand(type, prefix + key + ".", bodies, out, depth + 1);
            } else {
                out.add(prefix + key);
            }
        }
    }

    static String kebab(String camel) {
        return camel.replaceAll("([a-z0-9])([A-Z])", "$1-$2").toLowerCase(Locale.ROOT);
    }

    @Override
    public String toString() {
        return module;
    }

    static boolean exists(String relative) {
        return Files.exists(Repo.path(relative));
    }
}
