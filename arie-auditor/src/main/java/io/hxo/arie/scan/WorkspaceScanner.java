package io.hxo.arie.scan;

import io.hxo.arie.rules.ContentRule;
import io.hxo.arie.rules.CrossFileRule;
import io.hxo.arie.rules.CrossFileRule.FileDigest;
import io.hxo.arie.rules.FileRule;
import io.hxo.arie.rules.Hit;
import io.hxo.arie.rules.Location;
import io.hxo.arie.rules.RuleContext;
import io.hxo.arie.rules.RuleSet;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitOption;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ForkJoinPool;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;

/**
 * Runs the workspace rules over a directory. Read-only: files are opened for reading and nothing
 * else. One walk lists the files (symlinks are not followed, excluded directories not entered); then
 * {@code parallelism} workers each take a file, run the path and size rules, read at most
 * {@code maxReadBytes} of it for the content rules (files with a NUL byte in their first 8,000 bytes
 * are binary and skipped), and hash it whole if another file has the same size (only then can it
 * have a twin). The cross-file rules run last, over those digests.
 */
public final class WorkspaceScanner {
    static final int BINARY_SNIFF_BYTES = 8000;
    private static final int HASH_BUFFER = 64 * 1024;

    private final List<FileRule> fileRules;
    private final List<ContentRule> specificRules;
    private final List<ContentRule> genericRules;
    private final List<CrossFileRule> crossFileRules;
    private final ScanOptions options;

    public WorkspaceScanner(RuleSet rules, ScanOptions options) {
        this.fileRules = rules.ofType(FileRule.class);
        this.specificRules = rules.ofType(ContentRule.class).stream().filter(r -> !r.generic()).toList();
        this.genericRules = rules.ofType(ContentRule.class).stream().filter(ContentRule::generic).toList();
        this.crossFileRules = rules.ofType(CrossFileRule.class);
        this.options = options;
    }

    public ScanResult scan(Path root) throws IOException {
        Instant start = options.clock().instant();
        Path base = root.toAbsolutePath().normalize();
        if (!Files.isDirectory(base)) {
            throw new NotDirectoryException(base.toString());
        }
        Run run = new Run(options.ruleContext());
        List<WorkspaceFile> files = run.list(base);
        Map<Long, Integer> sizes = new HashMap<>();
        files.forEach(f -> sizes.merge(f.size(), 1, Integer::sum));

        ForkJoinPool pool = new ForkJoinPool(options.parallelism());
        try {
            pool.submit(() -> files.parallelStream().forEach(f -> run.visit(f,
                    !crossFileRules.isEmpty() && f.size() > 0 && sizes.get(f.size()) > 1))).get();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("scan of " + base + " interrupted", e);
        } catch (ExecutionException e) {
            if (e.getCause() instanceof UncheckedIOException u) {
                throw u.getCause();
            }
            throw e.getCause() instanceof RuntimeException r ? r : new IllegalStateException(e.getCause());
        } finally {
            pool.shutdown();
        }

        return finish(run, "workspace " + base, base.toString(), start, files.size());
    }

    /**
     * The same rules over files that are not on this machine: a deployment's packed files, page by
     * page as they arrive ({@code pages} may throw while fetching one; the scan then fails). The
     * duplicate rule compares the digests the files came with. Paths are the deployment's own, so the
     * result has no local root.
     */
    public ScanResult scanPacked(String target, Iterator<List<PackedFile>> pages) {
        Instant start = options.clock().instant();
        Run run = new Run(options.ruleContext());
        int files = 0;
        while (pages.hasNext()) {
            for (PackedFile f : pages.next()) {
                run.visit(f);
                files++;
            }
        }
        return finish(run, target, null, start, files);
    }

    private ScanResult finish(Run run, String target, String root, Instant start, int files) {
        List<FileDigest> digests = new ArrayList<>(run.digests);
        digests.sort(Comparator.comparing(FileDigest::path));
        List<Fingerprints.RuleHit> hits = new ArrayList<>(run.hits);
        for (CrossFileRule rule : crossFileRules) {
            rule.check(digests).forEach(h -> hits.add(new Fingerprints.RuleHit(rule.info(), h)));
        }
        return new ScanResult(target, root, start, options.clock().instant(), Fingerprints.findings(hits),
                new ScanResult.Stats(0, files, run.binary.get(), run.unreadable.get(), run.bytesRead.sum()));
    }

    /**
     * A file known by its path, size and content digest, with its content when it travelled
     * ({@code null}: too large to send, or gone; the content rules then skip it).
     */
    public record PackedFile(String path, long size, String digest, byte[] content) {
    }

    private record WorkspaceFile(Path file, String path, long size) {
    }

    /** The state of one scan, shared by its workers. */
    private final class Run {
        final RuleContext context;
        final ConcurrentLinkedQueue<Fingerprints.RuleHit> hits = new ConcurrentLinkedQueue<>();
        final ConcurrentLinkedQueue<FileDigest> digests = new ConcurrentLinkedQueue<>();
        final AtomicInteger binary = new AtomicInteger();
        final AtomicInteger unreadable = new AtomicInteger();
        final LongAdder bytesRead = new LongAdder();

        Run(RuleContext context) {
            this.context = context;
        }

        List<WorkspaceFile> list(Path base) throws IOException {
            List<WorkspaceFile> out = new ArrayList<>();
            Files.walkFileTree(base, EnumSet.noneOf(FileVisitOption.class), Integer.MAX_VALUE,
                    new SimpleFileVisitor<>() {
                        @Override
                        public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                            return !dir.equals(base) && options.excludedDirectories().contains(
                                    dir.getFileName().toString()) ? FileVisitResult.SKIP_SUBTREE : FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                            if (attrs.isRegularFile()) {
                                out.add(new WorkspaceFile(file, relative(base, file), attrs.size()));
                            }
                            return FileVisitResult.CONTINUE;
                        }

                        @Override
                        public FileVisitResult visitFileFailed(Path file, IOException exc) {
                            unreadable.incrementAndGet();
                            return FileVisitResult.CONTINUE;
                        }
                    });
            out.sort(Comparator.comparing(WorkspaceFile::path));
            return out;
        }

        void visit(WorkspaceFile f, boolean digest) {
            List<Fingerprints.RuleHit> found = pathRules(f.path(), f.size());
            boolean content = hasContentRules();
            if (content || digest) {
                try (InputStream in = Files.newInputStream(f.file())) {
                    byte[] head = in.readNBytes(content ? options.maxReadBytes() : 0);
                    bytesRead.add(head.length);
                    if (digest) {
                        digests.add(new FileDigest(f.path(), f.size(), sha256(head, in)));
                    }
                    if (content) {
                        searchHead(f.path(), head, found);
                    }
                } catch (IOException e) {
                    unreadable.incrementAndGet();
                }
            }
            hits.addAll(found);
        }

        /** A file that arrived with its content (or without it, when too large or gone). */
        void visit(PackedFile f) {
            List<Fingerprints.RuleHit> found = pathRules(f.path(), f.size());
            if (f.digest() != null && f.size() > 0) {
                digests.add(new FileDigest(f.path(), f.size(), f.digest()));
            }
            if (hasContentRules()) {
                if (f.content() == null) {
                    unreadable.incrementAndGet();
                } else {
                    byte[] head = f.content().length <= options.maxReadBytes() ? f.content()
                            : Arrays.copyOf(f.content(), options.maxReadBytes());
                    bytesRead.add(head.length);
                    searchHead(f.path(), head, found);
                }
            }
            hits.addAll(found);
        }

        private List<Fingerprints.RuleHit> pathRules(String path, long size) {
            List<Fingerprints.RuleHit> found = new ArrayList<>();
            for (FileRule rule : fileRules) {
                rule.check(path, size, context).ifPresent(h -> found.add(new Fingerprints.RuleHit(rule.info(), h)));
            }
            return found;
        }

        private boolean hasContentRules() {
            return !specificRules.isEmpty() || !genericRules.isEmpty();
        }

        private void searchHead(String path, byte[] head, List<Fingerprints.RuleHit> found) {
            if (isBinary(head)) {
                binary.incrementAndGet();
            } else {
                searchText(path, new String(head, StandardCharsets.UTF_8), found);
            }
        }

        private String sha256(byte[] head, InputStream rest) throws IOException {
            MessageDigest md = HashAlg.SHA_256.newDigest();
            md.update(head);
            byte[] buf = new byte[HASH_BUFFER];
            for (int n; (n = rest.read(buf)) > 0;) {
                md.update(buf, 0, n);
                bytesRead.add(n);
            }
            return Hex.of(md.digest());
        }

        private void searchText(String path, String text, List<Fingerprints.RuleHit> found) {
            int[] lineStarts = null;
            Set<Integer> specificLines = new HashSet<>();
            for (ContentRule rule : specificRules) {
                for (ContentRule.TextMatch m : rule.find(text)) {
                    lineStarts = lineStarts == null ? lineStarts(text) : lineStarts;
                    int line = lineOf(lineStarts, m.offset());
                    specificLines.add(line);
                    found.add(new Fingerprints.RuleHit(rule.info(), new Hit(Location.inFile(path, line), m.message(),
                            m.evidence())));
                }
            }
            for (ContentRule rule : genericRules) {
                for (ContentRule.TextMatch m : rule.find(text)) {
                    lineStarts = lineStarts == null ? lineStarts(text) : lineStarts;
                    int line = lineOf(lineStarts, m.offset());
                    if (!specificLines.contains(line)) {
                        found.add(new Fingerprints.RuleHit(rule.info(), new Hit(Location.inFile(path, line),
                                m.message(), m.evidence())));
                    }
                }
            }
        }
    }

    static boolean isBinary(byte[] head) {
        int n = Math.min(head.length, BINARY_SNIFF_BYTES);
        for (int i = 0; i < n; i++) {
            if (head[i] == 0) {
                return true;
            }
        }
        return false;
    }

    /** Offsets at which each line starts. */
    static int[] lineStarts(String text) {
        int[] starts = new int[16];
        int count = 1;
        for (int i = text.indexOf('\n'); i >= 0; i = text.indexOf('\n', i + 1)) {
            if (count == starts.length) {
                starts = Arrays.copyOf(starts, count * 2);
            }
            starts[count++] = i + 1;
        }
        return Arrays.copyOf(starts, count);
    }

    /** 1-based line of a char offset. */
    static int lineOf(int[] lineStarts, int offset) {
        int i = Arrays.binarySearch(lineStarts, offset);
        return i >= 0 ? i + 1 : -i - 1;
    }

    static String relative(Path base, Path file) {
        StringBuilder sb = new StringBuilder();
        for (Path part : base.relativize(file)) {
            if (sb.length() > 0) {
                sb.append('/');
            }
            sb.append(part);
        }
        return sb.toString();
    }
}
