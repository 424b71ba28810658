package io.hxo.contracts.payload;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

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

    @Schema(name = "ScanAccepted", description = "A scan was queued; its report is at /api/arie/report/{scan_id}")
    public record ScanAccepted(@Schema(required = true, format = "uuid") String scanId,
            @Schema(required = true, examples = "queued") String status) {
    }

    /**
     * A scan's JSON report as {@link #REPORT} answers it: the scan's own fields and, once it is done,
     * what it found. This is what the gateway serves at {@code GET /api/arie/report[/{scan_id}]}.
     */
    @Schema(name = "ScanReport", description = "A scan: its state and, once done, its findings (new or existing against"
            + " the previous scan), the suppressed ones, the fingerprints it no longer finds, and a summary")
    public record ScanReport(@Schema(required = true, format = "uuid") String scanId,
            @Schema(required = true, description = "queued, running, done or failed", examples = "done") String status,
            @Schema(description = "api, deploy or schedule") String trigger, String requestedBy, boolean readOnly,
            String workspace, String deployment, Instant createdAt, Instant startedAt, Instant finishedAt,
            String error, String target, String workspaceRoot, List<Finding> findings, List<Finding> suppressed,
            @Schema(description = "Fingerprints of the previous scan not found any more") List<String> resolved,
            ReportSummary summary) {
    }

    @Schema(name = "Finding", description = "A problem a scan found; its fingerprint is the same in every scan")
    public record Finding(@Schema(required = true) String ruleId,
            @Schema(required = true, enumeration = {"critical", "high", "medium", "low"}) String severity,
            @Schema(required = true) String message, Location location, Location related,
            @Schema(required = true, description = "64 hex; suppress a finding by it") String fingerprint,
            @Schema(enumeration = {"new", "existing"}) String baseline,
            @Schema(description = "Why it is suppressed, when it is") String suppressedBecause) {
    }

    @Schema(name = "FindingLocation", description = "A file of the workspace and line, or a fact a service reported")
    public record Location(String file, Integer line, String service, String fact) {
    }

    @Schema(name = "ScanSummary")
    public record ReportSummary(int active, int newFindings, int suppressed, int resolved,
            Map<String, Integer> bySeverity, int newAlerts) {
    }

    /** The answer to {@link #SUPPRESS}. */
    @Schema(name = "Suppression")
    public record Suppressed(@Schema(required = true) String fingerprint, @Schema(required = true) String reason,
            @Schema(required = true) String suppressedBy) {
    }

    /** A SARIF 2.1.0 log, as {@link #REPORT} answers it with format {@code sarif}. */
    @Schema(name = "SarifLog", type = SchemaType.OBJECT, description = "A SARIF 2.1.0 log",
            additionalProperties = Schema.True.class)
    public record SarifLog(@Schema(examples = "2.1.0") String version) {
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
