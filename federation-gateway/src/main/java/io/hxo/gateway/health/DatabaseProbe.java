package io.hxo.gateway.health;

import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.SQLException;
import javax.sql.DataSource;

/** Is PostgreSQL reachable right now? Cached for a second; blocks for at most ~2 s. */
@ApplicationScoped
public class DatabaseProbe {
    private static final long CACHE_MS = 1000;

    private final DataSource ds;
    private volatile KafkaProbe.Check last;

    public DatabaseProbe(DataSource ds) {
        this.ds = ds;
    }

    public KafkaProbe.Check check() {
        KafkaProbe.Check c = last;
        long now = System.currentTimeMillis();
        if (c != null && now - c.at() < CACHE_MS) {
            return c;
        }
        long start = System.nanoTime();
        try (Connection conn = ds.getConnection()) {
            boolean valid = conn.isValid(2);
            c = new KafkaProbe.Check(valid, valid ? "reachable" : "connection not valid",
                    (System.nanoTime() - start) / 1_000_000, now);
        } catch (SQLException e) {
            c = new KafkaProbe.Check(false, "database unreachable: " + e.getMessage(),
                    (System.nanoTime() - start) / 1_000_000, now);
        }
        last = c;
        return c;
    }
}
