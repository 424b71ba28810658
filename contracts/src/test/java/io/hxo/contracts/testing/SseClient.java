package io.hxo.contracts.testing;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A Server-Sent Events stream for tests, read on a thread of its own. Comment lines are kept as
 * events named {@code ":"}, so a test can wait for what the server says in them.
 */
public final class SseClient implements AutoCloseable {
    /** One SSE event (or comment). */
    public record Event(String id, String name, String data) {
        public boolean comment() {
            return ":".equals(name);
        }
    }

    private final BlockingQueue<Event> events = new LinkedBlockingQueue<>();
    private final Stream<String> lines;

    /** Opens {@code url} with the bearer token and, when not null, {@code Last-Event-ID}. */
    public SseClient(String url, String bearer, String lastEventId) throws Exception {
        HttpRequest.Builder req = HttpRequest.newBuilder(URI.create(url)).header("Accept", "text/event-stream");
        if (bearer != null) {
            req.header("Authorization", bearer);
        }
        if (lastEventId != null) {
            req.header("Last-Event-ID", lastEventId);
        }
        HttpResponse<Stream<String>> res = HttpClient.newHttpClient().send(req.build(),
                HttpResponse.BodyHandlers.ofLines());
        if (res.statusCode() != 200) {
            res.body().close();
            throw new AssertionError("subscribe answered " + res.statusCode());
        }
        lines = res.body();
        Thread reader = new Thread(this::read, "sse-client");
        reader.setDaemon(true);
        reader.start();
    }

    private void read() {
        String id = null;
        String name = null;
        StringBuilder data = new StringBuilder();
        try {
            Iterator<String> it = lines.iterator();
            while (it.hasNext()) {
                String line = it.next();
                if (line.startsWith(":")) {
                    events.add(new Event(null, ":", line.substring(1).trim()));
                } else if (line.startsWith("id:")) {
                    id = line.substring(3).trim();
                } else if (line.startsWith("event:")) {
                    name = line.substring(6).trim();
                } else if (line.startsWith("data:")) {
                    data.append(line.substring(5).trim());
                } else if (line.isEmpty() && (name != null || data.length() > 0)) {
                    events.add(new Event(id, name, data.toString()));
                    id = null;
                    name = null;
                    data.setLength(0);
                }
            }
        } catch (RuntimeException e) {
            // the stream was closed
        }
    }

    /** The next event or comment within the timeout, or null. */
    public Event poll(long millis) throws InterruptedException {
        return events.poll(millis, TimeUnit.MILLISECONDS);
    }

    /** The next {@code n} events (comments skipped); fails when they do not all come within the timeout. */
    public List<Event> take(int n, long timeoutMillis) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        while (out.size() < n) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("got " + out.size() + " of " + n + " events within " + timeoutMillis + " ms");
            }
            if (!e.comment()) {
                out.add(e);
            }
        }
        return out;
    }

    /** Waits for a comment containing {@code text}; events before it are dropped. */
    public void awaitComment(String text, long timeoutMillis) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        List<Event> seen = new ArrayList<>();
        while (true) {
            Event e = events.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
            if (e == null) {
                throw new AssertionError("no comment with '" + text + "' within " + timeoutMillis + " ms; saw "
                        + seen.subList(Math.max(0, seen.size() - 5), seen.size()) + " (" + seen.size() + " in all)");
            }
            seen.add(e);
            if (e.comment() && e.data().contains(text)) {
                return;
            }
        }
    }

    /** Everything (events and comments) that arrives within {@code millis}. */
    public List<Event> drain(long millis) throws InterruptedException {
        List<Event> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(millis);
        Event e;
        while ((e = events.poll(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS)) != null) {
            out.add(e);
        }
        return out;
    }

    @Override
    public void close() {
        lines.close();
    }
}
