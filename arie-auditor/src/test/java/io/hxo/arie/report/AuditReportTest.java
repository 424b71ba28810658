package io.hxo.arie.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.arie.rules.WorkspaceRules;
import io.hxo.arie.scan.Auditor;
import io.hxo.arie.scan.ScanResult;
import io.hxo.contracts.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Baseline and suppressions: which findings are new, which are accepted, which went away. */
class AuditReportTest {
    final Auditor auditor = Auditor.withBuiltinRules();

    static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    @Test
    void firstScanIsAllNewASecondIdenticalScanHasNothingNew(@TempDir Path root) throws IOException {
        write(root, "k.pem", "-----BEGIN PRIVATE KEY-----\n");
        write(root, ".env", "A=1\n");
        AuditReport first = AuditReport.triage("s1", auditor.scanWorkspace(root), List.of(), Map.of());
        AuditReport second = AuditReport.triage("s2", auditor.scanWorkspace(root), first.fingerprints(), Map.of());

        assertThat(first.findings()).extracting(ReportedFinding::baseline).containsOnly(BaselineState.NEW).hasSize(2);
        assertThat(first.alerts()).hasSize(2); // a critical key and a high .env
        assertThat(second.findings()).extracting(ReportedFinding::baseline).containsOnly(BaselineState.EXISTING);
        assertThat(second.alerts()).isEmpty();
        assertThat(second.summary().newFindings()).isZero();
        assertThat(second.fingerprints()).containsExactlyInAnyOrderElementsOf(first.fingerprints());
    }

    @Test
    void onlyTheAddedFindingIsNewAndTheRemovedOneIsResolved(@TempDir Path root) throws IOException {
        write(root, "k.pem", "-----BEGIN PRIVATE KEY-----\n");
        write(root, "a.txt", "same\n");
        write(root, "b.txt", "same\n");
        AuditReport before = AuditReport.triage("s1", auditor.scanWorkspace(root), List.of(), Map.of());
        String duplicate = before.findings().stream().filter(f -> f.ruleId().equals(WorkspaceRules.DUPLICATE_FILE))
                .findFirst().orElseThrow().fingerprint();

        Files.delete(root.resolve("b.txt"));
        write(root, "creds", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n");
        AuditReport after = AuditReport.triage("s2", auditor.scanWorkspace(root), before.fingerprints(), Map.of());

        assertThat(after.findings()).extracting(ReportedFinding::ruleId, ReportedFinding::baseline)
                .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(WorkspaceRules.AWS_ACCESS_KEY, BaselineState.NEW),
                        org.assertj.core.groups.Tuple.tuple(WorkspaceRules.PRIVATE_KEY, BaselineState.EXISTING));
        assertThat(after.resolved()).containsExactly(duplicate);
        assertThat(after.alerts()).extracting(ReportedFinding::ruleId).containsExactly(WorkspaceRules.AWS_ACCESS_KEY);
    }

    @Test
    void aSuppressedFindingLeavesTheActiveListButStaysReportedWithItsReason(@TempDir Path root) throws IOException {
        write(root, "k.pem", "-----BEGIN PRIVATE KEY-----\n");
        write(root, "test/fixture.pem", "# fixture\n-----BEGIN PRIVATE KEY-----\n");
        ScanResult scan = auditor.scanWorkspace(root);
        String fixture = scan.findings().stream().filter(f -> f.location().file().equals("test/fixture.pem"))
                .findFirst().orElseThrow().fingerprint();

        AuditReport report = AuditReport.triage("s1", scan, List.of(), Map.of(fixture, "test fixture, not a real key"));

        assertThat(report.findings()).extracting(f -> f.location().file()).containsExactly("k.pem");
        assertThat(report.suppressed()).singleElement().satisfies(f -> {
            assertThat(f.location().file()).isEqualTo("test/fixture.pem");
            assertThat(f.suppressedBecause()).isEqualTo("test fixture, not a real key");
            assertThat(f.baseline()).isEqualTo(BaselineState.NEW);
        });
        assertThat(report.alerts()).hasSize(1);
        assertThat(report.summary().suppressed()).isEqualTo(1);
        assertThat(report.fingerprints()).contains(fixture);
    }

    @Test
    void theJsonReportSpeaksHxosDialect(@TempDir Path root) throws IOException {
        write(root, ".env", "A=1\n");
        AuditReport report = AuditReport.triage("s1", auditor.scanWorkspace(root), List.of(), Map.of());

        JsonNode json = Json.tree(Json.bytes(report));

        assertThat(json.get("scan_id").asText()).isEqualTo("s1");
        JsonNode finding = json.get("findings").get(0);
        assertThat(finding.get("rule_id").asText()).isEqualTo(WorkspaceRules.ENV_FILE);
        assertThat(finding.get("severity").asText()).isEqualTo("high");
        assertThat(finding.get("baseline").asText()).isEqualTo("new");
        assertThat(finding.get("location").get("file").asText()).isEqualTo(".env");
        assertThat(finding.get("location").get("line").asInt()).isEqualTo(1);
        assertThat(finding.get("fingerprint").asText()).hasSize(64);
        assertThat(json.get("summary").get("by_severity").get("high").asInt()).isEqualTo(1);
        assertThat(json.get("summary").get("new_alerts").asInt()).isEqualTo(1);
        assertThat(Json.read(Json.bytes(report), AuditReport.class)).isEqualTo(report);
    }
}
