package io.hxo.arie.audit;

import io.hxo.arie.config.ArieConfig;
import io.hxo.arie.deploy.DeploymentArtifacts;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Arie;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The scans nobody asks for through the API: after each {@code deploy.platform.success} when
 * {@code HXO_AUTO_AUDIT_AFTER_DEPLOY=true} (covering that deployment's packed files), and every
 * {@code HXO_ARIE_SCHEDULE} when one is set.
 */
@ApplicationScoped
public class AuditTriggers {
    private final AuditService audits;
    private final ArieConfig config;

    public AuditTriggers(AuditService audits, ArieConfig config) {
        this.audits = audits;
        this.config = config;
    }

    // Blocking: queuing the audit waits for the store (AuditService.submit), so a worker thread takes
    // the record, never the event loop. Deploys are rare; one at a time is plenty.
    @Incoming("deploy-success")
    @Blocking
    public void onDeploySuccess(CloudEvent ev) {
        try {
            if (!config.autoAuditAfterDeploy()) {
                return;
            }
            // The deployment's own files are scanned too, by the manifest root the planner announced.
            String root = Json.tree(ev.data()).path("merkle_root").asText(null);
            if (root != null && DeploymentArtifacts.refuseRoot(root).isPresent()) {
                root = null;
            }
            String id = audits.submit(new Arie.ScanRequest(false, null, "deploy",
                    "deploy " + (ev.subject() == null ? ev.id() : ev.subject()), root));
            Log.infof("deploy %s succeeded: audit %s queued", ev.subject(), id);
        } catch (Exception e) {
            Log.warnf("no audit after deploy event %s: %s", ev.id(), e.getMessage());
        }
    }

    @Scheduled(every = "${hxo.arie.schedule:off}",
            concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void onSchedule() {
        try {
            audits.submit(new Arie.ScanRequest(false, null, "schedule", "schedule"));
        } catch (Exception e) {
            Log.warnf("scheduled audit not started: %s", e.getMessage());
        }
    }
}
