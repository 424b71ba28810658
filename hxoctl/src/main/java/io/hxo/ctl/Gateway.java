package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/** A thin HTTP client for the gateway's API. */
final class Gateway {
    static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final String base;
    private final String token;

    Gateway(String base, String token) {
        this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
        this.token = token;
    }

    record Answer(int status, JsonNode body, String location) {
        boolean ok() {
            return status >= 200 && status < 300;
        }

        /** The problem document's detail, or the status line. */
        String problem() {
            return body != null && body.has("detail") ? body.get("detail").asText() + " (" + status + ")"
                    : "HTTP " + status;
        }
    }

    Answer get(String path) {
        return send(HttpRequest.newBuilder(uri(path)).GET(), DEFAULT_TIMEOUT);
    }

    Answer post(String path, String json) {
        return post(path, json, DEFAULT_TIMEOUT);
    }

    Answer post(String path, String json, Duration timeout) {
        return send(HttpRequest.newBuilder(uri(path)).header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json, StandardCharsets.UTF_8)), timeout);
    }

    /**
     * A stored event's {@code data}: the bus's history serves it as JSON text, the live feed may
     * serve it as an object; either way the object.
     */
    static JsonNode dataOf(JsonNode storedEvent) {
        JsonNode data = storedEvent.path("data");
        if (data.isTextual()) {
            try {
                return Json.tree(data.asText().getBytes(StandardCharsets.UTF_8));
            } catch (IllegalArgumentException e) {
                return com.fasterxml.jackson.databind.node.MissingNode.getInstance();
            }
        }
        return data;
    }

    static String q(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }

    private URI uri(String path) {
        return URI.create(path.startsWith("http://") || path.startsWith("https://") ? path : base + path);
    }

    private HttpRequest.Builder authorized(HttpRequest.Builder req) {
        if (token != null && !token.isBlank()) {
            req.header("Authorization", "Bearer " + token);
        }
        return req;
    }

    private Answer send(HttpRequest.Builder req, Duration timeout) {
        authorized(req.timeout(timeout).header("Accept", "application/json"));
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
            return new Answer(r.statusCode(), body, r.headers().firstValue("Location").orElse(null));
        } catch (IOException e) {
            throw unreachable(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new Unreachable("interrupted");
        }
    }

    private Unreachable unreachable(IOException e) {
        return new Unreachable("cannot reach " + base + ": " + e.getClass().getSimpleName()
                + (e.getMessage() == null ? "" : " " + e.getMessage()));
    }

    /** One Server-Sent Event. */
    record SseEvent(String id, String event, String data) {
    }

    interface SseListener {
        /** Returns false to stop reading. */
        boolean onEvent(SseEvent event);
    }

    /**
     * Opens an SSE stream and hands each event to the listener until the stream ends (returns the
     * HTTP status, 200 for a stream that was read to its end) or the listener stops it.
     */
    int stream(String path, String lastEventId, SseListener listener) {
        HttpRequest.Builder req = HttpRequest.newBuilder(uri(path)).GET().header("Accept", "text/event-stream");
        if (lastEventId != null) {
            req.header("Last-Event-ID", lastEventId);
        }
        authorized(req);
        try {
            HttpResponse<InputStream> r = http.send(req.build(), HttpResponse.BodyHandlers.ofInputStream());
            if (r.statusCode() != 200) {
                r.body().close();
                return r.statusCode();
            }
            try (BufferedReader in = new BufferedReader(new InputStreamReader(r.body(), StandardCharsets.UTF_8))) {
                String id = null;
                String event = null;
                StringBuilder data = null;
                String line;
                while ((line = in.readLine()) != null) {
                    if (line.isEmpty()) {
                        if (data != null && !listener.onEvent(new SseEvent(id, event, data.toString()))) {
                            return 200;
                        }
                        id = null;
                        event = null;
                        data = null;
                    } else if (line.startsWith(":")) {
                        continue; // comment: keep-alive or replay note
                    } else {
                        int colon = line.indexOf(':');
                        String field = colon < 0 ? line : line.substring(0, colon);
                        String value = colon < 0 ? "" : line.substring(colon + 1);
                        if (value.startsWith(" ")) {
                            value = value.substring(1);
                        }
                        switch (field) {
                            case "id" -> id = value;
                            case "event" -> event = value;
                            case "data" -> data = data == null ? new StringBuilder(value) : data.append('\n').append(value);
                            default -> {
                            }
                        }
                    }
                }
            }
            return 200;
        } catch (IOException e) {
            throw unreachable(e);
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
