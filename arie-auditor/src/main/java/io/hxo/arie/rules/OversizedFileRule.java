package io.hxo.arie.rules;

import java.util.Locale;
import java.util.Optional;

/** A file larger than the limit ({@code arie.scan.max-file-bytes}, 5 MiB by default). */
final class OversizedFileRule implements FileRule {
    private final RuleInfo info = new RuleInfo(WorkspaceRules.OVERSIZED_FILE, Severity.LOW, RuleScope.WORKSPACE,
            "A file is larger than the size limit; large blobs (dumps, archives, models) rarely belong in a "
                    + "workspace and are only partly searched for secrets.",
            "Remove the file or move it to the artifact store or Git LFS; raise arie.scan.max-file-bytes if it "
                    + "belongs.");

    @Override
    public RuleInfo info() {
        return info;
    }

    @Override
    public Optional<Hit> check(String path, long size, RuleContext context) {
        if (size <= context.maxFileBytes()) {
            return Optional.empty();
        }
        return Optional.of(new Hit(Location.inFile(path, 1), String.format(Locale.ROOT,
                "%s is %s, over the %s limit.", path, bytes(size), bytes(context.maxFileBytes())),
                "over:" + context.maxFileBytes()));
    }

    static String bytes(long n) {
        if (n < 1024) {
            return n + " B";
        }
        if (n < 1024 * 1024) {
            return String.format(Locale.ROOT, "%.1f KiB", n / 1024.0);
        }
        return String.format(Locale.ROOT, "%.1f MiB", n / (1024.0 * 1024));
    }
}
