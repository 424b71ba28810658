package io.hxo.genesis.store;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.json.JsonbText;
import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import java.io.IOException;
import io.hxo.contracts.feed.TopicPattern;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.HistoryPage;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import java.sql.ResultSet;
import java.sql.Statement;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Consumer;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.util.List;
import javax.sql.DataSource;

/** The event store and the dead-letter table in schema {@code genesis}. */
@ApplicationScoped
public class EventStore {
    private final DataSource ds;

    public EventStore(DataSource ds) {
        this.ds = ds;
    }

    /** An event as consumed, with where it came from. */
    public record Incoming(String topic, int partition, long offset, CloudEvent event) {
    }

    /** A dead letter as consumed from {@code genesis.dlq}. */
    public record Refused(DeadLetter letter) {
    }

    /** Session lock key serialising store transactions across bus instances, so commit order is seq order. */
    private static final long STORE_ORDER_LOCK = 0x6878_6f5f_6665_6564L;

    /**
     * Stores a batch in one transaction, in arrival order. An event already stored (same source and
     * id) is skipped, so redelivery never duplicates. After the commit, and before another bus
     * instance may store anything, {@code committed} receives what was new, in sequence order; so
     * whatever it publishes follows the store's order exactly.
     *
     * <p>Without dead letters the batch is one statement that commits itself: it reads the highest
     * stored sequence number and inserts in the same snapshot, taken after the lock. This runs for
     * every batch the bus consumes, so it costs three round trips to the database (lock, insert,
     * unlock) instead of five (the read and the commit on their own).
     */
    public void store(List<Incoming> events, List<Refused> refused, Consumer<FeedBatch> committed) throws SQLException {
        try (Connection c = ds.getConnection()) {
            try (Statement st = c.createStatement()) {
                st.execute("SELECT pg_advisory_lock(" + STORE_ORDER_LOCK + ")");
            }
            try {
                FeedBatch added;
                if (refused.isEmpty()) {
                    added = insertEvents(c, events);
                } else {
                    c.setAutoCommit(false);
                    try {
                        added = insertEvents(c, events);
                        insertDeadLetters(c, refused);
                        c.commit();
                    } catch (SQLException | RuntimeException e) {
                        c.rollback();
                        throw e;
                    } finally {
                        c.setAutoCommit(true);
                    }
                }
                if (!added.events().isEmpty()) {
                    committed.accept(added);
                }
            } finally {
                try (Statement st = c.createStatement()) {
                    st.execute("SELECT pg_advisory_unlock(" + STORE_ORDER_LOCK + ")");
                }
            }
        }
    }

    /**
     * Inserts what is new and returns it as stored, in sequence order, after the highest sequence
     * number stored before it ({@code prev}; -1 when nothing was new). One statement: its snapshot
     * sees what was committed before it, not its own rows, so {@code prev} is read before the insert.
     */
    private static FeedBatch insertEvents(Connection c, List<Incoming> events) throws SQLException {
        if (events.isEmpty()) {
            return new FeedBatch(-1, List.of());
        }
        int n = events.size();
        String[] sources = new String[n];
        String[] ids = new String[n];
        String[] topics = new String[n];
        String[] types = new String[n];
        String[] subjects = new String[n];
        Timestamp[] times = new Timestamp[n];
        String[] correlations = new String[n];
        String[] causations = new String[n];
        Integer[] partitions = new Integer[n];
        Long[] offsets = new Long[n];
        String[] data = new String[n];
        for (int i = 0; i < n; i++) {
            Incoming in = events.get(i);
            CloudEvent ev = in.event();
            sources[i] = ev.source();
            ids[i] = ev.id();
            topics[i] = in.topic();
            types[i] = ev.type();
            subjects[i] = ev.subject();
            times[i] = Timestamp.from(ev.time());
            correlations[i] = ev.correlationId();
            causations[i] = ev.causationId();
            partitions[i] = in.partition();
            offsets[i] = in.offset();
            data[i] = jsonOrNull(ev.data());
        }
        try (PreparedStatement ps = c.prepareStatement("""
                WITH prev AS (SELECT coalesce(max(seq), 0) AS seq FROM genesis.events),
                added AS (
                    INSERT INTO genesis.events (source, id, topic, type, subject, time, correlation_id, causation_id,
                                                kafka_partition, kafka_offset, data)
                    SELECT s, i, tp, ty, su, ti, co, ca, pa, os, d::jsonb
                    FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[],
                                ?::text[], ?::int[], ?::bigint[], ?::text[])
                         WITH ORDINALITY AS t(s, i, tp, ty, su, ti, co, ca, pa, os, d, ord)
                    ORDER BY ord
                    ON CONFLICT ON CONSTRAINT events_once DO NOTHING
                    RETURNING seq, source, id)
                SELECT added.seq, added.source, added.id, prev.seq FROM added CROSS JOIN prev""")) {
            ps.setArray(1, c.createArrayOf("text", sources));
            ps.setArray(2, c.createArrayOf("text", ids));
            ps.setArray(3, c.createArrayOf("text", topics));
            ps.setArray(4, c.createArrayOf("text", types));
            ps.setArray(5, c.createArrayOf("text", subjects));
            ps.setArray(6, c.createArrayOf("timestamptz", times));
            ps.setArray(7, c.createArrayOf("text", correlations));
            ps.setArray(8, c.createArrayOf("text", causations));
            ps.setArray(9, c.createArrayOf("int4", partitions));
            ps.setArray(10, c.createArrayOf("int8", offsets));
            ps.setArray(11, c.createArrayOf("text", data));
            Map<String, Integer> byKey = new HashMap<>(n * 2);
            for (int i = 0; i < n; i++) {
                byKey.putIfAbsent(events.get(i).event().source() + "\u0000" + events.get(i).event().id(), i);
            }
            List<StoredEvent> stored = new ArrayList<>();
            long prev = -1;
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    int i = byKey.get(rs.getString(2) + "\u0000" + rs.getString(3));
                    stored.add(stored(rs.getLong(1), events.get(i).topic(), events.get(i).event(), data[i]));
                    prev = rs.getLong(4);
                }
            }
            stored.sort(java.util.Comparator.comparingLong(StoredEvent::seq));
            return new FeedBatch(prev, stored);
        }
    }

    private static void insertDeadLetters(Connection c, List<Refused> refused) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO genesis.dead_letters (reason, topic, kafka_partition, kafka_offset, consumer, consumer_group,
                        event_id, event_source, event_type, record_key, headers, value_base64, refused_at)
                VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?::jsonb, ?, ?)
                ON CONFLICT ON CONSTRAINT dead_letters_once DO NOTHING""")) {
            for (Refused r : refused) {
                DeadLetter d = r.letter();
                ps.setString(1, d.reason());
                ps.setString(2, d.topic());
                ps.setInt(3, d.partition());
                ps.setLong(4, d.offset());
                ps.setString(5, d.consumer() == null ? "unknown" : d.consumer());
                ps.setString(6, d.group());
                ps.setString(7, d.eventId());
                ps.setString(8, d.eventSource());
                ps.setString(9, d.eventType());
                ps.setString(10, d.key());
                ps.setString(11, d.headers() == null ? null : Json.text(d.headers()));
                ps.setString(12, d.valueBase64());
                ps.setTimestamp(13, d.refusedAt() == null ? null : Timestamp.from(d.refusedAt()));
                ps.addBatch();
            }
            ps.executeBatch();
        }
    }

    /** A subject's events of one topic in store order; index {@code events_subject_topic} answers it (V3). */
    public static final String SUBJECT_TOPIC_SQL =
            "SELECT seq, data FROM genesis.events WHERE subject = ? AND topic = ? AND seq > ? ORDER BY seq";

    /**
     * Streams the data of the stored events of a topic about a subject with a sequence number above
     * {@code afterSeq}, in store order, to the sink (rows are fetched in pages, so a plan with a
     * million leaves never sits in memory as text). Returns the highest sequence number seen, or
     * {@code afterSeq} when there was none.
     */
    public long eachData(String topic, String subject, long afterSeq, java.util.function.Consumer<byte[]> sink)
            throws SQLException {
        long last = afterSeq;
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false); // the driver pages through a result only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(SUBJECT_TOPIC_SQL)) {
                ps.setFetchSize(200);
                ps.setString(1, subject);
                ps.setString(2, topic);
                ps.setLong(3, afterSeq);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        last = rs.getLong(1);
                        // jsonb comes as text, and getBytes hands over its UTF-8 bytes as received:
                        // no String of a 2,000-leaf document decoded only to be encoded again.
                        byte[] data = rs.getBytes(2);
                        if (data != null) {
                            sink.accept(data);
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
        return last;
    }

    /**
     * An event as the feed carries it. Its data goes out as the very text that was stored, written
     * verbatim: parsing it into a tree only to write it again cost most of the bus's time on large
     * events (a plan's leaves come 2,000 to an event).
     */
    private static StoredEvent stored(long seq, String topic, CloudEvent ev, String dataText) {
        JsonNode data = dataText == null ? null : JsonNodeFactory.instance.rawValueNode(new RawValue(dataText));
        return new StoredEvent(seq, topic, ev.type(), ev.source(), ev.id(), ev.subject(), ev.time(), data);
    }

    /**
     * One page of history from the store: events after {@code after} matching the pattern and time
     * range, in sequence order, stopping at {@code limit} events or about {@code maxBytes} of data.
     */
    public HistoryPage history(TopicPattern pattern, long after, Instant from, Instant to, int limit, int maxBytes)
            throws SQLException {
        StringBuilder sql = new StringBuilder("""
                SELECT seq, topic, type, source, id, subject, time, data::text
                FROM genesis.events WHERE seq > ?""");
        if (pattern.isPrefix()) {
            sql.append(" AND starts_with(topic, ?)");
        } else if (!pattern.isAll()) {
            sql.append(" AND topic = ?");
        }
        if (from != null) {
            sql.append(" AND time >= ?");
        }
        if (to != null) {
            sql.append(" AND time < ?");
        }
        sql.append(" ORDER BY seq LIMIT ?");
        try (Connection c = ds.getConnection()) {
            long through;
            // Read the high-water mark first: everything up to it is committed and visible below.
            try (Statement st = c.createStatement();
                    ResultSet rs = st.executeQuery("SELECT coalesce(max(seq), 0) FROM genesis.events")) {
                rs.next();
                through = rs.getLong(1);
            }
            try (PreparedStatement ps = c.prepareStatement(sql.toString())) {
                int i = 1;
                ps.setLong(i++, after);
                if (pattern.isPrefix()) {
                    ps.setString(i++, pattern.prefix());
                } else if (!pattern.isAll()) {
                    ps.setString(i++, pattern.text());
                }
                if (from != null) {
                    ps.setTimestamp(i++, Timestamp.from(from));
                }
                if (to != null) {
                    ps.setTimestamp(i++, Timestamp.from(to));
                }
                ps.setInt(i, limit + 1);
                List<StoredEvent> out = new ArrayList<>();
                long bytes = 0;
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        if (out.size() == limit || (bytes > maxBytes && !out.isEmpty())) {
                            return new HistoryPage(out, true, out.get(out.size() - 1).seq(), "store");
                        }
                        long seq = rs.getLong(1);
                        if (seq > through) {
                            break; // committed after the mark was read: the next page has it
                        }
                        String data = rs.getString(8);
                        bytes += data == null ? 0 : data.length();
                        out.add(new StoredEvent(seq, rs.getString(2), rs.getString(3), rs.getString(4), rs.getString(5),
                                rs.getString(6), rs.getTimestamp(7).toInstant(), data == null ? null : Json.tree(data)));
                    }
                }
                return new HistoryPage(out, false, Math.max(through, after), "store");
            }
        }
    }

    /** Figures for the bus metrics: per-topic totals and last-minute counts, store size, dead letters. */
    public Map<String, Object> figures() throws SQLException {
        Map<String, Object> out = new LinkedHashMap<>();
        try (Connection c = ds.getConnection(); Statement st = c.createStatement()) {
            Map<String, Object> topics = new TreeMap<>();
            try (ResultSet rs = st.executeQuery("""
                    SELECT topic, count(*), count(*) FILTER (WHERE stored_at > now() - interval '60 seconds')
                    FROM genesis.events GROUP BY topic""")) {
                while (rs.next()) {
                    topics.put(rs.getString(1), Map.of("total", rs.getLong(2),
                            "per_second", Math.round(rs.getLong(3) / 60.0 * 100) / 100.0));
                }
            }
            out.put("topics", topics);
            try (ResultSet rs = st.executeQuery("""
                    SELECT (SELECT count(*) FROM genesis.events), coalesce((SELECT max(seq) FROM genesis.events), 0),
                           pg_total_relation_size('genesis.events')""")) {
                rs.next();
                out.put("store", Map.of("events", rs.getLong(1), "last_seq", rs.getLong(2), "bytes", rs.getLong(3)));
            }
            Map<String, Long> dlq = new TreeMap<>();
            try (ResultSet rs = st.executeQuery("SELECT reason, count(*) FROM genesis.dead_letters GROUP BY reason")) {
                while (rs.next()) {
                    dlq.put(rs.getString(1), rs.getLong(2));
                }
            }
            out.put("dead_letters", dlq);
        }
        return out;
    }

    /**
     * The data as text when it is exactly one JSON value, else null: an event whose data is not JSON
     * is stored and shown without it. Checked by streaming through the tokens, without building a
     * tree. JSON that jsonb refuses — the character U+0000, a lone UTF-16 surrogate, a byte-order
     * mark — would fail the whole batch's insert again on every retry and stop the store, so such
     * characters become U+FFFD (only data with a backslash-u escape takes that slower path), and a
     * leading byte-order mark is dropped.
     */
    static String jsonOrNull(byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        try (JsonParser p = Json.mapper().getFactory().createParser(data)) {
            if (p.nextToken() == null) {
                return null;
            }
            p.skipChildren();
            if (p.nextToken() != null) {
                return null; // something after the value
            }
        } catch (IOException e) {
            return null;
        }
        boolean bom = data.length >= 3 && (data[0] & 0xff) == 0xef && (data[1] & 0xff) == 0xbb && (data[2] & 0xff) == 0xbf;
        String text = bom ? new String(data, 3, data.length - 3, StandardCharsets.UTF_8)
                : new String(data, StandardCharsets.UTF_8);
        if (!text.contains("\\u")) {
            return text;
        }
        JsonNode tree = Json.tree(data);
        JsonNode safe = JsonbText.storable(tree);
        return safe == tree ? text : Json.text(safe);
    }
}
