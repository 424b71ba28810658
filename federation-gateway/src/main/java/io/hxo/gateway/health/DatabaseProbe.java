package io.hxo.gateway.health;

import io.vertx.mutiny.sqlclient.Pool;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;

/**
 * Is PostgreSQL reachable right now? One {@code SELECT 1} on the reactive client's pool, cached for
 * a second; blocks for at most ~2 s, so call it from a worker thread (the health and db-health
 * resources are blocking endpoints). The gateway keeps no state of its own in tables; Flyway alone
 * has a JDBC datasource, for the {@code federation} schema's migrations.
 */
@ApplicationScoped
public class DatabaseProbe {
    private static final long CACHE_MS = 1000;
    private static final Duration TIMEOUT = Duration.ofSeconds(2);

    private final Pool pool;
    private volatile KafkaProbe.Check last;

    public DatabaseProbe(Pool pool) {
        this.pool = pool;
    }

    public KafkaProbe.Check check() {
        KafkaProbe.Check c = last;
        long now = System.currentTimeMillis();
        if (c != null && now - c.at() < CACHE_MS) {
            return c;
        }
        long start = System.nanoTime();
        try {
            int rows = pool.query("SELECT 1").execute().await().atMost(TIMEOUT).size();
            c = new KafkaProbe.Check(rows == 1, rows == 1 ? "reachable" : "unexpected answer",
                    (System.nanoTime() - start) / 1_000_000, now);
        } catch (RuntimeException e) {
            Throwable cause = e.getCause() != null && e.getMessage() == null ? e.getCause() : e;
            c = new KafkaProbe.Check(false, "database unreachable: " + (cause.getMessage() == null
                    ? cause.getClass().getSimpleName() : cause.getMessage()), (System.nanoTime() - start) / 1_000_000, now);
        }
        last = c;
        return c;
    }
}
