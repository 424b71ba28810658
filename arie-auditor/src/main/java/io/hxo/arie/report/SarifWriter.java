package io.hxo.arie.report;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.arie.rules.Location;
import io.hxo.arie.rules.RuleInfo;
import io.hxo.arie.rules.RuleScope;
import io.hxo.arie.rules.RuleSet;
import io.hxo.contracts.json.Json;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes an {@link AuditReport} as a SARIF 2.1.0 log: one run whose {@code tool.driver} lists every
 * rule (id, short description, help = the fix, default level, tags), and one result per finding:
 * level from the severity (critical/high → error, medium → warning, low → note), a physical location
 * (workspace-relative URI under {@code SRCROOT}, start line) or a logical location (service/fact)
 * for config findings, the stable fingerprint in {@code partialFingerprints}, {@code baselineState}
 * new or unchanged, and an external accepted suppression with its justification for suppressed ones.
 */
public final class SarifWriter {
    public static final String SCHEMA =
            "https://docs.oasis-open.org/sarif/sarif/v2.1.0/errata01/os/schemas/sarif-schema-2.1.0.json";
    public static final String VERSION = "2.1.0";
    public static final String TOOL_NAME = "ARIE";
    /** The key of ARIE's fingerprint in {@code partialFingerprints}. */
    public static final String FINGERPRINT_KEY = "arieFingerprint/v1";
    public static final String SRCROOT = "SRCROOT";

    private SarifWriter() {
    }

    public static String write(AuditReport report, RuleSet rules, String toolVersion) {
        return write(report, rules.infos(), toolVersion);
    }

    /** The SARIF log as indented JSON text. */
    public static String write(AuditReport report, Collection<RuleInfo> rules, String toolVersion) {
        try {
            return Json.mapper().writerWithDefaultPrettyPrinter().writeValueAsString(toSarif(report, rules, toolVersion));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write SARIF", e);
        }
    }

    public static ObjectNode toSarif(AuditReport report, Collection<RuleInfo> rules, String toolVersion) {
        ObjectMapper json = Json.mapper();
        ObjectNode log = json.createObjectNode();
        log.put("$schema", SCHEMA);
        log.put("version", VERSION);
        ObjectNode run = log.putArray("runs").addObject();

        ObjectNode driver = run.putObject("tool").putObject("driver");
        driver.put("name", TOOL_NAME);
        driver.put("fullName", "HXO ARIE audit scanner");
        driver.put("version", toolVersion);
        ArrayNode ruleArray = driver.putArray("rules");
        Map<String, Integer> ruleIndex = new HashMap<>();
        List<RuleInfo> described = new ArrayList<>(rules);
        for (RuleInfo rule : described) {
            ruleIndex.put(rule.id(), ruleIndex.size());
            ruleArray.add(descriptor(json, rule));
        }
        List<ReportedFinding> all = new ArrayList<>(report.findings());
        all.addAll(report.suppressed());
        for (ReportedFinding f : all) {
            // a stored report may name a rule this build no longer has: describe it by id
            if (!ruleIndex.containsKey(f.ruleId())) {
                ruleIndex.put(f.ruleId(), ruleIndex.size());
                ruleArray.addObject().put("id", f.ruleId());
            }
        }

        if (report.scanId() != null) {
            run.putObject("automationDetails").put("id", "arie/" + report.scanId());
        }
        ObjectNode invocation = run.putArray("invocations").addObject();
        invocation.put("executionSuccessful", true);
        if (report.startedAt() != null) {
            invocation.put("startTimeUtc", report.startedAt().toString());
        }
        if (report.finishedAt() != null) {
            invocation.put("endTimeUtc", report.finishedAt().toString());
        }
        boolean rooted = report.workspaceRoot() != null;
        if (rooted) {
            String root = Path.of(report.workspaceRoot()).toUri().toString();
            run.putObject("originalUriBaseIds").putObject(SRCROOT).put("uri", root.endsWith("/") ? root : root + "/");
        }

        ArrayNode results = run.putArray("results");
        for (ReportedFinding f : all) {
            ObjectNode r = results.addObject();
            r.put("ruleId", f.ruleId());
            r.put("ruleIndex", ruleIndex.get(f.ruleId()));
            r.put("level", f.severity().sarifLevel());
            r.putObject("message").put("text", f.message());
            r.putArray("locations").add(location(json, f.location(), rooted));
            if (f.related() != null) {
                ObjectNode related = location(json, f.related(), rooted);
                related.put("id", 1);
                related.putObject("message").put("text", "first copy");
                r.putArray("relatedLocations").add(related);
            }
            r.putObject("partialFingerprints").put(FINGERPRINT_KEY, f.fingerprint());
            r.put("baselineState", f.baseline().sarifName());
            if (f.suppressedBecause() != null) {
                r.putArray("suppressions").addObject()
                        .put("kind", "external")
                        .put("status", "accepted")
                        .put("justification", f.suppressedBecause());
            }
            r.putObject("properties").put("severity", f.severity().wireName());
        }
        return log;
    }

    private static ObjectNode descriptor(ObjectMapper json, RuleInfo rule) {
        ObjectNode d = json.createObjectNode();
        d.put("id", rule.id());
        d.putObject("shortDescription").put("text", rule.description());
        d.putObject("help").put("text", rule.fix());
        d.putObject("defaultConfiguration").put("level", rule.severity().sarifLevel());
        ObjectNode props = d.putObject("properties");
        props.putArray("tags").add("security").add(rule.scope() == RuleScope.CONFIG ? "configuration"
                : rule.scope() == RuleScope.INTEGRITY ? "integrity" : "workspace");
        props.put("severity", rule.severity().wireName());
        props.put("security-severity", rule.severity().securitySeverity());
        return d;
    }

    private static ObjectNode location(ObjectMapper json, Location loc, boolean rooted) {
        ObjectNode l = json.createObjectNode();
        if (loc.inWorkspace()) {
            ObjectNode physical = l.putObject("physicalLocation");
            ObjectNode artifact = physical.putObject("artifactLocation");
            artifact.put("uri", uri(loc.file()));
            if (rooted) {
                artifact.put("uriBaseId", SRCROOT);
            }
            physical.putObject("region").put("startLine", loc.line() == null ? 1 : loc.line());
        } else {
            l.putArray("logicalLocations").addObject()
                    .put("name", loc.fact())
                    .put("fullyQualifiedName", loc.service() + "/" + loc.fact())
                    .put("kind", "variable");
        }
        return l;
    }

    /** A workspace-relative path as a relative URI reference, percent-encoded. */
    static String uri(String path) {
        int slash = path.indexOf('/');
        String first = slash < 0 ? path : path.substring(0, slash);
        String p = first.contains(":") ? "./" + path : path; // "a:b" would read as a scheme
        try {
            return new URI(null, null, p, null).toASCIIString();
        } catch (URISyntaxException e) {
            throw new IllegalArgumentException("cannot express " + path + " as a URI: " + e.getMessage(), e);
        }
    }
}
