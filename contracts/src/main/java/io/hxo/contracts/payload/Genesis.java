package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/** What the genesis bus publishes on {@code genesis.feed} and answers on {@code genesis.commands}. */
public final class Genesis {
    /** History of stored events: {@link HistoryQuery} → {@link HistoryPage}. */
    public static final String HISTORY = "genesis.history";
    /** Bus metrics: no data → a JSON document. */
    public static final String METRICS = "genesis.metrics";
    /** The bus's recent log lines: {@link LogsQuery} → {@code {"lines": [...]}}. */
    public static final String LOGS = "genesis.logs";

    /** The most events one history page carries. */
    public static final int MAX_PAGE = 1000;

    private Genesis() {
    }

    /** An event as the store holds it; {@code seq} is its place in the store's order (the replay cursor). */
    @Schema(name = "StoredEvent", description = "An event as the bus stored it; seq is its place in the store's order")
    public record StoredEvent(@Schema(required = true) long seq, @Schema(required = true, examples = "hxo.plan")
            String topic, @Schema(required = true) String type, @Schema(required = true) String source,
            @Schema(required = true) String id, String subject, Instant time,
            @Schema(description = "The CloudEvent's data: a JSON object on the live stream; the stored history"
                    + " (GET /api/genesis/events) serves its JSON text") JsonNode data) {
    }

    /**
     * Events stored together, in store order. {@code prev} is the highest sequence number stored
     * before them, so a reader can tell a batch that follows on from one after a gap (sequence
     * numbers themselves have holes).
     */
    public record FeedBatch(long prev, List<StoredEvent> events) {
        public long last() {
            return events.isEmpty() ? prev : events.get(events.size() - 1).seq();
        }
    }

    /**
     * Events after {@code after} (a sequence number; null: from the start) whose topic matches
     * {@code pattern} and whose time is in {@code [from, to)} when given; at most {@code limit}.
     */
    public record HistoryQuery(String pattern, Long after, Instant from, Instant to, int limit) {
    }

    /**
     * One page of history. {@code through} is the sequence number the answer accounts for: every
     * matching event up to it is in this page or an earlier one, so the next page starts after it.
     * {@code servedFrom} is {@code cache} (TERC) or {@code store}.
     */
    @Schema(name = "EventPage", description = "One page of stored events; while more is true, ask again with"
            + " after = through")
    public record HistoryPage(@Schema(required = true) List<StoredEvent> events, @Schema(required = true) boolean more,
            @Schema(required = true) long through,
            @Schema(description = "cache (the replay cache) or store") String servedFrom) {
    }

    public record LogsQuery(int lines) {
    }

    /** The answer to {@link #LOGS}. */
    @Schema(name = "LogLines")
    public record LogLines(@Schema(required = true) List<String> lines) {
    }
}
