package io.hxo.arie.report;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import io.hxo.arie.rules.ConfigRules;
import io.hxo.arie.rules.RuleSet;
import io.hxo.arie.rules.WorkspaceRules;
import io.hxo.arie.scan.Auditor;
import io.hxo.arie.scan.ScanResult;
import io.hxo.contracts.json.Json;
import io.hxo.runtime.config.ConfigFacts;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * ARIE's SARIF validates against the official SARIF 2.1.0 schema (OASIS, errata 01, committed as
 * {@code src/test/resources/sarif/sarif-schema-2.1.0.json}) and says what the findings say.
 */
class SarifReportTest {
    static Schema sarifSchema;
    final Auditor auditor = Auditor.withBuiltinRules();

    @BeforeAll
    static void loadSchema() throws IOException {
        try (InputStream in = SarifReportTest.class.getResourceAsStream("/sarif/sarif-schema-2.1.0.json")) {
            sarifSchema = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_4)
                    .getSchema(in, InputFormat.JSON);
        }
    }

    static List<String> problems(String sarif) {
        List<String> out = new ArrayList<>();
        for (Error e : sarifSchema.validate(sarif, InputFormat.JSON)) {
            out.add(e.getInstanceLocation() + ": " + e.getMessage());
        }
        return out;
    }

    static void write(Path root, String path, String text) throws IOException {
        Path file = root.resolve(path);
        Files.createDirectories(file.getParent());
        Files.writeString(file, text);
    }

    /** Config and workspace findings, new and existing, one suppressed, a duplicate with its original. */
    AuditReport mixedReport(Path root) throws IOException {
        write(root, "deploy/keys/server.pem", "# key\n-----BEGIN RSA PRIVATE KEY-----\n");
        write(root, "dir with space/a:b.txt", "aws_access_key_id = AKIAIOSFODNN7EXAMPLE\n");
        write(root, ".env", "A=1\n");
        write(root, "docs/guide.md", "same\n");
        write(root, "release/guide.md", "same\n");
        ScanResult files = auditor.scanWorkspace(root);
        ScanResult config = auditor.scanConfig(Map.of("federation-gateway",
                ConfigFacts.of(Map.of("HXO_CORS_ORIGINS", "*", "HXO_ZERO_TRUST", "false"))));
        ScanResult both = ScanResult.combine("deploy d-1", List.of(config, files));
        String env = files.findings().stream().filter(f -> f.ruleId().equals(WorkspaceRules.ENV_FILE)).findFirst()
                .orElseThrow().fingerprint();
        String key = files.findings().stream().filter(f -> f.ruleId().equals(WorkspaceRules.PRIVATE_KEY)).findFirst()
                .orElseThrow().fingerprint();
        return AuditReport.triage("scan-42", both, List.of(key), Map.of(env, "local dev file, never deployed"));
    }

    @Test
    void aMixedReportValidatesAgainstTheSarif210Schema(@TempDir Path root) throws IOException {
        String sarif = SarifWriter.write(mixedReport(root), RuleSet.builtin(), "0.1.0-SNAPSHOT");
        assertThat(problems(sarif)).isEmpty();
    }

    @Test
    void anEmptyReportValidatesToo(@TempDir Path root) throws IOException {
        AuditReport empty = AuditReport.triage(null, auditor.scanWorkspace(root), List.of(), Map.of());
        String sarif = SarifWriter.write(empty, RuleSet.builtin(), "0.1.0-SNAPSHOT");
        assertThat(problems(sarif)).isEmpty();
        assertThat(Json.tree(sarif.getBytes(StandardCharsets.UTF_8)).at("/runs/0/results").size()).isZero();
    }

    @Test
    void theSchemaCheckIsRealAndRejectsBrokenLogs(@TempDir Path root) throws IOException {
        String sarif = SarifWriter.write(mixedReport(root), RuleSet.builtin(), "1");
        assertThat(problems(sarif.replace("\"level\" : \"error\"", "\"level\" : \"severe\""))).isNotEmpty();
        assertThat(problems(sarif.replace("\"version\" : \"2.1.0\"", "\"version\" : \"2.0.0\""))).isNotEmpty();
        assertThat(problems(sarif.replace("\"startLine\" : 2", "\"startLine\" : 0"))).isNotEmpty();
        assertThat(problems("{\"version\": \"2.1.0\"}")).isNotEmpty();
    }

    @Test
    void resultsCarryLevelLocationFingerprintBaselineAndSuppression(@TempDir Path root) throws IOException {
        AuditReport report = mixedReport(root);
        JsonNode run = Json.tree(SarifWriter.write(report, RuleSet.builtin(), "0.1.0").getBytes(StandardCharsets.UTF_8))
                .at("/runs/0");

        JsonNode driver = run.at("/tool/driver");
        assertThat(driver.get("name").asText()).isEqualTo("ARIE");
        assertThat(driver.get("rules").size()).isEqualTo(17);
        JsonNode zeroTrustRule = driver.get("rules").get(0);
        assertThat(zeroTrustRule.get("id").asText()).isEqualTo(ConfigRules.ZERO_TRUST);
        assertThat(zeroTrustRule.at("/defaultConfiguration/level").asText()).isEqualTo("error");
        assertThat(zeroTrustRule.at("/help/text").asText()).contains("HXO_ZERO_TRUST=true");
        assertThat(run.at("/originalUriBaseIds/SRCROOT/uri").asText()).startsWith("file:/").endsWith("/");

        JsonNode results = run.get("results");
        assertThat(results.size()).isEqualTo(report.findings().size() + report.suppressed().size()).isEqualTo(6);
        for (JsonNode r : results) {
            String ruleId = r.get("ruleId").asText();
            assertThat(driver.get("rules").get(r.get("ruleIndex").asInt()).get("id").asText()).isEqualTo(ruleId);
            assertThat(r.at("/partialFingerprints/arieFingerprint~1v1").asText()).hasSize(64);
            switch (ruleId) {
                case ConfigRules.ZERO_TRUST -> {
                    assertThat(r.get("level").asText()).isEqualTo("error");
                    assertThat(r.at("/locations/0/logicalLocations/0/fullyQualifiedName").asText())
                            .isEqualTo("federation-gateway/hxo_zero_trust");
                    assertThat(r.get("baselineState").asText()).isEqualTo("new");
                }
                case WorkspaceRules.PRIVATE_KEY -> {
                    assertThat(r.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
                            .isEqualTo("deploy/keys/server.pem");
                    assertThat(r.at("/locations/0/physicalLocation/artifactLocation/uriBaseId").asText())
                            .isEqualTo("SRCROOT");
                    assertThat(r.at("/locations/0/physicalLocation/region/startLine").asInt()).isEqualTo(2);
                    assertThat(r.get("baselineState").asText()).isEqualTo("unchanged");
                }
                case WorkspaceRules.AWS_ACCESS_KEY -> assertThat(
                        r.at("/locations/0/physicalLocation/artifactLocation/uri").asText())
                        .isEqualTo("dir%20with%20space/a:b.txt");
                case WorkspaceRules.ENV_FILE -> {
                    assertThat(r.at("/suppressions/0/kind").asText()).isEqualTo("external");
                    assertThat(r.at("/suppressions/0/justification").asText()).isEqualTo("local dev file, never deployed");
                }
                case WorkspaceRules.DUPLICATE_FILE -> {
                    assertThat(r.get("level").asText()).isEqualTo("note");
                    assertThat(r.at("/relatedLocations/0/physicalLocation/artifactLocation/uri").asText())
                            .isEqualTo("docs/guide.md");
                }
                case ConfigRules.CORS_WILDCARD -> assertThat(r.get("level").asText()).isEqualTo("error");
                default -> throw new AssertionError("unexpected result " + r);
            }
        }
    }

    @Test
    void aPathWhoseFirstSegmentHasAColonStaysRelative() {
        assertThat(SarifWriter.uri("a:b/c d.txt")).isEqualTo("./a:b/c%20d.txt");
        assertThat(SarifWriter.uri("docs/ü#1?.md")).isEqualTo("docs/%C3%BC%231%3F.md");
    }
}
