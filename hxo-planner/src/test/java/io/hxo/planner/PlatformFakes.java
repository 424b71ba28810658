package io.hxo.planner;

import com.sun.net.httpserver.HttpServer;
import io.quarkus.test.common.QuarkusTestResourceLifecycleManager;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A local stand-in for the platforms a deployment talks to, on a free port chosen at start: the
 * Netlify build hook ({@code /netlify-build-hook}) and fakes of Render's and Netlify's APIs
 * ({@code /render/…}, {@code /netlify/…}). It points the planner's deploy settings at itself, so tests
 * running at once on one machine never fight over a fixed port.
 */
public class PlatformFakes implements QuarkusTestResourceLifecycleManager {
    static final AtomicInteger hookCalls = new AtomicInteger();
    /** Each API call as "METHOD path auth body". */
    static final List<String> platformCalls = new CopyOnWriteArrayList<>();
    static final List<String> hookBodies = new CopyOnWriteArrayList<>();
    private static volatile String base;

    private HttpServer server;

    /** Where the fakes listen, e.g. {@code http://127.0.0.1:41234}. */
    static String base() {
        return base;
    }

    @Override
    public Map<String, String> start() {
        try {
            server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        server.createContext("/netlify-build-hook", ex -> {
            if (ex.getRequestMethod().equals("POST")) {
                hookCalls.incrementAndGet();
                hookBodies.add(ex.getRequestURI() + " " + new String(ex.getRequestBody().readAllBytes()));
            }
            ex.sendResponseHeaders(200, -1);
            ex.close();
        });
        for (String api : List.of("/render/", "/netlify/")) {
            server.createContext(api, ex -> {
                platformCalls.add(ex.getRequestMethod() + " " + ex.getRequestURI().getPath() + " "
                        + ex.getRequestHeaders().getFirst("Authorization") + " "
                        + new String(ex.getRequestBody().readAllBytes()));
                ex.sendResponseHeaders(201, -1);
                ex.close();
            });
        }
        server.start();
        base = "http://127.0.0.1:" + server.getAddress().getPort();
        return Map.of(
                "hxo.deploy.netlify-hook", base + "/netlify-build-hook",
                "hxo.deploy.render-api-url", base + "/render",
                "hxo.deploy.netlify-api-url", base + "/netlify",
                // a secret a test plan names by variable (url_env): resolved through the config sources
                "HXO_TEST_HOOK_URL", base + "/netlify-build-hook?token=from-the-environment");
    }

    @Override
    public void stop() {
        if (server != null) {
            server.stop(0);
        }
    }
}
