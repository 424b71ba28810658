package io.hxo.arie.report;

import io.hxo.arie.rules.Location;
import io.hxo.arie.rules.Severity;
import io.hxo.arie.scan.Finding;

/**
 * A finding as a report shows it: new or existing against the baseline, and the reason it is
 * suppressed, if it is.
 */
public record ReportedFinding(String ruleId, Severity severity, String message, Location location, Location related,
        String fingerprint, BaselineState baseline, String suppressedBecause) {

    static ReportedFinding of(Finding f, BaselineState baseline, String suppressedBecause) {
        return new ReportedFinding(f.ruleId(), f.severity(), f.message(), f.location(), f.related(), f.fingerprint(),
                baseline, suppressedBecause);
    }

    public Finding finding() {
        return new Finding(ruleId, severity, message, location, related, fingerprint);
    }
}
