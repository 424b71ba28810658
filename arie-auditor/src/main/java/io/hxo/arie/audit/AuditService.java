package io.hxo.arie.audit;

import io.hxo.arie.config.ArieConfig;
import io.hxo.arie.deploy.DeploymentArtifacts;
import io.hxo.arie.facts.FactsBook;
import io.hxo.arie.integrity.IntegrityCheck;
import io.hxo.arie.report.AuditReport;
import io.hxo.arie.report.ReportedFinding;
import io.hxo.arie.report.SarifWriter;
import io.hxo.arie.rules.RuleSet;
import io.hxo.arie.scan.Auditor;
import io.hxo.arie.scan.ScanOptions;
import io.hxo.arie.scan.ScanResult;
import io.hxo.arie.store.ScanStore;
import io.hxo.arie.store.StoreException;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.blocking.Awaiting;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Runs scans (SPEC §5): a request is stored as {@code queued} and answered at once; one worker runs
 * the scans in order — config rules over the latest heartbeat facts, workspace rules over the
 * requested and the configured directory, integrity rules over the certified plans — triages them
 * against the baseline and the suppressions, stores the report and publishes {@code arie.audit}
 * and, unless the scan is read-only, one {@code arie.alert} per new high or critical finding.
 */
@ApplicationScoped
public class AuditService {
    private final ExecutorService worker = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "arie-scan");
        t.setDaemon(true);
        return t;
    });
    private final Auditor auditor;
    private final ScanStore store;
    private final FactsBook facts;
    private final IntegrityCheck integrity;
    private final DeploymentArtifacts artifacts;
    private final HxoPublisher publisher;
    private final ArieConfig config;
    private final String version;

    public AuditService(ScanStore store, FactsBook facts, IntegrityCheck integrity, DeploymentArtifacts artifacts,
            HxoPublisher publisher, ArieConfig config,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        this.store = store;
        this.facts = facts;
        this.integrity = integrity;
        this.artifacts = artifacts;
        this.publisher = publisher;
        this.config = config;
        this.version = version;
        this.auditor = new Auditor(RuleSet.configured(config.arie().rulesExtra().orElse(List.of()),
                config.arie().rulesFile().filter(s -> !s.isBlank()).map(Path::of)), ScanOptions.defaults());
    }

    /**
     * Checks a workspace a request names: an absolute path to an existing, readable directory.
     *
     * @return why it is refused, or empty
     */
    public static Optional<String> refuseWorkspace(String workspace) {
        if (workspace == null) {
            return Optional.empty();
        }
        if (workspace.isBlank() || workspace.length() > 4096 || workspace.indexOf('\0') >= 0) {
            return Optional.of("workspace must be an absolute directory path");
        }
        Path p;
        try {
            p = Path.of(workspace);
        } catch (RuntimeException e) {
            return Optional.of("workspace is not a path: " + e.getMessage());
        }
        if (!p.isAbsolute()) {
            return Optional.of("workspace must be an absolute directory path");
        }
        if (!Files.isDirectory(p) || !Files.isReadable(p)) {
            return Optional.of("workspace " + workspace + " is not a readable directory on arie-auditor");
        }
        return Optional.empty();
    }

    /**
     * Stores the scan as queued and starts it on the worker; returns its id. Waits for the store, so
     * it is called from a thread that may block (a {@code @Blocking} consumer, the scheduler).
     *
     * @throws io.hxo.arie.store.StoreException when the scan could not be stored
     */
    public String submit(Arie.ScanRequest request) {
        String id = UUID.randomUUID().toString();
        Awaiting.onContext(() -> store.create(id, request, config.instanceId(), Instant.now()), StoreException::of);
        worker.execute(() -> run(id, request));
        return id;
    }

    /**
     * Runs a stored scan on the calling thread (the worker's, for a submitted one), which waits for
     * each store call (so never an event-loop thread). A scan failed as
     * abandoned before it starts does not run; one failed while it runs keeps that outcome, and its
     * late result is neither stored nor announced.
     */
    public void run(String id, Arie.ScanRequest request) {
        try {
            if (!Awaiting.onContext(() -> store.running(id, Instant.now()), StoreException::of)) {
                Log.warnf("scan %s is no longer queued (failed as abandoned); not run", id);
                return;
            }
            List<ScanResult> parts = new ArrayList<>();
            parts.add(auditor.scanConfig(facts.current()));
            Set<String> dirs = new LinkedHashSet<>();
            if (request.workspace() != null) {
                dirs.add(request.workspace());
            }
            config.arie().workspace().filter(s -> !s.isBlank()).ifPresent(dirs::add);
            for (String dir : dirs) {
                parts.add(auditor.scanWorkspace(Path.of(dir)));
            }
            if (request.deployment() != null) {
                parts.add(auditor.scanPacked("deployment " + request.deployment(), artifacts.pages(request.deployment())));
            }
            parts.add(integrity.scan());
            String target = request.trigger() + " scan: config" + (dirs.isEmpty() ? "" : ", workspace " + dirs)
                    + (request.deployment() == null ? "" : ", deployment " + request.deployment()) + ", integrity";
            AuditReport report = AuditReport.triage(id, ScanResult.combine(target, parts),
                    Awaiting.onContext(store::baseline, StoreException::of), Awaiting.onContext(store::suppressions,
                    StoreException::of));
            Arie.AuditSummary summary = summary(id, request, report, Arie.DONE, null);
            String sarif = SarifWriter.write(report, ruleInfos(), version);
            if (!Awaiting.onContext(() -> store.done(id, report, summary, sarif), StoreException::of)) {
                Log.warnf("scan %s finished after it was failed as abandoned; its result is dropped", id);
                return;
            }
            if (!request.readOnly()) {
                List<java.util.concurrent.CompletableFuture<?>> sent = new ArrayList<>();
                for (ReportedFinding f : report.alerts()) {
                    sent.add(publisher.emit(Topic.ARIE_ALERT, id, new Arie.Alert(id, f.ruleId(),
                            f.severity().wireName(), f.message(), Json.tree(f.location()), f.fingerprint())));
                }
                // The summary follows its alerts: whoever sees arie.audit can count on them being on the broker.
                java.util.concurrent.CompletableFuture.allOf(sent.toArray(new java.util.concurrent.CompletableFuture[0]))
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
            }
            publisher.emit(Topic.ARIE_AUDIT, id, summary);
            Log.infof("scan %s (%s%s): %d findings, %d new, %d alerts", id, request.trigger(),
                    request.readOnly() ? ", read-only" : "", report.summary().active(), report.summary().newFindings(),
                    request.readOnly() ? 0 : report.summary().newAlerts());
        } catch (Exception e) {
            Log.warnf(e, "scan %s failed", id);
            String error = e.getClass().getSimpleName() + ": " + e.getMessage();
            try {
                if (!Awaiting.onContext(() -> store.failed(id, error, Instant.now()), StoreException::of)) {
                    return; // already failed as abandoned, and announced then
                }
            } catch (RuntimeException again) {
                Log.warnf("scan %s: cannot record the failure: %s", id, again.getMessage());
            }
            publisher.emit(Topic.ARIE_AUDIT, id, new Arie.AuditSummary(id, request.trigger(), request.readOnly(),
                    Arie.FAILED, null, Instant.now(), 0, 0, 0, 0, java.util.Map.of(), 0, error));
        }
    }

    private static Arie.AuditSummary summary(String id, Arie.ScanRequest request, AuditReport report, String status,
            String error) {
        AuditReport.Summary s = report.summary();
        return new Arie.AuditSummary(id, request.trigger(), request.readOnly(), status, report.startedAt(),
                report.finishedAt(), s.active(), s.newFindings(), s.suppressed(), s.resolved(), s.bySeverity(),
                request.readOnly() ? 0 : s.newAlerts(), error);
    }

    /** Every rule a report may cite: the scanner's and the integrity rules. */
    public List<io.hxo.arie.rules.RuleInfo> ruleInfos() {
        List<io.hxo.arie.rules.RuleInfo> all = new ArrayList<>(auditor.rules().infos());
        all.addAll(IntegrityCheck.RULES);
        return all;
    }

    void stop(@Observes ShutdownEvent ev) {
        worker.shutdownNow();
    }
}
