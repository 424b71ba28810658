package io.hxo.arie.rules;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Files with the same content (SHA-256). The first copy in path order is the original; every other
 * copy is reported, pointing at it. Empty files are never duplicates.
 */
final class DuplicateFileRule implements CrossFileRule {
    private final RuleInfo info = new RuleInfo(WorkspaceRules.DUPLICATE_FILE, Severity.LOW, RuleScope.WORKSPACE,
            "A file has the same content as another file of the workspace.",
            "Keep one copy and reference it (a shared module, a symlink, or the artifact store) so the copies "
                    + "cannot drift apart.");

    @Override
    public RuleInfo info() {
        return info;
    }

    @Override
    public List<Hit> check(List<FileDigest> digests) {
        Map<String, List<FileDigest>> byContent = new LinkedHashMap<>();
        digests.stream()
                .filter(d -> d.size() > 0)
                .sorted((a, b) -> a.path().compareTo(b.path()))
                .forEach(d -> byContent.computeIfAbsent(d.sha256(), k -> new ArrayList<>()).add(d));
        List<Hit> hits = new ArrayList<>();
        for (List<FileDigest> copies : byContent.values()) {
            FileDigest original = copies.get(0);
            for (FileDigest copy : copies.subList(1, copies.size())) {
                hits.add(new Hit(Location.inFile(copy.path(), 1), copy.path() + " has the same content as "
                        + original.path() + " (sha256 " + copy.sha256().substring(0, 12) + ").", copy.sha256(),
                        Location.inFile(original.path(), 1)));
            }
        }
        return hits;
    }
}
