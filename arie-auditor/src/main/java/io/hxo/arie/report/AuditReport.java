package io.hxo.arie.report;

import io.hxo.arie.rules.Severity;
import io.hxo.arie.scan.Finding;
import io.hxo.arie.scan.ScanResult;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One scan's report (SPEC §5): its findings, each marked {@code new} or {@code existing} against
 * the baseline (the previous scan's fingerprints); suppressed findings (fingerprint → reason) apart
 * from the active ones but still reported; and the baseline fingerprints this scan no longer finds.
 * Serialises with {@code Json} as the JSON report; {@link SarifWriter} writes the SARIF one.
 *
 * @param findings   the active findings
 * @param suppressed findings an operator suppressed, with the reason
 * @param resolved   fingerprints of the baseline not found any more, sorted
 */
public record AuditReport(String scanId, String target, String workspaceRoot, Instant startedAt, Instant finishedAt,
        List<ReportedFinding> findings, List<ReportedFinding> suppressed, List<String> resolved, Summary summary) {

    /**
     * @param bySeverity active findings per severity ({@code critical} first)
     * @param newAlerts  active findings that are new and high or critical: what {@code arie.alert} carries
     */
    public record Summary(int active, int newFindings, int suppressed, int resolved, Map<String, Integer> bySeverity,
            int newAlerts) {
    }

    /**
     * @param baseline     fingerprints of the previous scan's findings (active and suppressed); empty for a first scan
     * @param suppressions fingerprint → why it is accepted
     */
    public static AuditReport triage(String scanId, ScanResult scan, Collection<String> baseline,
            Map<String, String> suppressions) {
        Set<String> previous = new HashSet<>(baseline);
        List<ReportedFinding> active = new ArrayList<>();
        List<ReportedFinding> suppressed = new ArrayList<>();
        Set<String> current = new HashSet<>();
        for (Finding f : scan.findings()) {
            current.add(f.fingerprint());
            BaselineState state = previous.contains(f.fingerprint()) ? BaselineState.EXISTING : BaselineState.NEW;
            String reason = suppressions.get(f.fingerprint());
            if (reason != null) {
                suppressed.add(ReportedFinding.of(f, state, reason.isBlank() ? "suppressed" : reason));
            } else {
                active.add(ReportedFinding.of(f, state, null));
            }
        }
        List<String> resolved = previous.stream().filter(fp -> !current.contains(fp)).sorted().toList();
        Map<String, Integer> bySeverity = new LinkedHashMap<>();
        for (Severity s : List.of(Severity.CRITICAL, Severity.HIGH, Severity.MEDIUM, Severity.LOW)) {
            bySeverity.put(s.wireName(), (int) active.stream().filter(f -> f.severity() == s).count());
        }
        int fresh = (int) active.stream().filter(f -> f.baseline() == BaselineState.NEW).count();
        int alerts = (int) active.stream().filter(AuditReport::alerting).count();
        return new AuditReport(scanId, scan.target(), scan.workspaceRoot(), scan.startedAt(), scan.finishedAt(),
                List.copyOf(active), List.copyOf(suppressed), resolved,
                new Summary(active.size(), fresh, suppressed.size(), resolved.size(), bySeverity, alerts));
    }

    /** The active findings that are new and high or critical: each one is an {@code arie.alert}. */
    public List<ReportedFinding> alerts() {
        return findings.stream().filter(AuditReport::alerting).toList();
    }

    private static boolean alerting(ReportedFinding f) {
        return f.baseline() == BaselineState.NEW && f.severity().atLeast(Severity.HIGH);
    }

    /** Every fingerprint of this scan, active and suppressed: the baseline of the next one. */
    public List<String> fingerprints() {
        List<String> out = new ArrayList<>();
        findings.forEach(f -> out.add(f.fingerprint()));
        suppressed.forEach(f -> out.add(f.fingerprint()));
        return out;
    }
}
