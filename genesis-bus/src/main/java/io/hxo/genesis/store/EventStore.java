package io.hxo.genesis.store;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.DeadLetter;
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

    /**
     * Stores a batch in one transaction, in arrival order. An event already stored (same source and
     * id) is skipped, so redelivery never duplicates. Returns how many events were new.
     */
    public int store(List<Incoming> events, List<Refused> refused) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                int added = events.isEmpty() ? 0 : insertEvents(c, events);
                if (!refused.isEmpty()) {
                    insertDeadLetters(c, refused);
                }
                c.commit();
                return added;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    private static int insertEvents(Connection c, List<Incoming> events) throws SQLException {
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
                INSERT INTO genesis.events (source, id, topic, type, subject, time, correlation_id, causation_id,
                                            kafka_partition, kafka_offset, data)
                SELECT s, i, tp, ty, su, ti, co, ca, pa, os, d::jsonb
                FROM unnest(?::text[], ?::text[], ?::text[], ?::text[], ?::text[], ?::timestamptz[], ?::text[],
                            ?::text[], ?::int[], ?::bigint[], ?::text[])
                     WITH ORDINALITY AS t(s, i, tp, ty, su, ti, co, ca, pa, os, d, ord)
                ORDER BY ord
                ON CONFLICT ON CONSTRAINT events_once DO NOTHING""")) {
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
            return ps.executeUpdate();
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

    /**
     * Streams the data of every stored event of a topic about a subject, in store order, to the sink
     * (rows are fetched in pages, so a plan with a million leaves never sits in memory as text).
     */
    public void eachData(String topic, String subject, java.util.function.Consumer<byte[]> sink) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false); // the driver pages through a result only inside a transaction
            try (PreparedStatement ps = c.prepareStatement(
                    "SELECT data FROM genesis.events WHERE subject = ? AND topic = ? ORDER BY seq")) {
                ps.setFetchSize(200);
                ps.setString(1, subject);
                ps.setString(2, topic);
                try (var rs = ps.executeQuery()) {
                    while (rs.next()) {
                        String data = rs.getString(1);
                        if (data != null) {
                            sink.accept(data.getBytes(StandardCharsets.UTF_8));
                        }
                    }
                }
            } finally {
                c.rollback();
            }
        }
    }

    /** The data as JSON text when it is JSON (events carry JSON); null otherwise. */
    private static String jsonOrNull(byte[] data) {
        if (data == null || data.length == 0) {
            return null;
        }
        try {
            Json.tree(data);
            return new String(data, StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            return null;
        }
    }
}
