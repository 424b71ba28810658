package io.hxo.planner.checkpoint;

import io.hxo.runtime.blocking.Awaiting;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * Where the planner's synchronous code (the owner thread, the query threads, the shard workers) meets
 * the reactive stack: it waits ({@link Awaiting}) for a reactive-client statement or a Panache
 * transaction and turns a database failure into a {@link StoreException}
 * ({@link StoreException#classified}). Waiting is fine on those threads; called on an event loop it
 * throws {@link IllegalStateException} at once (not a store failure, so nothing retries it), and the
 * caller fails loudly instead of stalling the loop.
 */
public final class Sql {
    private final Pool pool;

    public Sql(Pool pool) {
        this.pool = pool;
    }

    /** Runs {@code work} in one transaction on one connection and waits for its commit. */
    public <T> T inTransaction(Function<SqlConnection, Uni<T>> work) {
        return await(pool.withTransaction(work));
    }

    /** One statement, its rows. */
    public RowSet<Row> rows(String sql, Tuple args) {
        return await(pool.preparedQuery(sql).execute(args));
    }

    /** One statement, mapped row by row. */
    public <T> List<T> list(String sql, Tuple args, Function<Row, T> map) {
        List<T> out = new ArrayList<>();
        rows(sql, args).forEach(r -> out.add(map.apply(r)));
        return out;
    }

    /** One statement, its first row mapped. */
    public <T> Optional<T> first(String sql, Tuple args, Function<Row, T> map) {
        RowSet<Row> rows = rows(sql, args);
        return rows.iterator().hasNext() ? Optional.ofNullable(map.apply(rows.iterator().next())) : Optional.empty();
    }

    /** One statement, the rows it changed. */
    public int update(String sql, Tuple args) {
        return rows(sql, args).rowCount();
    }

    /**
     * A Panache unit of work in its own transaction, waited for on this thread ({@link Awaiting#onContext}:
     * Hibernate Reactive runs on a Vert.x context, which the calling thread has not).
     */
    public static <T> T panache(Supplier<Uni<T>> work) {
        return Awaiting.onContext(() -> Panache.withTransaction(work), StoreException::classified);
    }

    /**
     * A Panache read in a session without a transaction, waited for on this thread: its statements run
     * in autocommit, one round trip each, where {@link #panache} adds a BEGIN and a COMMIT (and a flush)
     * around them. For lookups that change nothing and need no snapshot across statements.
     */
    public static <T> T panacheRead(Supplier<Uni<T>> work) {
        return Awaiting.onContext(() -> Panache.withSession(work), StoreException::classified);
    }

    /** Waits for {@code uni}; its database failures become a {@link StoreException}. */
    public static <T> T await(Uni<T> uni) {
        return Awaiting.await(uni, StoreException::classified);
    }

    /** A statement's parameters; any of them may be null. */
    public static Tuple row(Object... values) {
        return Tuple.from(values);
    }

    /** A {@code bytea} parameter. */
    public static io.vertx.core.buffer.Buffer bytes(byte[] value) {
        return value == null ? null : io.vertx.core.buffer.Buffer.buffer(value);
    }

    /** A {@code bytea[]} parameter. */
    public static io.vertx.core.buffer.Buffer[] bytes(List<byte[]> values) {
        io.vertx.core.buffer.Buffer[] out = new io.vertx.core.buffer.Buffer[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = bytes(values.get(i));
        }
        return out;
    }

    public static OffsetDateTime at(Instant t) {
        return t == null ? null : OffsetDateTime.ofInstant(t, ZoneOffset.UTC);
    }

    public static Instant instant(Row row, String column) {
        OffsetDateTime t = row.getOffsetDateTime(column);
        return t == null ? null : t.toInstant();
    }
}
