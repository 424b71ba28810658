package io.hxo.arie.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.arie.audit.AuditService;
import io.hxo.arie.config.ArieConfig;
import io.hxo.arie.deploy.DeploymentArtifacts;
import io.hxo.arie.store.ScanStore;
import io.hxo.arie.store.StoreException;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.JsonbText;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.blocking.Awaiting;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.schema.SchemaMigrator;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Answers the gateway on {@code arie.commands}: {@code arie.scan} (202 with the scan id at once; the
 * scan runs on ARIE's worker) and {@code arie.report} (a scan's JSON report or SARIF; while the scan
 * is queued or running, its status) and {@code arie.suppress} (accept a finding by fingerprint, with a
 * reason). ARIE's whole API, plus what every service answers on its command topic:
 * {@code hxo.system.migrate} and the gateway's {@code federation.ping}.
 */
@ApplicationScoped
public class ArieCommands {
    private static final Duration STALE = Duration.ofSeconds(30);
    private static final Set<String> TRIGGERS = Set.of("api", "deploy", "schedule");

    private final HxoPublisher publisher;
    private final AuditService audits;
    private final ScanStore store;

    private final SchemaMigrator schema;
    private final ArieConfig config;

    public ArieCommands(HxoPublisher publisher, AuditService audits, ScanStore store, SchemaMigrator schema,
            ArieConfig config) {
        this.publisher = publisher;
        this.audits = audits;
        this.store = store;
        this.schema = schema;
        this.config = config;
    }

    private Reply migrate() {
        try {
            return Reply.ok(200, schema.migrate("arie-auditor", config.instanceId()));
        } catch (RuntimeException e) {
            Log.errorf(e, "migration failed");
            return Reply.problem(Problem.of(500, "migration-failed", "Migration failed",
                    "arie-auditor could not migrate its schema: " + e.getMessage()));
        }
    }

    // Blocking: a command queues a scan, reads a report or stores a suppression, and waits for the
    // store (Awaiting.onContext, on a Vert.x context) and for the reply's send; a worker thread does that, never
    // the event loop. Unordered: commands are independent, a slow report read holds no other command.
    @Incoming("arie-commands")
    @Blocking(ordered = false)
    public void onCommand(CloudEvent request) {
        try {
            if (request.time().isBefore(Instant.now().minus(STALE))) {
                return;
            }
            publisher.reply(Topic.ARIE_COMMANDS, request, answer(request));
        } catch (RuntimeException e) {
            Log.warnf("skipped command %s (%s): %s", request.id(), request.type(), e.getMessage());
        }
    }

    Reply answer(CloudEvent request) {
        try {
            return switch (request.type()) {
                case Ping.TYPE -> Reply.ok(200, new Ping.Pong(publisher.source(), Instant.now()));
                case Commands.SYSTEM_MIGRATE -> migrate();
                case Arie.SCAN -> scan(request.dataAs(Arie.ScanRequest.class));
                case Arie.REPORT -> report(request.dataAs(Arie.ReportQuery.class));
                case Arie.SUPPRESS -> suppress(request.dataAs(Arie.Suppress.class));
                default -> Reply.problem(Problem.of(400, "unknown-command", "Unknown command",
                        "arie-auditor does not know " + request.type()));
            };
        } catch (IllegalArgumentException e) {
            return Reply.problem(Problem.of(400, "bad-request", "Bad request", e.getMessage()));
        } catch (StoreException e) {
            Log.warnf("command %s failed: %s", request.type(), e.getMessage());
            return Reply.problem(Problem.of(503, "store-unavailable", "ARIE store unavailable",
                    "arie-auditor could not reach its database; try again"));
        } catch (RuntimeException e) {
            Log.warnf(e, "command %s failed", request.type());
            return Reply.problem(Problem.of(503, "arie-unavailable", "ARIE unavailable",
                    "arie-auditor could not answer " + request.type()));
        }
    }

    Reply scan(Arie.ScanRequest req) {
        if (req == null) {
            return bad("a scan request is a JSON object");
        }
        Optional<String> refused = AuditService.refuseWorkspace(req.workspace())
                .or(() -> DeploymentArtifacts.refuseRoot(req.deployment()));
        if (refused.isPresent()) {
            return bad(refused.get());
        }
        String trigger = req.trigger() == null ? "api" : req.trigger();
        if (!TRIGGERS.contains(trigger)) {
            return bad("trigger must be one of " + TRIGGERS);
        }
        String by = req.requestedBy() == null || req.requestedBy().isBlank() ? trigger : req.requestedBy();
        String id = audits.submit(new Arie.ScanRequest(req.readOnly(), req.workspace(), trigger,
                by.length() > 200 ? by.substring(0, 200) : by,
                req.deployment() == null ? null : req.deployment().toLowerCase(java.util.Locale.ROOT)));
        return Reply.ok(202, new Arie.ScanAccepted(id, Arie.QUEUED));
    }

    Reply report(Arie.ReportQuery q) {
        String format = q == null || q.format() == null ? Arie.FORMAT_JSON : q.format();
        if (!format.equals(Arie.FORMAT_JSON) && !format.equals(Arie.FORMAT_SARIF)) {
            return bad("format must be json or sarif");
        }
        String id = q == null ? null : q.scanId();
        Optional<ScanStore.StoredScan> found = Awaiting.onContext(() -> store.find(id), StoreException::of);
        if (found.isEmpty()) {
            return Reply.problem(Problem.of(404, "scan-not-found", "No such scan",
                    id == null ? "no scan has run yet" : "there is no scan " + id));
        }
        ScanStore.StoredScan s = found.get();
        if (Arie.DONE.equals(s.status()) && format.equals(Arie.FORMAT_SARIF)) {
            return Reply.ok(200, s.sarif());
        }
        if (!Arie.DONE.equals(s.status()) && format.equals(Arie.FORMAT_SARIF)) {
            return Reply.problem(Problem.of(409, "scan-not-done", "Scan not finished",
                    "scan " + s.id() + " is " + s.status() + "; SARIF exists once it is done"));
        }
        Map<String, Object> out = new LinkedHashMap<>();
        out.put("scan_id", s.id());
        out.put("status", s.status());
        out.put("trigger", s.trigger());
        out.put("requested_by", s.requestedBy());
        out.put("read_only", s.readOnly());
        out.put("workspace", s.workspace());
        out.put("deployment", s.deployment());
        out.put("created_at", s.createdAt());
        out.put("started_at", s.startedAt());
        out.put("finished_at", s.finishedAt());
        out.put("error", s.error());
        JsonNode report = s.report();
        if (report != null) {
            report.fields().forEachRemaining(e -> out.putIfAbsent(e.getKey(), e.getValue()));
        }
        out.values().removeIf(java.util.Objects::isNull);
        return Reply.ok(200, out);
    }

    Reply suppress(Arie.Suppress s) {
        if (s == null || s.fingerprint() == null || !s.fingerprint().matches("[0-9a-f]{64}")) {
            return bad("fingerprint must be a finding's fingerprint: 64 lowercase hex characters");
        }
        if (s.reason() == null || s.reason().isBlank() || s.reason().length() > 1000) {
            return bad("reason must say why the finding is accepted (1 to 1000 characters)");
        }
        if (JsonbText.storable(s.reason()) != s.reason()) {
            // PostgreSQL text refuses it; without this check it surfaced as "store unavailable".
            return bad("reason must not contain U+0000 or an unpaired UTF-16 surrogate");
        }
        String by = s.requestedBy() == null || s.requestedBy().isBlank() ? "unknown" : s.requestedBy();
        Awaiting.onContext(() -> store.suppress(s.fingerprint(), s.reason().strip(), by, Instant.now()),
                StoreException::of);
        return Reply.ok(200, Map.of("fingerprint", s.fingerprint(), "reason", s.reason().strip(), "suppressed_by", by));
    }

    private static Reply bad(String detail) {
        return Reply.problem(Problem.of(400, "bad-request", "Bad request", detail));
    }
}
