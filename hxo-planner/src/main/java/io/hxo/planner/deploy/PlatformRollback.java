package io.hxo.planner.deploy;

import io.hxo.planner.checkpoint.StoreException;
import io.hxo.contracts.json.Json;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Rolls the platforms back when a rollback is certified: re-applying recorded artifacts restores
 * HXO's side, but production changes only when the platform serves the old deploy again. For each
 * deploy CI reported for the target plan ({@code deploy.platform.success} with a platform block):
 * Render rolls the service back to that deploy id ({@code POST /v1/services/{id}/rollback}),
 * Netlify restores that deploy ({@code POST /api/v1/sites/{site}/deploys/{deploy}/restore}). Each
 * service is claimed before its call, so it is rolled back once however often the rollback is announced.
 */
@ApplicationScoped
public class PlatformRollback {
    private static final Pattern ID = Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private final DeploymentStore store;
    private final PlannerConfig.Deploy config;
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    public PlatformRollback(DeploymentStore store, PlannerConfig config) {
        this.store = store;
        this.config = config.deploy();
    }

    /** Rolls back every platform service the target deployment's plan was reported on (blocking: call off the owner thread). */
    public void rollBack(DeploymentStore.Deployment rollback) {
        DeploymentStore.Deployment target = store.find(rollback.rollbackOf()).orElse(null);
        if (target == null) {
            return;
        }
        var deploys = store.platformDeploys(target.planId());
        if (deploys.isEmpty()) {
            Log.warnf("rollback %s: no platform deploy was reported for plan %s; HXO's artifacts are restored, the"
                    + " platforms were not asked to roll back", rollback.deploymentId(), target.planId());
        }
        for (DeploymentStore.PlatformDeploy p : deploys) {
            try {
                if (!store.claimPlatformRollback(rollback.deploymentId(), p)) {
                    continue;
                }
                String status = call(p);
                store.platformRollbackResult(rollback.deploymentId(), p, status);
                Log.infof("rollback %s: %s service %s back to deploy %s: %s", rollback.deploymentId(), p.platform(),
                        p.serviceId(), p.deployId(), status);
            } catch (StoreException e) {
                Log.warnf("rollback %s: could not record the %s rollback of %s: %s", rollback.deploymentId(),
                        p.platform(), p.serviceId(), e.getMessage());
            }
        }
    }

    private String call(DeploymentStore.PlatformDeploy p) {
        if (!ID.matcher(p.serviceId()).matches() || !ID.matcher(p.deployId()).matches()) {
            return "refused: not a platform id";
        }
        Optional<String> token;
        HttpRequest.Builder request;
        switch (p.platform()) {
            case "render" -> {
                token = config.renderApiKey().filter(k -> !k.isBlank());
                request = HttpRequest.newBuilder(URI.create(trim(config.renderApiUrl()) + "/v1/services/" + p.serviceId()
                        + "/rollback")).POST(HttpRequest.BodyPublishers.ofString(Json.text(Map.of("deployId", p.deployId()))));
            }
            case "netlify" -> {
                token = config.netlifyAuthToken().filter(k -> !k.isBlank());
                request = HttpRequest.newBuilder(URI.create(trim(config.netlifyApiUrl()) + "/api/v1/sites/" + p.serviceId()
                        + "/deploys/" + p.deployId() + "/restore")).POST(HttpRequest.BodyPublishers.ofString("{}"));
            }
            default -> {
                return "refused: unknown platform";
            }
        }
        if (token.isEmpty()) {
            return "skipped: " + ("render".equals(p.platform()) ? "RENDER_API_KEY" : "NETLIFY_AUTH_TOKEN") + " is not set";
        }
        HttpRequest req = request.timeout(Duration.ofSeconds(20)).header("Content-Type", "application/json")
                .header("Accept", "application/json").header("Authorization", "Bearer " + token.get()).build();
        String last = "not called";
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                HttpResponse<Void> r = http.send(req, HttpResponse.BodyHandlers.discarding());
                last = "HTTP " + r.statusCode();
                if (r.statusCode() < 300 || r.statusCode() < 500 && r.statusCode() != 429) {
                    return last; // success, or a refusal another try will not change
                }
            } catch (java.io.IOException e) {
                last = e.getClass().getSimpleName();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return "interrupted";
            }
            try {
                Thread.sleep(500L << (attempt - 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return last;
            }
        }
        return last;
    }

    private static String trim(String url) {
        return url.replaceAll("/+$", "");
    }
}
