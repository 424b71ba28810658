package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A thin HTTP client for the gateway's API. */
final class Gateway {
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Gateway(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    record Answer(int status, JsonNode body) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem document's detail, or the status line. */
        String problem() {
            return body != null && body.has("detail") ? body.get("detail").asText() : "HTTP " + status;
        }
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).GET());
    }

    Answer post(String path, String json) {
        return send(HttpRequest.newBuilder(URI.create(base + path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)));
    }

    private Answer send(HttpRequest.Builder req) {
        req.timeout(Duration.ofSeconds(30)).header("Accept", "application/json");
        if (token != null && !token.isBlank()) {
            req.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<byte[]> r = http.send(req.build(), HttpResponse.BodyHandlers.ofByteArray());
            JsonNode body = null;
            if (r.body().length > 0) {
                try {
                    body = Json.tree(r.body());
                } catch (IllegalArgumentException e) {
                    body = null;
                }
            }
            return new Answer(r.statusCode(), body);
        } catch (IOException e) {
            throw new Unreachable("cannot reach " + base + ": " + e.getClass().getSimpleName()
                    + (e.getMessage() == null ? "" : " " + e.getMessage()));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    /** The gateway did not answer at all. */
    static final class Unreachable extends RuntimeException {
        Unreachable(String message) {
            super(message);
        }
    }
}
