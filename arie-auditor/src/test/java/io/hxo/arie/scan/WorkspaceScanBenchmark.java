package io.hxo.arie.scan;

import io.hxo.arie.rules.RuleSet;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.TreeMap;
import java.util.stream.Collectors;
import java.util.stream.Stream;

/**
 * Times a workspace scan of a generated tree (a program, not a test: timings do not belong in
 * assertions). The tree: {@code files} files in directories of 100 — source-like text (1-8 KiB),
 * properties and markdown, binaries (8-64 KiB), copies of earlier files, two 6 MiB dumps, and four
 * planted problems (a PEM key, an AWS key id, a .env file, a hard-coded token).
 *
 * <pre>
 * ./mvnw -B -ntp -o -pl arie-auditor -am test-compile
 * ./mvnw -B -ntp -o -q -pl arie-auditor dependency:build-classpath -Dmdep.outputFile=/tmp/arie-cp.txt
 * java -cp arie-auditor/target/test-classes:arie-auditor/target/classes:$(cat /tmp/arie-cp.txt) \
 *     io.hxo.arie.scan.WorkspaceScanBenchmark 10000 5
 * </pre>
 */
public final class WorkspaceScanBenchmark {
    private static final String[] WORDS = {"plan", "shard", "merkle", "root", "vote", "deploy", "artifact",
        "checkpoint", "partition", "executor", "consensus", "harmonic", "ledger", "event", "topic", "schema",
        "cacheKey", "tokenBucket", "secretRef"}; // names the secret rule has to look at, and dismiss

    public static void main(String[] args) throws IOException {
        int files = args.length > 0 ? Integer.parseInt(args[0]) : 10_000;
        int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
        Path root = Files.createTempDirectory("arie-bench-");
        try {
            long genStart = System.nanoTime();
            long bytes = generate(root, files, new Random(42));
            System.out.printf(Locale.ROOT, "generated %,d files, %.1f MiB in %s (%.1f s)%n", files,
                    bytes / 1048576.0, root, (System.nanoTime() - genStart) / 1e9);
            System.out.printf(Locale.ROOT, "cores %d, max heap %d MiB, Java %s%n",
                    Runtime.getRuntime().availableProcessors(), Runtime.getRuntime().maxMemory() >> 20,
                    System.getProperty("java.version"));

            for (int parallelism : new int[] {Runtime.getRuntime().availableProcessors(), 1}) {
                Auditor auditor = new Auditor(RuleSet.builtin(), ScanOptions.defaults().withParallelism(parallelism));
                ScanResult warm = auditor.scanWorkspace(root); // JIT warm-up, page cache already warm
                double[] ms = new double[rounds];
                for (int i = 0; i < rounds; i++) {
                    long t = System.nanoTime();
                    ScanResult r = auditor.scanWorkspace(root);
                    ms[i] = (System.nanoTime() - t) / 1e6;
                    if (!r.findings().equals(warm.findings())) {
                        throw new IllegalStateException("a re-scan found something else");
                    }
                }
                Arrays.sort(ms);
                Map<String, Long> byRule = warm.findings().stream()
                        .collect(Collectors.groupingBy(Finding::ruleId, TreeMap::new, Collectors.counting()));
                System.out.printf(Locale.ROOT,
                        "parallelism %d: median %.0f ms, min %.0f ms, max %.0f ms over %d scans; first scan %d ms; "
                                + "%,d files (%,d binary), %.1f MiB read; findings %s%n",
                        parallelism, ms[ms.length / 2], ms[0], ms[ms.length - 1], rounds, warm.duration().toMillis(),
                        warm.stats().files(), warm.stats().binaryFiles(), warm.stats().bytesRead() / 1048576.0, byRule);
            }
        } finally {
            try (Stream<Path> s = Files.walk(root)) {
                for (Path p : s.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(p);
                }
            }
        }
    }

    static long generate(Path root, int count, Random random) throws IOException {
        long bytes = 0;
        List<byte[]> earlier = new ArrayList<>();
        int planted = 4 + 2; // the planted problems and the two dumps are part of the count
        for (int i = 0; i < count - planted; i++) {
            Path dir = root.resolve(String.format(Locale.ROOT, "module-%03d/src", i / 100));
            Files.createDirectories(dir);
            int kind = random.nextInt(100);
            byte[] content;
            String name;
            if (kind < 70) {
                content = source(random, 1024 + random.nextInt(7 * 1024));
                name = "File" + i + ".java";
            } else if (kind < 80) {
                content = ("quarkus.datasource.password=${DB_PASSWORD}\nhxo.service=s" + i + "\n"
                        + "hxo.window=" + random.nextInt(1000) + "\n").getBytes(StandardCharsets.UTF_8);
                name = "app-" + i + ".properties";
            } else if (kind < 90) {
                content = ("# Notes " + i + "\n\n" + new String(source(random, 2048), StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8);
                name = "notes-" + i + ".md";
            } else if (kind < 95) {
                content = new byte[8 * 1024 + random.nextInt(56 * 1024)];
                random.nextBytes(content);
                content[0] = 0;
                name = "blob-" + i + ".bin";
            } else {
                content = earlier.isEmpty() ? source(random, 512) : earlier.get(random.nextInt(earlier.size()));
                name = "copy-" + i + ".java";
            }
            if (kind < 70 && earlier.size() < 200) {
                earlier.add(content);
            }
            Files.write(dir.resolve(name), content);
            bytes += content.length;
        }
        Path ops = root.resolve("ops");
        Files.createDirectories(ops);
        bytes += write(ops.resolve("deploy.pem"), "-----BEGIN RSA PRIVATE KEY-----\nnot-a-real-key\n");
        bytes += write(ops.resolve("aws.cfg"), "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n");
        bytes += write(root.resolve(".env"), "HXO_ZERO_TRUST=true\n");
        bytes += write(ops.resolve("settings.py"), "API_TOKEN = \"q8Zt4LmW9xR2vB7nK3pD5sF1\"\n");
        for (int i = 0; i < 2; i++) {
            byte[] dump = new byte[6 * 1024 * 1024];
            random.nextBytes(dump);
            Files.write(ops.resolve("dump-" + i + ".bin"), dump);
            bytes += dump.length;
        }
        return bytes;
    }

    private static long write(Path file, String text) throws IOException {
        byte[] b = text.getBytes(StandardCharsets.UTF_8);
        Files.write(file, b);
        return b.length;
    }

    private static byte[] source(Random random, int size) {
        StringBuilder sb = new StringBuilder(size + 80);
        while (sb.length() < size) {
            sb.append("    ").append(WORDS[random.nextInt(WORDS.length)]).append('.')
                    .append(WORDS[random.nextInt(WORDS.length)]).append("(\"").append(random.nextInt(100_000))
                    .append("\", ").append(WORDS[random.nextInt(WORDS.length)]).append(");\n");
        }
        return sb.toString().getBytes(StandardCharsets.UTF_8);
    }

    private WorkspaceScanBenchmark() {
    }
}
