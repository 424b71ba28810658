package io.hxo.planner.deploy;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Events;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Takes CI's deploy reports ({@code deploy.platform.success} sent through the gateway) and records
 * where each plan's result was deployed: the platform deploy a rollback to that plan returns to.
 * The planner's own announcements on the same topic carry no platform block and are passed over.
 */
@ApplicationScoped
public class PlatformReports {
    private final DeploymentStore store;

    public PlatformReports(DeploymentStore store) {
        this.store = store;
    }

    @Incoming("platform-reports")
    @Blocking // waits for one small Panache upsert per report (DeploymentStore), before the record is acknowledged
    public void onReport(CloudEvent ev) {
        Events.DeployReport report;
        try {
            if (!ev.source().startsWith("/federation-gateway/")) {
                return; // HXO's own deployment announcements, not a platform's report
            }
            report = ev.dataAs(Events.DeployReport.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped unreadable deploy report: %s", e.getMessage());
            return;
        }
        Events.Platform p = report.platform();
        if (p == null || p.planId() == null || p.name() == null || p.serviceId() == null || p.deployId() == null) {
            return;
        }
        UUID planId;
        try {
            planId = UUID.fromString(p.planId());
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped a deploy report naming plan \"%s\", which is not a plan id", p.planId());
            return;
        }
        store.platformDeployed(planId, new DeploymentStore.PlatformDeploy(p.name(), p.serviceId(), p.deployId()));
        Log.infof("plan %s is deployed on %s service %s as deploy %s", planId, p.name(), p.serviceId(), p.deployId());
    }
}
