package io.hxo.arie.scan;

import io.hxo.arie.rules.RuleSet;
import java.io.IOException;
import java.nio.file.Path;
import java.util.Map;

/**
 * ARIE's scanner, what the wiring calls: one instance per rule set and options, stateless and safe
 * to share between threads.
 *
 * <pre>{@code
 * Auditor auditor = new Auditor(RuleSet.configured(extraEntries, rulesFile), ScanOptions.defaults());
 * ScanResult config = auditor.scanConfig(factsByService);         // from federation.heartbeat
 * ScanResult files = auditor.scanWorkspace(Path.of(artifactRoot)); // a directory, read only
 * AuditReport report = AuditReport.triage(scanId, ScanResult.combine("deploy d-42", List.of(config, files)),
 *         previousFingerprints, suppressions);
 * String sarif = SarifWriter.write(report, auditor.rules(), version);
 * }</pre>
 */
public final class Auditor {
    private final RuleSet rules;
    private final ScanOptions options;
    private final ConfigScanner configScanner;
    private final WorkspaceScanner workspaceScanner;

    public Auditor(RuleSet rules, ScanOptions options) {
        this.rules = rules;
        this.options = options;
        this.configScanner = new ConfigScanner(rules, options);
        this.workspaceScanner = new WorkspaceScanner(rules, options);
    }

    /** The built-in rules with default options. */
    public static Auditor withBuiltinRules() {
        return new Auditor(RuleSet.builtin(), ScanOptions.defaults());
    }

    public RuleSet rules() {
        return rules;
    }

    public ScanOptions options() {
        return options;
    }

    /** Config rules over each service's reported facts: service name → {@code ConfigFacts} map. */
    public ScanResult scanConfig(Map<String, ? extends Map<String, ?>> factsByService) {
        return configScanner.scan(factsByService);
    }

    /** Workspace rules over a directory (a checkout, or a deployment's artifact root). Never writes. */
    public ScanResult scanWorkspace(Path root) throws IOException {
        return workspaceScanner.scan(root);
    }

    /** The workspace rules over files that arrive in pages (a deployment's packed files). */
    public ScanResult scanPacked(String target, java.util.Iterator<java.util.List<WorkspaceScanner.PackedFile>> pages) {
        return workspaceScanner.scanPacked(target, pages);
    }
}
