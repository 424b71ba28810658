package io.hxo.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.common.Uuid;

/**
 * A single-node KRaft broker in a JVM of its own, from the jars {@code ./hxo} runs (Maven fetches
 * them into {@code deploy/kafka/lib} once, with the command {@code ./hxo} uses), configured from
 * {@code deploy/kafka/server.properties.template} on two free ports with a fresh data folder.
 */
final class KafkaBroker implements AutoCloseable {
    /** Long enough for a machine busy with other builds; a broker alone starts in ~8 s here. */
    private static final Duration READY = Duration.ofSeconds(180);

    private final Process process;
    private final Path dir;
    private final String bootstrap;

    private KafkaBroker(Process process, Path dir, String bootstrap) {
        this.process = process;
        this.dir = dir;
        this.bootstrap = bootstrap;
    }

    String bootstrap() {
        return bootstrap;
    }

    static KafkaBroker start() throws IOException, InterruptedException {
        Path root = ProjectRoot.find();
        Path kafka = root.resolve("deploy/kafka");
        Path lib = jars(root, kafka);
        int port = FreePort.pick();
        int controller = FreePort.pick();
        Path dir = Files.createTempDirectory("hxo-test-kafka-");
        Path conf = dir.resolve("server.properties");
        Files.writeString(conf, Files.readString(kafka.resolve("server.properties.template"))
                .replace("@PORT@", Integer.toString(port))
                .replace("@CONTROLLER_PORT@", Integer.toString(controller))
                .replace("@DATA_DIR@", dir.resolve("data").toString().replace('\\', '/')));
        Path log = dir.resolve("kafka.log");
        List<String> jvm = List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Dlog4j2.configurationFile=" + kafka.resolve("log4j2.properties"), "-cp",
                lib.toAbsolutePath() + java.io.File.separator + "*");
        List<String> format = new ArrayList<>(jvm);
        format.addAll(List.of("kafka.tools.StorageTool", "format", "-t", Uuid.randomUuid().toString(), "-c",
                conf.toString()));
        Process f = new ProcessBuilder(format).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!f.waitFor(60, TimeUnit.SECONDS) || f.exitValue() != 0) {
            f.destroyForcibly();
            throw new IllegalStateException("could not format the test broker's storage: " + tail(log));
        }
        List<String> run = new ArrayList<>(jvm);
        run.addAll(1, List.of("-Xms128m", "-Xmx512m", "-XX:+UseG1GC"));
        run.addAll(List.of("kafka.Kafka", conf.toString()));
        Process p = new ProcessBuilder(run).redirectErrorStream(true)
                .redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile())).start();
        KafkaBroker broker = new KafkaBroker(p, dir, "127.0.0.1:" + port);
        try {
            broker.awaitReady(log);
        } catch (RuntimeException | InterruptedException e) {
            broker.close();
            throw e;
        }
        return broker;
    }

    private void awaitReady(Path log) throws InterruptedException {
        Properties p = new Properties();
        p.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap);
        p.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, "2000");
        p.put(AdminClientConfig.RECONNECT_BACKOFF_MAX_MS_CONFIG, "500");
        long deadline = System.nanoTime() + READY.toNanos();
        try (Admin admin = Admin.create(p)) {
            while (System.nanoTime() < deadline) {
                if (!process.isAlive()) {
                    throw new IllegalStateException("the test broker exited: " + tail(log));
                }
                try {
                    if (!admin.describeCluster(new DescribeClusterOptions().timeoutMs(2000)).nodes()
                            .get(3, TimeUnit.SECONDS).isEmpty()) {
                        return;
                    }
                } catch (java.util.concurrent.ExecutionException | java.util.concurrent.TimeoutException e) {
                    Thread.sleep(250); // not listening yet: the broker takes seconds to start
                }
            }
        }
        throw new IllegalStateException("the test broker was not ready after " + READY.toSeconds() + " s: " + tail(log));
    }

    /**
     * The broker's jars, fetched once by Maven as {@code ./hxo} fetches them. Into a folder of its
     * own first, then renamed, so a fetch that fails or races another leaves no half-filled lib.
     */
    private static Path jars(Path root, Path kafka) throws IOException, InterruptedException {
        Path lib = kafka.resolve("lib");
        if (hasJars(lib)) {
            return lib;
        }
        Path lock = Path.of(System.getProperty("java.io.tmpdir"), "hxo-kafka-fetch.lock");
        try (FileChannel ch = FileChannel.open(lock, StandardOpenOption.CREATE, StandardOpenOption.WRITE);
                var held = ch.lock()) {
            if (hasJars(lib)) {
                return lib;
            }
            Path tmp = kafka.resolve("lib.fetching");
            deleteTree(tmp);
            boolean windows = System.getProperty("os.name").toLowerCase().startsWith("windows");
            Path mvnw = root.resolve(windows ? "mvnw.cmd" : "mvnw");
            Path log = Files.createTempFile("hxo-kafka-fetch-", ".log");
            Process p = new ProcessBuilder(mvnw.toString(), "-B", "-ntp", "-f", kafka.resolve("pom.xml").toString(),
                    "dependency:copy-dependencies", "-DoutputDirectory=" + tmp, "-DincludeScope=runtime")
                    .directory(root.toFile()).redirectErrorStream(true).redirectOutput(log.toFile()).start();
            if (!p.waitFor(10, TimeUnit.MINUTES) || p.exitValue() != 0) {
                p.destroyForcibly();
                throw new IllegalStateException("could not fetch the Kafka broker's jars with Maven: " + tail(log));
            }
            deleteTree(lib); // an empty or partial lib left by an interrupted fetch
            Files.move(tmp, lib, StandardCopyOption.ATOMIC_MOVE);
            return lib;
        }
    }

    private static boolean hasJars(Path lib) throws IOException {
        if (!Files.isDirectory(lib)) {
            return false;
        }
        try (Stream<Path> files = Files.list(lib)) {
            return files.anyMatch(f -> f.getFileName().toString().startsWith("kafka_2.13-"));
        }
    }

    static String tail(Path log) {
        try {
            List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
            return String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
        } catch (IOException e) {
            return "(no log: " + e.getMessage() + ")";
        }
    }

    static void deleteTree(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return;
        }
        try (Stream<Path> all = Files.walk(dir)) {
            for (Path p : all.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(p);
            }
        }
    }

    /** Stops the broker (SIGTERM, then a kill after 20 s) and removes its data. */
    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(20, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
            }
            deleteTree(dir);
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
