package io.hxo.arie.scan;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * What one scan found, and what it looked at.
 *
 * @param target        what was scanned, in words ("config of 4 services", "workspace /srv/x")
 * @param workspaceRoot the absolute directory file locations are relative to, or null for a config scan
 */
public record ScanResult(String target, String workspaceRoot, Instant startedAt, Instant finishedAt,
        List<Finding> findings, Stats stats) {

    /**
     * @param services        services whose facts were read
     * @param files           regular files seen (excluded directories and symlinks are not)
     * @param binaryFiles     files skipped by the content rules as binary
     * @param unreadableFiles files or directories that could not be read
     * @param bytesRead       bytes read (searched or hashed)
     */
    public record Stats(int services, int files, int binaryFiles, int unreadableFiles, long bytesRead) {
    }

    public ScanResult {
        findings = List.copyOf(findings);
    }

    public Duration duration() {
        return Duration.between(startedAt, finishedAt);
    }

    /** One result out of several scans (config and workspace together), findings in place order. */
    public static ScanResult combine(String target, List<ScanResult> parts) {
        if (parts.isEmpty()) {
            throw new IllegalArgumentException("nothing to combine");
        }
        List<Finding> all = new ArrayList<>();
        String root = null;
        Instant start = parts.get(0).startedAt();
        Instant end = parts.get(0).finishedAt();
        int services = 0;
        int files = 0;
        int binary = 0;
        int unreadable = 0;
        long bytes = 0;
        for (ScanResult p : parts) {
            all.addAll(p.findings());
            root = root == null ? p.workspaceRoot() : root;
            start = p.startedAt().isBefore(start) ? p.startedAt() : start;
            end = p.finishedAt().isAfter(end) ? p.finishedAt() : end;
            services += p.stats().services();
            files += p.stats().files();
            binary += p.stats().binaryFiles();
            unreadable += p.stats().unreadableFiles();
            bytes += p.stats().bytesRead();
        }
        all.sort(Comparator.comparing((Finding f) -> f.location().identity())
                .thenComparing(f -> f.location().line() == null ? 0 : f.location().line())
                .thenComparing(Finding::ruleId));
        return new ScanResult(target, root, start, end, all, new Stats(services, files, binary, unreadable, bytes));
    }
}
