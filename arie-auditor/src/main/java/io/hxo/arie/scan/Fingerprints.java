package io.hxo.arie.scan;

import io.hxo.arie.rules.Hit;
import io.hxo.arie.rules.Location;
import io.hxo.arie.rules.RuleInfo;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Stable finding identities: SHA-256 over the rule id, the place ({@link Location#identity()}:
 * the file or the service's fact, not the line) and the normalized evidence, plus an occurrence
 * number when the same evidence repeats at the same place. No time, scan id or line number goes
 * in, so re-scanning unchanged input gives the same fingerprints, and a secret keeps its
 * fingerprint when lines are inserted above it.
 */
public final class Fingerprints {
    private static final String VERSION = "arie-fp/1";

    private Fingerprints() {
    }

    /** A rule's hit before it becomes a finding. */
    record RuleHit(RuleInfo rule, Hit hit) {
    }

    public static String of(String ruleId, Location location, String evidence, int occurrence) {
        StringBuilder in = new StringBuilder(VERSION).append('\n').append(ruleId).append('\n')
                .append(location.identity()).append('\n').append(normalize(evidence));
        if (occurrence > 0) {
            in.append("\n#").append(occurrence);
        }
        return Hex.of(HashAlg.SHA_256.hash(in.toString().getBytes(StandardCharsets.UTF_8)));
    }

    /** Trimmed, runs of whitespace as one space: formatting changes do not make a new finding. */
    static String normalize(String evidence) {
        return evidence == null ? "" : evidence.strip().replaceAll("\\s+", " ");
    }

    /** Orders hits (place, line, rule) and turns them into findings with fingerprints. */
    static List<Finding> findings(List<RuleHit> hits) {
        List<RuleHit> sorted = new ArrayList<>(hits);
        sorted.sort(Comparator.<RuleHit, String>comparing(h -> h.hit().location().identity())
                .thenComparing(h -> h.hit().location().line() == null ? 0 : h.hit().location().line())
                .thenComparing(h -> h.rule().id()));
        Map<String, Integer> seen = new HashMap<>();
        List<Finding> out = new ArrayList<>(sorted.size());
        for (RuleHit rh : sorted) {
            Hit h = rh.hit();
            String key = rh.rule().id() + '\n' + h.location().identity() + '\n' + normalize(h.evidence());
            int occurrence = seen.merge(key, 1, Integer::sum) - 1;
            out.add(new Finding(rh.rule().id(), rh.rule().severity(), h.message(), h.location(), h.related(),
                    of(rh.rule().id(), h.location(), h.evidence(), occurrence)));
        }
        return List.copyOf(out);
    }
}
