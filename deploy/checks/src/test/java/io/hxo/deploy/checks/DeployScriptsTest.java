package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import io.hxo.runtime.config.EnvCatalog;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The deploy scripts run for real with bash, curl and jq, against a fake Render API and fake
 * gateways served from this JVM: the order of the calls, what they wait for, and what they refuse to
 * do when something is not ready.
 */
class DeployScriptsTest {
    static final String ADMIRAL = "admiral-token-for-tests-0123456789";
    static final String RENDER_KEY = "rnd_test_key";
    static final String HOOK_KEY = "hook-secret-key";

    HttpServer server;
    String base;
    final List<String> calls = Collections.synchronizedList(new ArrayList<>());
    // Fake state.
    final AtomicBoolean greenLinksHealthy = new AtomicBoolean(true);
    final AtomicBoolean drainRequested = new AtomicBoolean(false);
    final AtomicBoolean greenRestarted = new AtomicBoolean(false);
    final AtomicInteger deployPolls = new AtomicInteger();
    volatile String finalDeployStatus = "live";

    @BeforeAll
    static void tools() {
        for (String tool : List.of("bash", "curl", "jq")) {
            assumeTrue(onPath(tool), tool + " is not installed: the deploy scripts cannot run here");
        }
    }

    @BeforeEach
    void start() throws IOException {
        server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/", this::handle);
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
    }

    @AfterEach
    void stop() {
        server.stop(0);
    }

    private void handle(HttpExchange ex) throws IOException {
        String method = ex.getRequestMethod();
        String path = ex.getRequestURI().getPath();
        String auth = String.valueOf(ex.getRequestHeaders().getFirst("Authorization"));
        calls.add(method + " " + path);
        int status = 200;
        String body = "{}";
        if (path.startsWith("/deploy/")) {
            if (!(HOOK_KEY).equals(query(ex, "key"))) {
                status = 403;
            } else {
                body = "{\"deploy\":{\"id\":\"dep-" + path.substring("/deploy/".length()) + "\"}}";
            }
        } else if (path.startsWith("/v1/")) {
            if (!auth.equals("Bearer " + RENDER_KEY)) {
                status = 401;
            } else if (path.contains("/deploys/")) {
                body = "{\"status\":\"" + (deployPolls.incrementAndGet() % 2 == 1 ? "build_in_progress" : finalDeployStatus)
                        + "\"}";
            } else if (path.endsWith("/restart")) {
                greenRestarted.set(true);
            } else if (path.endsWith("/resume")) {
                status = 400;
                body = "{\"message\":\"service is not suspended\"}";
            } else if (method.equals("DELETE")) {
                status = 204;
                body = "";
            } else if (path.endsWith("/custom-domains")) {
                status = 201;
            }
        } else if (path.startsWith("/blue/") || path.startsWith("/green/")) {
            boolean green = path.startsWith("/green/");
            String route = path.substring(path.indexOf('/', 1));
            if (!auth.equals("Bearer " + ADMIRAL)) {
                status = 401;
            } else if (route.equals("/api/hxo/graceful-shutdown") && method.equals("POST")) {
                drainRequested.set(true);
                status = 202;
                body = "{\"instances\":{}}";
            } else if (route.equals("/api/hxo/status")) {
                String link = !green || greenLinksHealthy.get() ? "healthy" : "degraded";
                String state = green ? (greenRestarted.get() ? "running" : drainRequested.get() ? "drained" : "running")
                        : drainRequested.get() ? "drained" : "running";
                body = "{\"instances\":[{\"instance\":\"p1\",\"state\":\"" + state + "\"}],\"draining\":"
                        + !state.equals("running") + ",\"links\":{\"hxo-planner\":\"" + link
                        + "\",\"genesis-bus\":\"healthy\",\"arie-auditor\":\"healthy\"}}";
            } else if (route.equals("/api/hxo/links/health")) {
                String link = !green || greenLinksHealthy.get() ? "healthy" : "degraded";
                body = "{\"links\":[{\"service\":\"hxo-planner\",\"state\":\"" + link
                        + "\"},{\"service\":\"genesis-bus\",\"state\":\"healthy\"}]}";
            } else {
                status = 404;
            }
        } else {
            status = 404;
        }
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        ex.getResponseHeaders().set("Content-Type", "application/json");
        ex.sendResponseHeaders(status, bytes.length == 0 ? -1 : bytes.length);
        if (bytes.length > 0) {
            ex.getResponseBody().write(bytes);
        }
        ex.close();
    }

    private static String query(HttpExchange ex, String name) {
        String q = ex.getRequestURI().getRawQuery();
        if (q != null) {
            for (String part : q.split("&")) {
                if (part.startsWith(name + "=")) {
                    return part.substring(name.length() + 1);
                }
            }
        }
        return null;
    }

    record Run(int exit, String output) {
    }

    Run run(String script, Map<String, String> env, String... args) throws Exception {
        List<String> command = new ArrayList<>(List.of("bash", Repo.path(script).toString()));
        command.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(command);
        pb.environment().keySet().removeIf(k -> !k.equals("PATH") && !k.equals("HOME") && !k.equals("LANG"));
        pb.environment().putAll(env);
        return run(pb, 30);
    }

    /** Runs to completion (output to a file, so nothing blocks on a full pipe); a hung script is killed and fails. */
    static Run run(ProcessBuilder pb, int timeoutSeconds) throws Exception {
        Path log = Files.createTempFile("deploy-script", ".log");
        try {
            Process p = pb.redirectErrorStream(true).redirectOutput(log.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null"))).start();
            boolean done = p.waitFor(timeoutSeconds, TimeUnit.SECONDS);
            if (!done) {
                p.descendants().forEach(ProcessHandle::destroyForcibly);
                p.destroyForcibly().waitFor();
            }
            String out = Files.readString(log, StandardCharsets.UTF_8);
            if (!done) {
                throw new AssertionError(String.join(" ", pb.command()) + " did not finish in " + timeoutSeconds + " s:\n" + out);
            }
            return new Run(p.exitValue(), out);
        } finally {
            Files.deleteIfExists(log);
        }
    }

    Map<String, String> blueGreenEnv() {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("ADMIRAL_TOKEN", ADMIRAL);
        env.put("BLUE_URL", base + "/blue");
        env.put("GREEN_URL", base + "/green");
        env.put("GREEN_DEPLOY_HOOK", base + "/deploy/srv-green-planner?key=" + HOOK_KEY + " " + base
                + "/deploy/srv-green-gateway?key=" + HOOK_KEY);
        env.put("RENDER_API", base + "/v1");
        env.put("RENDER_API_KEY", RENDER_KEY);
        env.put("HXO_DOMAIN", "hxo.example.com");
        env.put("BLUE_GATEWAY_ID", "srv-blue-gateway");
        env.put("GREEN_GATEWAY_ID", "srv-green-gateway");
        env.put("BLUE_PLANNER_ID", "srv-blue-planner");
        env.put("GREEN_PLANNER_ID", "srv-green-planner");
        env.put("POLL_S", "0.05");
        env.put("TIMEOUT_S", "5");
        return env;
    }

    /** The calls, less repeated polls of the same route, in order. */
    List<String> distinctCalls() {
        List<String> out = new ArrayList<>();
        synchronized (calls) {
            for (String c : calls) {
                if (out.isEmpty() || !out.get(out.size() - 1).equals(c)) {
                    out.add(c);
                }
            }
        }
        return out;
    }

    @Test
    void blueGreenDeploysGreenWaitsSwitchesDrainsRetiresBlueAndResumesGreen() throws Exception {
        Run r = run("deploy/scripts/blue-green.sh", blueGreenEnv());
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(distinctCalls()).containsSubsequence(
                "POST /deploy/srv-green-planner",
                "GET /v1/services/srv-green-planner/deploys/dep-srv-green-planner",
                "POST /deploy/srv-green-gateway",
                "GET /green/api/hxo/status",
                "GET /green/api/hxo/links/health",
                "DELETE /v1/services/srv-blue-gateway/custom-domains/hxo.example.com",
                "POST /v1/services/srv-green-gateway/custom-domains",
                "POST /blue/api/hxo/graceful-shutdown",
                "GET /blue/api/hxo/status",
                "POST /v1/services/srv-blue-planner/suspend",
                "POST /v1/services/srv-green-planner/restart",
                "GET /green/api/hxo/status");
        assertThat(r.output()).as("a hook URL carries a key: never printed").doesNotContain(HOOK_KEY)
                .doesNotContain(ADMIRAL).doesNotContain(RENDER_KEY);
    }

    @Test
    void blueGreenNeverSwitchesNorDrainsWhileGreenIsNotHealthy() throws Exception {
        greenLinksHealthy.set(false);
        Map<String, String> env = blueGreenEnv();
        env.put("TIMEOUT_S", "1");
        Run r = run("deploy/scripts/blue-green.sh", env);
        assertThat(r.exit()).isNotZero();
        assertThat(r.output()).contains("gave up").contains("healthy");
        assertThat(calls).noneMatch(c -> c.contains("custom-domains") || c.contains("graceful-shutdown")
                || c.contains("suspend"));
    }

    @Test
    void blueGreenStepsCanBeRunOneByOne() throws Exception {
        Run r = run("deploy/scripts/blue-green.sh", blueGreenEnv(), "drain");
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(distinctCalls()).containsExactly("POST /blue/api/hxo/graceful-shutdown", "GET /blue/api/hxo/status");
        Run unknown = run("deploy/scripts/blue-green.sh", blueGreenEnv(), "teleport");
        assertThat(unknown.exit()).isNotZero();
        assertThat(unknown.output()).contains("unknown step");
    }

    @Test
    void renderDeployTriggersHooksInOrderAndStopsAtAFailedDeploy() throws Exception {
        Map<String, String> env = new LinkedHashMap<>();
        env.put("RENDER_DEPLOY_HOOK", base + "/deploy/srv-a?key=" + HOOK_KEY + "," + base + "/deploy/srv-b?key=" + HOOK_KEY);
        env.put("RENDER_API", base + "/v1");
        env.put("RENDER_API_KEY", RENDER_KEY);
        env.put("POLL_S", "0.05");
        env.put("DEPLOY_TIMEOUT_S", "5");
        Run ok = run("deploy/scripts/render-deploy.sh", env);
        assertThat(ok.exit()).as(ok.output()).isZero();
        assertThat(distinctCalls()).containsExactly("POST /deploy/srv-a", "GET /v1/services/srv-a/deploys/dep-srv-a",
                "POST /deploy/srv-b", "GET /v1/services/srv-b/deploys/dep-srv-b");
        assertThat(ok.output()).doesNotContain(HOOK_KEY);

        calls.clear();
        finalDeployStatus = "build_failed";
        Run failed = run("deploy/scripts/render-deploy.sh", env);
        assertThat(failed.exit()).isNotZero();
        assertThat(failed.output()).contains("srv-a: deploy dep-srv-a ended as build_failed");
        assertThat(calls).as("the next service is not deployed after a failure").noneMatch(c -> c.contains("srv-b"));
    }

    @Test
    void renderDeployWithoutAnApiKeyOnlyTriggers() throws Exception {
        Run r = run("deploy/scripts/render-deploy.sh", Map.of("RENDER_DEPLOY_HOOK", base + "/deploy/srv-a?key=" + HOOK_KEY));
        assertThat(r.exit()).as(r.output()).isZero();
        assertThat(distinctCalls()).containsExactly("POST /deploy/srv-a");
        Run wrong = run("deploy/scripts/render-deploy.sh", Map.of("RENDER_DEPLOY_HOOK", base + "/deploy/srv-a?key=wrong"));
        assertThat(wrong.exit()).as("a refused hook fails the deploy").isNotZero();
    }

    /** Tokens the platforms issue (certified rollbacks use them); optional, never generated. */
    static final java.util.Set<String> PLATFORM_CREDENTIALS = java.util.Set.of("RENDER_API_KEY", "NETLIFY_AUTH_TOKEN");

    @Test
    void composeEnvWritesEveryRequiredSecretAndNeverOverwrites(@TempDir Path dir) throws Exception {
        Path scripts = Files.createDirectories(dir.resolve("deploy/scripts"));
        Files.copy(Repo.path("deploy/scripts/compose-env.sh"), scripts.resolve("compose-env.sh"));
        Files.copy(Repo.path(ComposeFile.ENV_TEMPLATE), dir.resolve(ComposeFile.ENV_TEMPLATE));
        Run first = run(new ProcessBuilder("bash", scripts.resolve("compose-env.sh").toString()), 30);
        assertThat(first.exit()).as(first.output()).isZero();
        Path env = dir.resolve(".env");
        Map<String, String> values = new LinkedHashMap<>();
        for (String line : Files.readAllLines(env)) {
            Matcher m = Pattern.compile("^([A-Z][A-Z0-9_]*)=(.*)$").matcher(line);
            if (m.matches()) {
                values.put(m.group(1), m.group(2));
            }
        }
        for (EnvCatalog.Variable v : EnvCatalog.VARIABLES) {
            boolean rotationOnly = v.name().endsWith("_PREVIOUS");
            // Credentials a platform issues cannot be generated: they stay empty for the operator.
            boolean issuedElsewhere = PLATFORM_CREDENTIALS.contains(v.name());
            if (issuedElsewhere) {
                assertThat(values.get(v.name())).as(v.name()).isEmpty();
            } else if ((v.kind() == EnvCatalog.Kind.SECRET || v.kind() == EnvCatalog.Kind.TOKEN) && !rotationOnly) {
                int min = v.kind() == EnvCatalog.Kind.SECRET ? EnvCatalog.MIN_SECRET_LENGTH : 16;
                assertThat(values.get(v.name())).as(v.name()).isNotNull().hasSizeGreaterThanOrEqualTo(min);
            }
        }
        assertThat(values.get("POSTGRES_PASSWORD")).hasSizeGreaterThanOrEqualTo(16);
        assertThat(Files.getPosixFilePermissions(env).toString()).doesNotContain("OTHERS").doesNotContain("GROUP");
        String before = Files.readString(env);
        Run again = run(new ProcessBuilder("bash", scripts.resolve("compose-env.sh").toString()), 30);
        assertThat(again.exit()).as("refuses to replace an existing .env").isNotZero();
        assertThat(Files.readString(env)).isEqualTo(before);
    }

    @Test
    void netlifyBuildWritesConfigJsWithTheApiUrlAndFailsWithoutIt(@TempDir Path dir) throws Exception {
        String toml = Repo.read("deploy/netlify.toml");
        Matcher base = Pattern.compile("(?m)^\\s*base\\s*=\\s*\"([^\"]+)\"").matcher(toml);
        Matcher publish = Pattern.compile("(?m)^\\s*publish\\s*=\\s*\"([^\"]+)\"").matcher(toml);
        Matcher command = Pattern.compile("(?s)command\\s*=\\s*\"\"\"(.*?)\"\"\"").matcher(toml);
        assertThat(base.find() && publish.find() && command.find()).isTrue();
        // A TOML basic string: \\ is one backslash.
        String script = command.group(1).replace("\\\\", "\\");
        Path console = Files.createDirectories(dir.resolve("federation-gateway/src/main/resources/META-INF/resources"));
        Files.writeString(console.resolve("index.html"), "<html></html>");
        Path work = Files.createDirectories(dir.resolve(base.group(1)));

        ProcessBuilder pb = new ProcessBuilder("bash", "-c", script).directory(work.toFile());
        pb.environment().put("VITE_API_URL", "https://hxo.example.com/");
        Run built = run(pb, 30);
        assertThat(built.exit()).as(built.output()).isZero();
        Path published = work.resolve(publish.group(1));
        assertThat(published.resolve("index.html")).exists();
        assertThat(Files.readString(published.resolve("config.js")))
                .isEqualTo("window.HXO_CONFIG = { apiUrl: \"https://hxo.example.com\" };\n");

        ProcessBuilder missing = new ProcessBuilder("bash", "-c", script).directory(work.toFile());
        missing.environment().remove("VITE_API_URL");
        assertThat(run(missing, 30).exit()).as("no VITE_API_URL, no build").isNotZero();
    }

    @Test
    void theScriptsPassShellcheck() throws Exception {
        assumeTrue(onPath("shellcheck"), "shellcheck is not installed");
        List<String> command = new ArrayList<>(List.of("shellcheck"));
        for (String s : List.of("deploy/scripts/blue-green.sh", "deploy/scripts/render-deploy.sh",
                "deploy/scripts/compose-env.sh", "deploy/kafka/docker/render-entrypoint.sh")) {
            command.add(Repo.path(s).toString());
        }
        Run r = run(new ProcessBuilder(command), 60);
        assertThat(r.exit()).as(r.output()).isZero();
    }

    static boolean onPath(String program) {
        for (String d : System.getenv().getOrDefault("PATH", "").split(java.io.File.pathSeparator)) {
            if (Files.isExecutable(Path.of(d, program))) {
                return true;
            }
        }
        return false;
    }
}
