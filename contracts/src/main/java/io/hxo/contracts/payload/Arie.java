package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.Map;

/** What arie-auditor answers on {@code arie.commands} and publishes on {@code arie.audit} / {@code arie.alert}. */
public final class Arie {
    /** Start a scan: {@link ScanRequest} → 202 {@link ScanAccepted}; the scan runs after the answer. */
    public static final String SCAN = "arie.scan";
    /** A scan's report: {@link ReportQuery} → 200 the JSON report (or SARIF), 404 when there is none. */
    public static final String REPORT = "arie.report";

    /** Accept a finding: {@link Suppress} → 200; later scans report it under {@code suppressed}, never alert on it. */
    public static final String SUPPRESS = "arie.suppress";

    public static final String FORMAT_JSON = "json";
    public static final String FORMAT_SARIF = "sarif";

    /** Scan states. */
    public static final String QUEUED = "queued";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    private Arie() {
    }

    /**
     * @param readOnly    a read-only scan is reported but never becomes the baseline and raises no {@code arie.alert}
     * @param workspace   an absolute directory to scan as a workspace (read, never written), or null
     * @param trigger     {@code api}, {@code deploy}, {@code schedule}
     * @param requestedBy who asked (the gateway's principal, or the trigger)
     * @param deployment  the manifest root of a deployment whose packed files to scan as a workspace, or null
     */
    public record ScanRequest(boolean readOnly, String workspace, String trigger, String requestedBy, String deployment) {
        public ScanRequest(boolean readOnly, String workspace, String trigger, String requestedBy) {
            this(readOnly, workspace, trigger, requestedBy, null);
        }
    }

    public record ScanAccepted(String scanId, String status) {
    }

    /** @param scanId null: the latest scan; format {@code json} (default) or {@code sarif} */
    public record ReportQuery(String scanId, String format) {
    }

    /** @param fingerprint a finding's fingerprint (64 hex); {@code reason} why it is accepted (required) */
    public record Suppress(String fingerprint, String reason, String requestedBy) {
    }

    /** The {@code arie.audit} event: one per finished (or failed) scan. */
    public record AuditSummary(String scanId, String trigger, boolean readOnly, String status, Instant startedAt,
            Instant finishedAt, int active, int newFindings, int suppressed, int resolved,
            Map<String, Integer> bySeverity, int alerts, String error) {
    }

    /** The {@code arie.alert} event: one new high or critical finding. */
    public record Alert(String scanId, String ruleId, String severity, String message, JsonNode location,
            String fingerprint) {
    }
}
