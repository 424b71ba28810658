package io.hxo.planner.deploy;

import io.hxo.planner.checkpoint.StoreException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.event.EventIds;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.config.PlannerConfig;
import io.quarkus.logging.Log;
import io.hxo.planner.run.PlanRuns;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

/**
 * Deployments and rollback. A certified plan with a {@code deploy.*} stage becomes a deployment:
 * recorded as a rollback point, announced on {@code deploy.platform.success}, and — when
 * {@code NETLIFY_DEPLOY_HOOK} is set — followed by one call of the Netlify build hook (retried,
 * result recorded). A rollback is a new plan that re-applies a deployment's recorded work from the
 * CAS store; once it is certified, the platforms are rolled back to the deploys CI reported for the
 * target ({@link PlatformRollback}).
 */
@ApplicationScoped
public class Deployments {
    /** Kinds whose shards are re-applied verbatim on rollback; the others run again. */
    private static final Set<String> RECORDED = Set.of("deploy.pack", "deploy.migrate", "assets.index", "docs.index");
    /** Effects a rollback does not repeat: the platform's own rollback takes their place. */
    private static final Set<String> NOT_REPLAYED = Set.of("deploy.hook", "deploy.prime");

    private final DeploymentStore store;
    private final HxoPublisher publisher;
    private final PlanRuns owner;
    private final PlatformRollback platforms;
    private final String netlifyHook;
    private final long checkSeconds;
    private final ScheduledExecutorService sweeper = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "hxo-deploy-announcer");
        t.setDaemon(true);
        return t;
    });
    private final HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    private final ExecutorService hooks = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hxo-deploy-hooks");
        t.setDaemon(true);
        return t;
    });

    public Deployments(DeploymentStore store, HxoPublisher publisher, PlannerConfig config, PlanRuns owner,
            PlatformRollback platforms) {
        this.store = store;
        this.platforms = platforms;
        this.publisher = publisher;
        this.owner = owner;
        this.netlifyHook = config.deploy().netlifyHook().filter(s -> !s.isBlank()).orElse(null);
        this.checkSeconds = config.undecidedCheckSeconds();
    }

    void start(@Observes StartupEvent ev) {
        if (checkSeconds > 0) {
            sweeper.scheduleWithFixedDelay(() -> announcePending(Instant.now()), checkSeconds, checkSeconds,
                    TimeUnit.SECONDS);
        }
    }

    void stop(@Observes ShutdownEvent ev) {
        sweeper.shutdownNow();
        hooks.shutdown();
    }

    /**
     * Announces again the certified deployments of this instance's plans whose announcement never
     * reached the broker (its planner stopped in between, or the broker was away), from the last
     * day; returns them. Runs every {@code HXO_UNDECIDED_CHECK_SECONDS}; callable with another clock.
     */
    public List<DeploymentStore.Deployment> announcePending(Instant now) {
        List<DeploymentStore.Deployment> pending;
        try {
            pending = store.unannounced(owner.ownedPartitions(), now.minus(Duration.ofDays(1)));
        } catch (StoreException e) {
            Log.warnf("could not look for unannounced deployments: %s", e.getMessage());
            return List.of();
        }
        pending.forEach(this::announce);
        return pending;
    }

    public static boolean isDeployment(JsonNode spec) {
        for (JsonNode s : spec.path("stages")) {
            if (s.path("kind").asText().startsWith("deploy.")) {
                return true;
            }
        }
        return false;
    }

    /**
     * Records the deployment a certified plan makes (the caller retries this until the database takes
     * it) and returns the deployment to announce: this one, or the plan's earlier one whose
     * announcement never went out. Empty when the plan's deployment has been announced (its
     * completion handled again).
     */
    public Optional<DeploymentStore.Deployment> record(UUID planId, String name, JsonNode spec, String root) {
        UUID rollbackOf = spec.has("rollback_of") ? UUID.fromString(spec.get("rollback_of").asText()) : null;
        return store.record(new DeploymentStore.Deployment(EventIds.next(), planId, name, root, null, rollbackOf,
                null, Instant.now()));
    }

    /**
     * Announces a recorded deployment on {@code deploy.platform.success}, calls the build hook, and
     * notes the announcement once the broker has it. A planner stopping in between announces it (and
     * calls the hook) again when the plan is announced again: at least once, never lost.
     */
    public void announce(DeploymentStore.Deployment d) {
        Map<String, Object> event = new LinkedHashMap<>();
        event.put("deployment_id", d.deploymentId().toString());
        event.put("plan_id", d.planId().toString());
        event.put("name", d.name());
        event.put("merkle_root", d.merkleRoot());
        if (d.rollbackOf() != null) {
            event.put("rollback_of", d.rollbackOf().toString());
        }
        CompletableFuture<?> sent = publisher.emit(Topic.DEPLOY_PLATFORM_SUCCESS, d.planId().toString(), event);
        if (d.rollbackOf() != null) {
            // A certified rollback: the platforms go back to what they served for the target.
            hooks.execute(() -> platforms.rollBack(d));
        }
        if (netlifyHook != null) {
            hooks.execute(() -> callHook(d.deploymentId(), d.planId().toString()));
        }
        // Off the producer's I/O thread, which completes the send: the note is a database write.
        sent.whenCompleteAsync((ok, failed) -> {
            if (failed != null) {
                Log.warnf("deployment %s: deploy.platform.success not sent (%s); it goes out again with its plan's"
                        + " next announcement", d.deploymentId(), failed.getMessage());
                return;
            }
            try {
                store.announced(d.deploymentId(), Instant.now());
            } catch (StoreException e) {
                Log.warnf("deployment %s: could not note its announcement: %s", d.deploymentId(), e.getMessage());
            }
        });
    }

    private void callHook(UUID deploymentId, String planId) {
        String result = "failed";
        for (int attempt = 1; attempt <= 3; attempt++) {
            try {
                HttpResponse<Void> r = http.send(HttpRequest.newBuilder(URI.create(netlifyHook))
                        .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                        .POST(HttpRequest.BodyPublishers.ofString("{}")).build(), HttpResponse.BodyHandlers.discarding());
                result = "HTTP " + r.statusCode();
                if (r.statusCode() < 300) {
                    break;
                }
            } catch (Exception e) {
                result = e.getClass().getSimpleName();
            }
            try {
                Thread.sleep(500L << (attempt - 1));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        try {
            store.hookResult(deploymentId, result);
        } catch (StoreException e) {
            Log.warnf("could not record the Netlify hook result of %s: %s", deploymentId, e.getMessage());
        }
        Log.infof("Netlify build hook for plan %s: %s", planId, result);
    }

    /**
     * The plan that rolls back to a deployment (to be validated and run like any other), or empty when
     * the deployment did nothing HXO can re-apply. Stages that read the world at submit time get exactly
     * the shards they had then (served from the CAS store); hooks and cache priming are left out: a hook
     * builds the platform's current branch, and priming would warm what is being replaced. The platform
     * itself is rolled back once the rollback is certified ({@link PlatformRollback}).
     */
    public static Optional<JsonNode> rollbackPlan(DeploymentStore.Deployment d, JsonNode originalSpec) {
        ObjectNode plan = Json.mapper().createObjectNode();
        plan.put("name", "rollback: " + d.name());
        plan.put("rollback_of", d.deploymentId().toString());
        ArrayNode stages = plan.putArray("stages");
        Set<String> dropped = new java.util.HashSet<>();
        for (JsonNode s : originalSpec.path("stages")) {
            if (NOT_REPLAYED.contains(s.path("kind").asText())) {
                dropped.add(s.path("id").asText());
            }
        }
        for (JsonNode s : originalSpec.path("stages")) {
            String kind = s.path("kind").asText();
            if (NOT_REPLAYED.contains(kind)) {
                continue;
            }
            ObjectNode stage = s.deepCopy();
            ArrayNode deps = stage.putArray("depends_on");
            s.path("depends_on").forEach(dep -> {
                if (!dropped.contains(dep.asText())) {
                    deps.add(dep);
                }
            });
            if (RECORDED.contains(kind)) {
                stage.put("partitioner", "recorded");
                ObjectNode config = stage.putObject("config");
                config.put("recorded_plan", d.planId().toString());
                config.put("recorded_stage", s.path("id").asText());
            }
            stages.add(stage);
        }
        if (stages.isEmpty()) {
            return Optional.empty();
        }
        if (originalSpec.has("constraints")) {
            plan.set("constraints", originalSpec.get("constraints"));
        }
        return Optional.of(plan);
    }
}
