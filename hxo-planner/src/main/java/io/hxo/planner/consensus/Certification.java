package io.hxo.planner.consensus;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanState;
import io.hxo.planner.announce.PlanEvents;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.deploy.Deployments;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.UUID;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Applies the consensus outcome the gateway decided: a certificate ({@code hxo.aggregate.finalized})
 * moves a completed plan to {@code certified}; a failed decision ({@code hxo.aggregate.failed}) to
 * {@code certification_failed}. Either way the decision is stored with the plan (a deployment reads its
 * certificate from there) and announced on {@code hxo.plan}. Only a certified plan of a
 * {@code deploy.*} kind becomes a deployment; a plan whose validators disagreed deploys nothing.
 */
@ApplicationScoped
public class Certification {
    private final PlanStore store;
    private final PlanEvents events;
    private final Deployments deployments;

    public Certification(PlanStore store, PlanEvents events, Deployments deployments) {
        this.store = store;
        this.events = events;
        this.deployments = deployments;
    }

    @Incoming("aggregate-outcome")
    @Blocking // waits for the decision (and the deployment it makes) to commit before the record is acknowledged
    public void onOutcome(CloudEvent ev) {
        Events.Certificate cert;
        try {
            if (!ev.source().startsWith("/federation-gateway/")) {
                Log.warnf("ignored a consensus decision from %s: only the gateway decides", ev.source());
                return;
            }
            cert = ev.dataAs(Events.Certificate.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped unreadable consensus outcome: %s", e.getMessage());
            return;
        }
        UUID planId = UUID.fromString(cert.planId());
        boolean certified = "certified".equals(cert.outcome());
        PlanState status = certified ? PlanState.CERTIFIED : PlanState.CERTIFICATION_FAILED;
        JsonNode certificate = Json.tree(cert);
        PlanStore.Decided p = store.certify(planId, status, certificate).orElse(null);
        if (p == null) {
            // Not a completed plan: unknown, decided before, or decided by this very record, redelivered
            // because the planner stopped before acknowledging it, perhaps before announcing it. Only
            // that last case (the same decision already stored) is announced (and deployed) again.
            p = store.decided(planId, status, certificate).orElse(null);
            if (p == null) {
                return;
            }
        }
        if (certified && Deployments.isDeployment(p.spec())) {
            // Recorded once per plan; announced (with its post-deploy hook) until the broker has it.
            deployments.record(planId, p.name(), p.spec(), p.merkleRoot()).ifPresent(deployments::announce);
        }
        events.changed(planId, p.name(), status, p.totalShards(), p.merkleRoot(), HashAlg.fromWire(p.hashAlg()));
        Log.infof("plan %s %s (%s, %d votes)", planId, status, cert.outcome(), cert.votes().size());
    }
}
