package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.runtime.testing.KafkaTestClient;
import io.hxo.testing.LocalPostgres;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The whole suite as a user runs it: {@code ./hxo up --detach} in a state folder of its own, on its
 * own ports and broker, against a fresh database on a PostgreSQL server of its own ({@link #POSTGRES},
 * which the restart drill stops and starts; the machine's PostgreSQL is never touched). Started once
 * for every system test, stopped with {@code ./hxo down} after the last.
 */
public final class Suite implements BeforeAllCallback, ExtensionContext.Store.CloseableResource {
    static final Path ROOT = Path.of("..").toAbsolutePath().normalize();
    static final Path STATE = ROOT.resolve("system-tests/target/suite-state");
    static final Path SEED_SITE = ROOT.resolve("system-tests/target/seed-site");
    /** HXO_SYSTEST_PORT_BASE (18080): gateway, then planner, genesis-bus, arie-auditor on the next ports. */
    static final int GATEWAY = envInt("HXO_SYSTEST_PORT_BASE", 18080);
    static final int KAFKA = envInt("HXO_SYSTEST_KAFKA_PORT", 29092);
    static final String ADMIRAL = "systest-admiral-token-0123456789abcdef";
    static final String CAPTAIN = "systest-captain-token-0123456789abcdef";
    static final String SEED = "systest-seed-secret-0123456789abcdefghijklmnopqrstuvwxyz";
    static final String DATABASE = System.getenv().getOrDefault("HXO_SYSTEST_DB", "hxo_systest");
    /** The suite's own PostgreSQL server (embedded binaries, a free port, its data under target/). */
    static final Path PG_DATA = ROOT.resolve("system-tests/target/suite-pg");
    static LocalPostgres POSTGRES;
    /** How long the suite's planner lets the producer retry a record before the planner's own re-send takes over. */
    static final long DELIVERY_TIMEOUT_MS = 15_000;

    private static Suite started;

    private static int envInt(String name, int fallback) {
        String v = System.getenv(name);
        return v == null || v.isBlank() ? fallback : Integer.parseInt(v.trim());
    }
    static final HttpClient HTTP = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(3)).build();
    /** Where the suite's services export their spans (TraceSystemTest reads them back). */
    static final OtlpReceiver TRACES = OtlpReceiver.start();

    /** A service's management interface (/q/metrics): the launcher gives each its port + 1000. */
    static int managementPort(String service) {
        return 1000 + switch (service) {
            case "federation-gateway" -> GATEWAY;
            case "hxo-planner" -> GATEWAY + 1;
            case "genesis-bus" -> GATEWAY + 2;
            case "arie-auditor" -> GATEWAY + 3;
            default -> throw new IllegalArgumentException(service);
        };
    }

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        synchronized (Suite.class) {
            if (started == null) {
                up();
                started = this;
                context.getRoot().getStore(ExtensionContext.Namespace.GLOBAL).put("hxo-suite", this);
            } else {
                if (!POSTGRES.running()) {
                    System.err.println("suite: PostgreSQL not running before " + context.getDisplayName() + "; starting it again");
                    POSTGRES.startAgain();
                }
                heal(context.getDisplayName());
            }
        }
    }

    /**
     * A test that stops a service restores it itself, but one that fails half-way may not: each class
     * starts with every process of the suite alive, so one failure does not cascade into the next.
     */
    private static void heal(String testClass) throws Exception {
        List<String> dead = pids().entrySet().stream()
                .filter(e -> List.of("kafka", "hxo-planner", "genesis-bus", "arie-auditor", "federation-gateway")
                        .contains(e.getKey()))
                .filter(e -> ProcessHandle.of(e.getValue()).map(p -> !p.isAlive()).orElse(true))
                .map(Map.Entry::getKey).sorted().toList();
        if (!dead.isEmpty()) {
            System.err.println("suite: " + dead + " not running before " + testClass + "; starting them again");
            Result r = hxo(Duration.ofMinutes(4), "up", "--detach", "--no-build");
            if (r.exitCode() != 0) {
                throw new IllegalStateException("./hxo up failed (" + r.exitCode() + "):\n" + r.output());
            }
        }
    }

    /** The environment every ./hxo call of the suite runs with. */
    static Map<String, String> env() {
        Map<String, String> env = new HashMap<>(System.getenv());
        env.remove("KAFKA_BOOTSTRAP_SERVERS"); // the suite starts a broker of its own
        env.put("HXO_STATE_DIR", STATE.toString());
        env.put("PORT", Integer.toString(GATEWAY));
        env.put("HXO_PLANNER_PORT", Integer.toString(GATEWAY + 1));
        env.put("HXO_GENESIS_PORT", Integer.toString(GATEWAY + 2));
        env.put("HXO_ARIE_PORT", Integer.toString(GATEWAY + 3));
        env.put("HXO_KAFKA_PORT", Integer.toString(KAFKA));
        env.put("ADMIRAL_TOKEN", ADMIRAL);
        env.put("CAPTAIN_TOKEN", CAPTAIN);
        env.put("SEED_SECRET", SEED);
        env.put("DATABASE_URL", pgUrl(DATABASE));
        // Small replay windows, so resumes exercise the bus's cache and its store (GenesisSystemTest).
        env.put("HXO_SSE_WINDOW", "100");
        env.put("HXO_EVENT_CACHE_LIMIT", "1000");
        // A broker outage longer than this loses a producer's records: SafeDeploysSystemTest outlasts it.
        env.put("HXO_KAFKA_DELIVERY_TIMEOUT_MS", Long.toString(DELIVERY_TIMEOUT_MS));
        // A deploy.pack stage that names no source (the seed's plan) packs this small site, not the checkout.
        env.put("HXO_PACK_DEFAULT_SOURCE", SEED_SITE.toString());
        // Traces to the receiver in this JVM, sent in small batches so a test sees them soon.
        env.put("OTEL_EXPORTER_OTLP_ENDPOINT", TRACES.endpoint());
        env.put("OTEL_EXPORTER_OTLP_PROTOCOL", "http/protobuf");
        env.put("QUARKUS_OTEL_BSP_SCHEDULE_DELAY", "200ms");
        return env;
    }

    private static void up() throws Exception {
        deleteRecursively(PG_DATA);
        Files.deleteIfExists(PG_DATA.resolveSibling("suite-pg.log")); // its server log (LocalPostgres)
        POSTGRES = LocalPostgres.startIn(PG_DATA);
        recreateDatabase();
        deleteRecursively(STATE);
        Files.createDirectories(STATE);
        Files.createDirectories(SEED_SITE.resolve("static"));
        Files.writeString(SEED_SITE.resolve("index.html"), "<h1>test_deploy</h1>\n");
        Files.writeString(SEED_SITE.resolve("static/app.js"), "console.log('test_deploy');\n");
        Result r = hxo(Duration.ofMinutes(4), "up", "--detach", "--no-build");
        if (r.exitCode() != 0) {
            throw new IllegalStateException("./hxo up failed (" + r.exitCode() + "):\n" + r.output());
        }
    }

    @Override
    public void close() throws Exception {
        try {
            hxo(Duration.ofMinutes(2), "down");
        } finally {
            POSTGRES.close();
        }
    }

    // ---- helpers the tests share

    record Result(int exitCode, String output) {
    }

    static Result hxo(Duration timeout, String... args) throws IOException, InterruptedException {
        return hxo(timeout, Map.of(), args);
    }

    /** {@code ./hxo ARGS} with {@code extra} added to the suite's environment. */
    static Result hxo(Duration timeout, Map<String, String> extra, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>();
        cmd.add(ROOT.resolve("hxo").toString());
        cmd.addAll(List.of(args));
        return run(cmd, extra, timeout);
    }

    /** hxoctl, the packaged jar, against this suite's gateway as admiral. */
    static Result hxoctl(String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(List.of(ProcessHandle.current().info().command().orElse("java"), "-jar",
                ROOT.resolve("hxoctl/target/hxoctl.jar").toString(), "--url", "http://127.0.0.1:" + GATEWAY));
        cmd.addAll(List.of(args));
        return run(cmd, Map.of("ADMIRAL_TOKEN", ADMIRAL), Duration.ofMinutes(2));
    }

    private static Result run(List<String> cmd, Map<String, String> extra, Duration timeout)
            throws IOException, InterruptedException {
        String[] args = cmd.subList(1, cmd.size()).toArray(String[]::new);
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile()).redirectErrorStream(true);
        pb.environment().clear();
        pb.environment().putAll(env());
        pb.environment().putAll(extra);
        Path log = Files.createTempFile("hxo-", ".log");
        pb.redirectOutput(log.toFile());
        Process p = pb.start();
        if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
            throw new IllegalStateException(cmd.get(0) + " " + String.join(" ", args) + " did not finish in " + timeout
                    + ":\n" + Files.readString(log));
        }
        String out = Files.readString(log);
        Files.delete(log);
        return new Result(p.exitValue(), out);
    }

    static HttpResponse<String> get(String path, String token) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GATEWAY + path))
                .timeout(Duration.ofSeconds(15));
        if (token != null) {
            b.header("Authorization", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    static HttpResponse<String> post(String path, String token, String body) throws IOException, InterruptedException {
        HttpRequest.Builder b = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + GATEWAY + path))
                .timeout(Duration.ofSeconds(15))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (token != null) {
            b.header("Authorization", token);
        }
        return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
    }

    /** A plan's status as an admiral sees it; an empty object while the gateway cannot answer. */
    static com.fasterxml.jackson.databind.JsonNode planStatus(String planId) throws IOException, InterruptedException {
        HttpResponse<String> r = get("/api/hxo/status/" + planId, "Bearer " + ADMIRAL);
        return r.statusCode() == 200 ? io.hxo.contracts.json.Json.tree(r.body().getBytes())
                : io.hxo.contracts.json.Json.mapper().createObjectNode();
    }

    static long doneShards(String planId) throws IOException, InterruptedException {
        return planStatus(planId).path("shards").path("done").asLong();
    }

    static KafkaTestClient kafka() {
        return new KafkaTestClient("127.0.0.1:" + KAFKA, SEED);
    }

    /** Process ids the launcher recorded for what it started. */
    /** Stops one of the suite's processes gracefully (SIGTERM) and waits until it is gone. */
    static void stop(String service) throws Exception {
        Long pid = pids().get(service);
        if (pid == null) {
            return;
        }
        Optional<ProcessHandle> process = ProcessHandle.of(pid);
        if (process.isPresent()) {
            process.get().destroy();
            process.get().onExit().get(60, TimeUnit.SECONDS);
        }
    }

    static Map<String, Long> pids() throws IOException {
        Map<String, Long> pids = new HashMap<>();
        Path dir = STATE.resolve("pids");
        if (Files.isDirectory(dir)) {
            try (var files = Files.list(dir)) {
                for (Path f : files.filter(f -> f.toString().endsWith(".pid")).toList()) {
                    pids.put(f.getFileName().toString().replace(".pid", ""), Long.parseLong(Files.readString(f).trim()));
                }
            }
        }
        return pids;
    }

    // ---- the database, reached directly (the system test is outside the services)

    static String pgAdminJdbc() {
        return POSTGRES.jdbcUrl();
    }

    static String pgUser() {
        return LocalPostgres.USER;
    }

    static String pgUrl(String database) {
        String hostPort = pgAdminJdbc().replaceFirst("^jdbc:postgresql://", "").replaceFirst("/.*$", "");
        return "postgresql://" + pgUser() + "@" + hostPort + "/" + database;
    }

    static Connection db() throws Exception {
        return DriverManager.getConnection(pgAdminJdbc().replaceFirst("/[^/]*$", "/" + DATABASE), pgUser(), null);
    }

    static long count(String sql) throws Exception {
        try (Connection c = db(); Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            return rs.next() ? rs.getLong(1) : 0;
        }
    }

    private static void recreateDatabase() throws Exception {
        try (Connection c = DriverManager.getConnection(pgAdminJdbc(), pgUser(), null);
                Statement s = c.createStatement()) {
            s.execute("DROP DATABASE IF EXISTS " + DATABASE + " WITH (FORCE)");
            s.execute("CREATE DATABASE " + DATABASE);
        }
        assertThat(DATABASE).matches("[a-z_]+");
    }

    private static void deleteRecursively(Path p) throws IOException {
        if (!Files.exists(p)) {
            return;
        }
        try (var walk = Files.walk(p)) {
            for (Path f : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
                Files.delete(f);
            }
        }
    }
}
