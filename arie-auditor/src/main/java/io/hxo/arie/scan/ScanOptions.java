package io.hxo.arie.scan;

import io.hxo.arie.rules.KnownDefaultSecrets;
import io.hxo.arie.rules.RuleContext;
import java.time.Clock;
import java.util.List;
import java.util.Set;

/**
 * How a scan runs. The keys named below are the ones proposed for the service's configuration; the
 * wiring maps them here.
 *
 * @param maxFileBytes        files larger than this are oversized ({@code arie.scan.max-file-bytes}, 5 MiB)
 * @param maxReadBytes        bytes of each file searched for secrets ({@code arie.scan.max-read-bytes}, 1 MiB);
 *                            duplicates are still found by hashing whole files
 * @param parallelism         files read at once ({@code arie.scan.parallelism}, the number of cores)
 * @param excludedDirectories directory names never entered, at any depth (VCS metadata by default)
 * @param maxSecretAgeDays    rotation limit for SECRET_KEY and SEED_SECRET ({@code arie.secret-max-age-days}, 90)
 * @param extraDefaultSecrets more well-known secret values to refuse, besides {@link KnownDefaultSecrets}
 * @param clock               the scan's time
 */
public record ScanOptions(long maxFileBytes, int maxReadBytes, int parallelism, Set<String> excludedDirectories,
        int maxSecretAgeDays, List<String> extraDefaultSecrets, Clock clock) {
    public static final long DEFAULT_MAX_FILE_BYTES = 5L * 1024 * 1024;
    public static final int DEFAULT_MAX_READ_BYTES = 1024 * 1024;
    public static final Set<String> DEFAULT_EXCLUDED_DIRECTORIES = Set.of(".git", ".hg", ".svn");
    public static final int DEFAULT_MAX_SECRET_AGE_DAYS = 90;

    public ScanOptions {
        if (maxFileBytes < 1 || maxReadBytes < 1 || parallelism < 1 || maxSecretAgeDays < 1) {
            throw new IllegalArgumentException("max-file-bytes, max-read-bytes, parallelism and secret-max-age-days "
                    + "must be positive");
        }
        excludedDirectories = Set.copyOf(excludedDirectories);
        extraDefaultSecrets = List.copyOf(extraDefaultSecrets);
        if (clock == null) {
            throw new IllegalArgumentException("clock is required");
        }
    }

    public static ScanOptions defaults() {
        return new ScanOptions(DEFAULT_MAX_FILE_BYTES, DEFAULT_MAX_READ_BYTES,
                Math.max(1, Runtime.getRuntime().availableProcessors()), DEFAULT_EXCLUDED_DIRECTORIES,
                DEFAULT_MAX_SECRET_AGE_DAYS, List.of(), Clock.systemUTC());
    }

    public ScanOptions withMaxFileBytes(long value) {
        return new ScanOptions(value, maxReadBytes, parallelism, excludedDirectories, maxSecretAgeDays,
                extraDefaultSecrets, clock);
    }

    public ScanOptions withMaxReadBytes(int value) {
        return new ScanOptions(maxFileBytes, value, parallelism, excludedDirectories, maxSecretAgeDays,
                extraDefaultSecrets, clock);
    }

    public ScanOptions withParallelism(int value) {
        return new ScanOptions(maxFileBytes, maxReadBytes, value, excludedDirectories, maxSecretAgeDays,
                extraDefaultSecrets, clock);
    }

    public ScanOptions withExcludedDirectories(Set<String> value) {
        return new ScanOptions(maxFileBytes, maxReadBytes, parallelism, value, maxSecretAgeDays,
                extraDefaultSecrets, clock);
    }

    public ScanOptions withMaxSecretAgeDays(int value) {
        return new ScanOptions(maxFileBytes, maxReadBytes, parallelism, excludedDirectories, value,
                extraDefaultSecrets, clock);
    }

    public ScanOptions withExtraDefaultSecrets(List<String> value) {
        return new ScanOptions(maxFileBytes, maxReadBytes, parallelism, excludedDirectories, maxSecretAgeDays,
                value, clock);
    }

    public ScanOptions withClock(Clock value) {
        return new ScanOptions(maxFileBytes, maxReadBytes, parallelism, excludedDirectories, maxSecretAgeDays,
                extraDefaultSecrets, value);
    }

    /** What the rules see, at the clock's current instant. */
    public RuleContext ruleContext() {
        return new RuleContext(clock.instant(), maxSecretAgeDays, maxFileBytes,
                KnownDefaultSecrets.fingerprints(extraDefaultSecrets));
    }
}
