package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Alerts ({@code hxo.alert}): the recent ones from the bus's history, or, with {@code --follow},
 * a live Server-Sent Events stream that reconnects with {@code Last-Event-ID} after a drop, so no
 * alert is missed or shown twice.
 */
@Command(name = "alerts", description = {"Recent alerts (hxo.alert); --follow streams them live (SSE) and",
        "resumes where it stopped after a dropped connection."})
class AlertsCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Option(names = {"-f", "--follow"}, description = "stream alerts as they come")
    boolean follow;

    @Option(names = "--since", defaultValue = "PT1H", description = "without --follow: how far back (ISO-8601 duration, default ${DEFAULT-VALUE})")
    Duration since;

    @Option(names = "--after", description = "with --follow: start after this event id (the store's sequence number)")
    String after;

    @Option(names = "--count", description = "stop after this many alerts")
    Long count;

    @Option(names = "--retry-ms", defaultValue = "1000", description = "wait before reconnecting (default ${DEFAULT-VALUE})")
    long retryMs;

    private long shown;

    @Override
    public Integer call() throws InterruptedException {
        return follow ? follow() : recent();
    }

    private int recent() {
        String after = null;
        String from = Gateway.q(Instant.now().minus(since).toString());
        while (true) {
            Gateway.Answer a = root.gateway().get("/api/genesis/events?topic=hxo.alert&limit=500&from=" + from
                    + (after == null ? "" : "&after=" + after));
            if (!a.ok() || a.body() == null) {
                System.err.println("hxoctl: " + a.problem());
                return 1;
            }
            for (JsonNode ev : a.body().path("events")) {
                if (!show(ev.path("seq").asText(), ev)) {
                    return 0;
                }
            }
            if (!a.body().path("more").asBoolean(false)) {
                return 0;
            }
            after = a.body().path("through").asText();
        }
    }

    private int follow() throws InterruptedException {
        String last = after;
        int failures = 0;
        while (true) {
            String[] lastSeen = {last};
            boolean[] stop = {false};
            int status;
            try {
                status = root.gateway().stream("/api/genesis/subscribe/hxo.alert", last, ev -> {
                    if ("hxo.subscription.closed".equals(ev.event())) {
                        return false; // the gateway cut a slow reader: reconnect from the last id
                    }
                    if (ev.id() != null) {
                        lastSeen[0] = ev.id();
                    }
                    JsonNode data;
                    try {
                        data = Json.tree(ev.data().getBytes(java.nio.charset.StandardCharsets.UTF_8));
                    } catch (IllegalArgumentException e) {
                        return true;
                    }
                    stop[0] = !show(ev.id(), data);
                    return !stop[0];
                });
                failures = status == 200 ? 0 : failures + 1;
            } catch (Gateway.Unreachable e) {
                failures++;
                status = -1;
                System.err.println("hxoctl: " + e.getMessage() + "; reconnecting");
            }
            last = lastSeen[0];
            if (stop[0]) {
                return 0;
            }
            if (status == 401 || status == 403 || status == 404) {
                System.err.println("hxoctl: the gateway refused the subscription (HTTP " + status + ")");
                return 1;
            }
            Thread.sleep(Math.min(30_000, retryMs * Math.max(1, failures)));
        }
    }

    /** Prints one stored event (as the history and the stream carry it); false once --count is reached. */
    private boolean show(String id, JsonNode ev) {
        JsonNode alert = Gateway.dataOf(ev);
        if (root.json) {
            System.out.println(Json.text(ev));
        } else {
            System.out.printf("%s  %-8s %-24s %s%s%n", ev.path("time").asText(), alert.path("severity").asText(),
                    alert.path("type").asText(), alert.path("message").asText(),
                    alert.hasNonNull("plan_id") ? "  plan " + alert.path("plan_id").asText() : "");
        }
        System.out.flush();
        shown++;
        return count == null || shown < count;
    }
}
