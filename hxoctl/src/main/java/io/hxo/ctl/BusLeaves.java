package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A plan's leaves ({@code cas_id}, {@code output_digest}) as the bus's event store recorded them in
 * {@code hxo.shard.done}: the witness a served proof is checked against, independent of the planner
 * that serves the proofs.
 */
final class BusLeaves {
    /** The most pages of {@code hxo.shard.done} history read to find a plan's leaves. */
    static final int MAX_PAGES = 20;

    /** The leaves found (one per shard id), or why the history could not be read ({@code problem}). */
    record Found(List<JsonNode> leaves, String problem) {
    }

    private BusLeaves() {
    }

    /**
     * Up to {@code max} leaves of a plan, read from the history between its creation (a second
     * before) and a minute after it finished (when it did).
     */
    static Found of(Gateway gw, String planId, String createdAt, String finishedAt, int max) {
        Map<String, JsonNode> leaves = new LinkedHashMap<>();
        StringBuilder query = new StringBuilder("/api/genesis/events?topic=hxo.shard.done&limit=1000");
        if (createdAt != null && !createdAt.isEmpty()) {
            query.append("&from=").append(Gateway.q(Instant.parse(createdAt).minusSeconds(1).toString()));
        }
        if (finishedAt != null && !finishedAt.isEmpty()) {
            query.append("&to=").append(Gateway.q(Instant.parse(finishedAt).plusSeconds(60).toString()));
        }
        String after = null;
        for (int page = 0; page < MAX_PAGES && leaves.size() < max; page++) {
            Gateway.Answer a = gw.get(query + (after == null ? "" : "&after=" + after));
            if (!a.ok() || a.body() == null) {
                return new Found(new ArrayList<>(leaves.values()),
                        "GET /api/genesis/events: " + a.problem());
            }
            for (JsonNode ev : a.body().path("events")) {
                if (planId.equals(ev.path("subject").asText())) {
                    // hxo.shard.done is delivered at least once: a leaf may be recorded twice.
                    Gateway.dataOf(ev).path("leaves").forEach(l -> leaves.putIfAbsent(l.path("cas_id").asText(), l));
                }
            }
            if (!a.body().path("more").asBoolean(false)) {
                break;
            }
            after = a.body().path("through").asText();
        }
        return new Found(new ArrayList<>(leaves.values()), null);
    }
}
