package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Asks ARIE for a scan ({@code POST /api/arie/scan}: 202 with {@code scan_id} and the report's
 * {@code Location}); with {@code --wait}, polls the report until it is {@code done} or {@code failed}.
 */
@Command(name = "audit", description = {"Start an ARIE scan and print its id; --wait polls its report until it ends",
        "and exits 1 when the scan failed or found new high or critical findings."})
class AuditCommand implements Callable<Integer> {
    private static final Set<String> SEVERE = Set.of("high", "critical");

    @ParentCommand
    HxoCtl root;

    @Option(names = "--deployment", paramLabel = "ROOT",
            description = "also scan the files this deployment packed, by its manifest (Merkle) root")
    String deployment;

    @Option(names = "--workspace", paramLabel = "DIR", description = "also scan this directory on arie-auditor")
    String workspace;

    @Option(names = "--wait", description = "wait for the report")
    boolean waitForReport;

    @Option(names = "--timeout", defaultValue = "PT10M", description = "how long --wait waits (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--poll-ms", defaultValue = "1000", description = "how often --wait polls (default ${DEFAULT-VALUE})")
    long pollMs;

    @Override
    public Integer call() throws InterruptedException {
        Gateway gw = root.gateway();
        com.fasterxml.jackson.databind.node.ObjectNode request = io.hxo.contracts.json.Json.mapper().createObjectNode();
        if (deployment != null) {
            request.put("deployment", deployment);
        }
        if (workspace != null) {
            request.put("workspace", workspace);
        }
        Gateway.Answer a = gw.post("/api/arie/scan", request.toString());
        if (!a.ok() || a.body() == null) {
            System.err.println("hxoctl: scan refused: " + a.problem());
            return 1;
        }
        String scanId = a.body().path("scan_id").asText();
        String report = a.location() != null ? a.location() : "/api/arie/report/" + scanId;
        if (!waitForReport) {
            System.out.println(root.json ? a.body().toPrettyString() : scanId);
            return 0;
        }
        long deadline = System.nanoTime() + timeout.toNanos();
        while (true) {
            Gateway.Answer r = gw.get(report);
            if (!r.ok() || r.body() == null) {
                System.err.println("hxoctl: report " + scanId + ": " + r.problem());
                return 1;
            }
            String status = r.body().path("status").asText();
            if ("done".equals(status) || "failed".equals(status)) {
                return finished(scanId, r.body());
            }
            if (System.nanoTime() > deadline) {
                System.err.println("hxoctl: scan " + scanId + " still " + status + " after " + timeout);
                return 1;
            }
            Thread.sleep(pollMs);
        }
    }

    private int finished(String scanId, JsonNode report) {
        String status = report.path("status").asText();
        Map<String, Integer> bySeverity = new TreeMap<>();
        int severeNew = 0;
        for (JsonNode f : report.path("findings")) {
            String severity = f.path("severity").asText("unknown").toLowerCase();
            bySeverity.merge(severity, 1, Integer::sum);
            if (SEVERE.contains(severity) && f.path("new").asBoolean(false)) {
                severeNew++;
            }
        }
        if (root.json) {
            System.out.println(report.toPrettyString());
        } else {
            System.out.printf("scan %s %s: %d finding(s) %s, %d new high/critical%n", scanId, status,
                    report.path("findings").size(), bySeverity, severeNew);
            for (JsonNode f : report.path("findings")) {
                if (f.path("new").asBoolean(false)) {
                    System.out.printf("  new  %-8s %-12s %s%n", f.path("severity").asText(), f.path("rule_id").asText(),
                            f.path("message").asText(f.path("title").asText()));
                }
            }
        }
        return "done".equals(status) && severeNew == 0 ? 0 : 1;
    }
}
