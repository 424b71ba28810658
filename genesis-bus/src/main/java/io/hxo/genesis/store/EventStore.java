package io.hxo.genesis.store;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.util.RawValue;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.json.JsonbText;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.HistoryPage;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.runtime.feed.TopicPattern;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * The event store and the dead-letter table in schema {@code genesis}, on the reactive PostgreSQL
 * client. Every method returns a {@link Uni} and blocks no thread; the work that costs CPU (checking
 * each event's data before the insert, building a history page's JSON) runs on the worker pool, not
 * on the connection's event loop.
 */
@ApplicationScoped
public class EventStore {
    /** Session lock key serialising store transactions across bus instances, so commit order is seq order. */
    private static final long STORE_ORDER_LOCK = 0x6878_6f5f_6665_6564L;
    private static final String LOCK = "SELECT pg_advisory_lock(" + STORE_ORDER_LOCK + ")";
    private static final String UNLOCK = "SELECT pg_advisory_unlock(" + STORE_ORDER_LOCK + ")";

    /**
     * A batch and its dead letters in one statement, which commits itself: its snapshot, taken after
     * the order lock, gives the highest sequence number stored before it ({@code prev}); the events
     * go in in arrival order, skipping any already stored (same source and id); the dead letters go
     * in with them or not at all.
     */
    static final String INSERT = """
            WITH prev AS (SELECT coalesce(max(seq), 0) AS seq FROM genesis.events),
            added AS (
                INSERT INTO genesis.events (source, id, topic, type, subject, time, correlation_id, causation_id,
                                            kafka_partition, kafka_offset, data)
                SELECT s, i, tp, ty, su, ti, co, ca, pa, os, d::jsonb
                FROM unnest($1::text[], $2::text[], $3::text[], $4::text[], $5::text[], $6::timestamptz[],
                            $7::text[], $8::text[], $9::int[], $10::bigint[], $11::text[])
                     WITH ORDINALITY AS t(s, i, tp, ty, su, ti, co, ca, pa, os, d, ord)
                ORDER BY ord
                ON CONFLICT ON CONSTRAINT events_once DO NOTHING
                RETURNING seq, source, id),
            letters AS (
                INSERT INTO genesis.dead_letters (reason, topic, kafka_partition, kafka_offset, consumer, consumer_group,
                        event_id, event_source, event_type, record_key, headers, value_base64, refused_at)
                SELECT re, tp, pa, os, cs, gr, ei, es, et, rk, he::jsonb, vb, ra
                FROM unnest($12::text[], $13::text[], $14::int[], $15::bigint[], $16::text[], $17::text[],
                            $18::text[], $19::text[], $20::text[], $21::text[], $22::text[], $23::text[],
                            $24::timestamptz[]) AS l(re, tp, pa, os, cs, gr, ei, es, et, rk, he, vb, ra)
                ON CONFLICT ON CONSTRAINT dead_letters_once DO NOTHING)
            SELECT added.seq, added.source, added.id, prev.seq FROM added CROSS JOIN prev""";

    /** A subject's events of one topic in store order, a page at a time; index {@code events_subject_topic} answers it (V3). */
    public static final String SUBJECT_TOPIC_SQL = """
            SELECT seq, convert_to(data::text, 'UTF8') FROM genesis.events
            WHERE subject = $1 AND topic = $2 AND seq > $3 ORDER BY seq LIMIT $4""";

    private final Pool pool;

    public EventStore(Pool pool) {
        this.pool = pool;
    }

    /** An event as consumed, with where it came from. */
    public record Incoming(String topic, int partition, long offset, CloudEvent event) {
    }

    /** A dead letter as consumed from {@code genesis.dlq}. */
    public record Refused(DeadLetter letter) {
    }

    /**
     * Stores a batch (and its dead letters) in one statement, in arrival order. An event already
     * stored (same source and id) is skipped, so redelivery never duplicates. After the commit, and
     * before another bus instance may store anything, {@code committed} receives what was new, in
     * sequence order, and the order lock is held until the {@code Uni} it returns completes; so
     * whatever it publishes follows the store's order exactly. Emits what was new.
     *
     * <p>The lock and the insert are pipelined (sent together on one connection; PostgreSQL runs the
     * insert once the lock is granted), so a batch costs two round trips: lock with insert, unlock.
     */
    public Uni<FeedBatch> store(List<Incoming> events, List<Refused> refused,
            Function<FeedBatch, Uni<Void>> committed) {
        return Uni.createFrom().item(() -> Batch.of(events, refused))
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(batch -> pool.withConnection(conn -> lockAndInsert(conn, batch)
                        .call(added -> added.events().isEmpty() ? Uni.createFrom().voidItem() : committed.apply(added))
                        .eventually(() -> conn.query(UNLOCK).execute())));
    }

    private static Uni<FeedBatch> lockAndInsert(SqlConnection conn, Batch batch) {
        Uni<RowSet<Row>> lock = conn.query(LOCK).execute();
        Uni<RowSet<Row>> insert = conn.preparedQuery(INSERT).execute(batch.tuple);
        return Uni.combine().all().unis(lock, insert).collectFailures().asTuple()
                .map(done -> batch.added(done.getItem2()));
    }

    /** A batch as the insert binds it: one array per column, the events' data checked once. */
    private static final class Batch {
        final List<Incoming> events;
        final String[] data;
        final Tuple tuple;

        private Batch(List<Incoming> events, String[] data, Tuple tuple) {
            this.events = events;
            this.data = data;
            this.tuple = tuple;
        }

        static Batch of(List<Incoming> events, List<Refused> refused) {
            int n = events.size();
            String[] sources = new String[n];
            String[] ids = new String[n];
            String[] topics = new String[n];
            String[] types = new String[n];
            String[] subjects = new String[n];
            OffsetDateTime[] times = new OffsetDateTime[n];
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
                times[i] = ev.time().atOffset(ZoneOffset.UTC);
                correlations[i] = ev.correlationId();
                causations[i] = ev.causationId();
                partitions[i] = in.partition();
                offsets[i] = in.offset();
                data[i] = jsonOrNull(ev.data());
            }
            int m = refused.size();
            String[] reasons = new String[m];
            String[] lTopics = new String[m];
            Integer[] lPartitions = new Integer[m];
            Long[] lOffsets = new Long[m];
            String[] consumers = new String[m];
            String[] groups = new String[m];
            String[] eventIds = new String[m];
            String[] eventSources = new String[m];
            String[] eventTypes = new String[m];
            String[] keys = new String[m];
            String[] headers = new String[m];
            String[] values = new String[m];
            OffsetDateTime[] refusedAt = new OffsetDateTime[m];
            for (int i = 0; i < m; i++) {
                DeadLetter d = refused.get(i).letter();
                reasons[i] = d.reason();
                lTopics[i] = d.topic();
                lPartitions[i] = d.partition();
                lOffsets[i] = d.offset();
                consumers[i] = d.consumer() == null ? "unknown" : d.consumer();
                groups[i] = d.group();
                eventIds[i] = d.eventId();
                eventSources[i] = d.eventSource();
                eventTypes[i] = d.eventType();
                keys[i] = d.key();
                headers[i] = d.headers() == null ? null : Json.text(d.headers());
                values[i] = d.valueBase64();
                refusedAt[i] = d.refusedAt() == null ? null : d.refusedAt().atOffset(ZoneOffset.UTC);
            }
            Tuple t = Tuple.tuple().addArrayOfString(sources).addArrayOfString(ids).addArrayOfString(topics)
                    .addArrayOfString(types).addArrayOfString(subjects).addArrayOfOffsetDateTime(times)
                    .addArrayOfString(correlations).addArrayOfString(causations).addArrayOfInteger(partitions)
                    .addArrayOfLong(offsets).addArrayOfString(data)
                    .addArrayOfString(reasons).addArrayOfString(lTopics).addArrayOfInteger(lPartitions)
                    .addArrayOfLong(lOffsets).addArrayOfString(consumers).addArrayOfString(groups)
                    .addArrayOfString(eventIds).addArrayOfString(eventSources).addArrayOfString(eventTypes)
                    .addArrayOfString(keys).addArrayOfString(headers).addArrayOfString(values)
                    .addArrayOfOffsetDateTime(refusedAt);
            return new Batch(events, data, t);
        }

        /** What the insert returned, as stored, in sequence order, after {@code prev} (-1 when nothing was new). */
        FeedBatch added(RowSet<Row> rows) {
            Map<String, Integer> byKey = new HashMap<>(events.size() * 2);
            for (int i = 0; i < events.size(); i++) {
                byKey.putIfAbsent(events.get(i).event().source() + "\u0000" + events.get(i).event().id(), i);
            }
            List<StoredEvent> stored = new ArrayList<>(rows.size());
            long prev = -1;
            for (Row row : rows) {
                int i = byKey.get(row.getString(1) + "\u0000" + row.getString(2));
                stored.add(stored(row.getLong(0), events.get(i).topic(), events.get(i).event(), data[i]));
                prev = row.getLong(3);
            }
            stored.sort(Comparator.comparingLong(StoredEvent::seq));
            return new FeedBatch(prev, stored);
        }
    }

    /** A page of one subject's event data of one topic, as stored, and the sequence number it reached. */
    public record DataPage(List<byte[]> data, long lastSeq, boolean full) {
    }

    /**
     * Up to {@code limit} events of a topic about a subject with a sequence number above
     * {@code afterSeq}, in store order: their data as the stored JSON text's UTF-8 bytes (sent by
     * PostgreSQL as they are, never decoded into a String of a 2,000-leaf document only to be
     * encoded again). {@code full} says the page was full, so there may be more after
     * {@code lastSeq}; {@code lastSeq} is {@code afterSeq} when there was nothing.
     */
    public Uni<DataPage> dataAfter(String topic, String subject, long afterSeq, int limit) {
        return pool.preparedQuery(SUBJECT_TOPIC_SQL).execute(Tuple.of(subject, topic, afterSeq, (long) limit)).map(rows -> {
            List<byte[]> out = new ArrayList<>(rows.size());
            long last = afterSeq;
            for (Row row : rows) {
                last = row.getLong(0);
                var bytes = row.getBuffer(1);
                if (bytes != null) {
                    out.add(bytes.getBytes());
                }
            }
            return new DataPage(out, last, rows.size() == limit);
        });
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
     * The high-water mark is read first, in the same pipeline: everything up to it is committed and
     * visible to the page's query; a row past it waits for the next page.
     */
    public Uni<HistoryPage> history(TopicPattern pattern, long after, Instant from, Instant to, int limit,
            int maxBytes) {
        // The reactive client holds a whole result in memory: the page is also cut in SQL by the data's
        // stored size, or a page of 1,000 leaf events (~200 KB each) ran the bus's heap out of memory.
        // The row that crosses the bound is kept (a page always has one) and flags that more may follow.
        StringBuilder sql = new StringBuilder("""
                SELECT seq, topic, type, source, id, subject, time, data::text, upto > $2 FROM (
                  SELECT seq, topic, type, source, id, subject, time, data, coalesce(pg_column_size(data), 0) AS size,
                         sum(coalesce(pg_column_size(data), 0)) OVER (ORDER BY seq) AS upto
                  FROM genesis.events WHERE seq > $1""");
        List<Object> params = new ArrayList<>();
        params.add(after);
        params.add((long) maxBytes);
        if (pattern.isPrefix()) {
            params.add(pattern.prefix());
            sql.append(" AND starts_with(topic, $").append(params.size()).append(')');
        } else if (!pattern.isAll()) {
            params.add(pattern.text());
            sql.append(" AND topic = $").append(params.size());
        }
        if (from != null) {
            params.add(from.atOffset(ZoneOffset.UTC));
            sql.append(" AND time >= $").append(params.size());
        }
        if (to != null) {
            params.add(to.atOffset(ZoneOffset.UTC));
            sql.append(" AND time < $").append(params.size());
        }
        params.add(limit + 1L);
        sql.append(" ORDER BY seq LIMIT $").append(params.size()).append(") page WHERE upto - size <= $2 ORDER BY seq");
        return pool.withConnection(conn -> Uni.combine().all()
                .unis(conn.query("SELECT coalesce(max(seq), 0) FROM genesis.events").execute(),
                        conn.preparedQuery(sql.toString()).execute(Tuple.from(params)))
                .collectFailures().asTuple())
                .emitOn(Infrastructure.getDefaultWorkerPool()) // the page's JSON is built off the event loop
                .map(done -> page(done.getItem1().iterator().next().getLong(0), done.getItem2(), after, limit, maxBytes))
                .onFailure().transform(StoreUnavailableException::new);
    }

    private static HistoryPage page(long through, RowSet<Row> rows, long after, int limit, int maxBytes) {
        List<StoredEvent> out = new ArrayList<>();
        long bytes = 0;
        boolean cut = false;
        for (Row row : rows) {
            if (out.size() == limit || (bytes > maxBytes && !out.isEmpty())) {
                return new HistoryPage(out, true, out.get(out.size() - 1).seq(), "store");
            }
            long seq = row.getLong(0);
            if (seq > through) {
                break; // committed after the mark was read: the next page has it
            }
            String data = row.getString(7);
            bytes += data == null ? 0 : data.length();
            cut = row.getBoolean(8);
            out.add(new StoredEvent(seq, row.getString(1), row.getString(2), row.getString(3), row.getString(4),
                    row.getString(5), row.getOffsetDateTime(6).toInstant(), data == null ? null : Json.tree(data)));
        }
        if (cut) {
            return new HistoryPage(out, true, out.get(out.size() - 1).seq(), "store"); // the SQL cut the page
        }
        return new HistoryPage(out, false, Math.max(through, after), "store");
    }

    /**
     * Figures for the bus metrics: per-topic totals and last-minute counts, store size (the reactive
     * client), dead letters by reason (Panache, so a Vert.x context is needed: await it with
     * {@code VertxContextSupport.subscribeAndAwait}).
     */
    public Uni<Map<String, Object>> figures() {
        return pool.withConnection(conn -> Uni.combine().all().unis(
                conn.query("""
                        SELECT topic, count(*), count(*) FILTER (WHERE stored_at > now() - interval '60 seconds')
                        FROM genesis.events GROUP BY topic""").execute(),
                conn.query("""
                        SELECT (SELECT count(*) FROM genesis.events), coalesce((SELECT max(seq) FROM genesis.events), 0),
                               pg_total_relation_size('genesis.events')""").execute(),
                DeadLetterEntity.countByReason())
                .collectFailures().asTuple())
                .map(done -> {
                    Map<String, Object> out = new LinkedHashMap<>();
                    Map<String, Object> topics = new TreeMap<>();
                    for (Row row : done.getItem1()) {
                        topics.put(row.getString(0), Map.of("total", row.getLong(1),
                                "per_second", Math.round(row.getLong(2) / 60.0 * 100) / 100.0));
                    }
                    out.put("topics", topics);
                    Row store = done.getItem2().iterator().next();
                    out.put("store", Map.of("events", store.getLong(0), "last_seq", store.getLong(1),
                            "bytes", store.getLong(2)));
                    out.put("dead_letters", done.getItem3());
                    return out;
                })
                .onFailure().transform(StoreUnavailableException::new);
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
