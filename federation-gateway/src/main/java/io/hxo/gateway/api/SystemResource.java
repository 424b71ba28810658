package io.hxo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.EventIds;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.gateway.maintenance.Maintenance;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.gateway.problem.ProblemMappers;
import io.hxo.runtime.schema.SchemaMigrator;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * Zero-downtime schema upgrades (SPEC section 3, ZDU): drain every planner, have each service run
 * its Flyway migrations (Flyway holds a PostgreSQL advisory lock while it does), resume the
 * planners, and answer with each service's schema version. The planners are resumed whatever
 * happened in between.
 */
@Path("/api/system")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "suite")
public class SystemResource {
    @Schema(name = "Migration", description = "A finished schema upgrade")
    public record Migration(
            @Schema(required = true, enumeration = {"zero_downtime", "stop_the_world"},
                    description = "zero_downtime: the planners drained and the API kept answering; stop_the_world"
                            + " (HXO_ZDU_ENABLED=false): the API answered 503 and the planners stopped without draining")
            String mode,
            @Schema(required = true) boolean drained, @Schema(required = true) long drainMs,
            @Schema(required = true, description = "Each planner instance's state when drained or stopped")
            Map<String, String> planners,
            @Schema(required = true) long migrateMs,
            @Schema(required = true, description = "Each service's answer: schema_version, migrations_applied")
            Map<String, Object> services,
            @Schema(required = true, description = "Each planner instance's state when resumed") Map<String, String> resumed) {
    }

    /** How often the drain is polled (DRAIN is idempotent and answers each planner's state). */
    private static final Duration POLL = Duration.ofMillis(250);
    private static final Map<String, Topic> SERVICES = Map.of("hxo-planner", Topic.HXO_COMMANDS,
            "genesis-bus", Topic.GENESIS_COMMANDS, "arie-auditor", Topic.ARIE_COMMANDS);

    private final CommandBus commands;
    private final GatewayConfig config;
    private final SchemaMigrator schema;
    private final Maintenance maintenance;

    public SystemResource(CommandBus commands, GatewayConfig config, SchemaMigrator schema, Maintenance maintenance) {
        this.commands = commands;
        this.config = config;
        this.schema = schema;
        this.maintenance = maintenance;
    }

    @POST
    @Path("/migrate")
    @RolesAllowed(Roles.ADMIRAL)
    @Blocking
    @Operation(operationId = "migrateSchemas", summary = "Schema upgrade: zero-downtime, or stop-the-world without ZDU",
            description = "Drain the planners (drain and migration within HXO_MIGRATION_TIMEOUT), run every service's"
                    + " schema migrations under a PostgreSQL advisory lock, resume; answers each service's schema"
                    + " version. 504 when the planners did not drain in time (nothing migrated, planners resumed); 502"
                    + " listing in errors[] the services whose migration failed (planners resumed). With HXO_ZDU_ENABLED=false"
                    + " the migration stops the world: every other API call answers 503 meanwhile, the planners stop"
                    + " without draining, and the answer's mode is stop_the_world.")
    @APIResponse(responseCode = "200", description = "Migrated", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = Migration.class)))
    @APIResponse(responseCode = "502", description = "A service's migration failed; errors[].path names it",
            content = @Content(mediaType = io.hxo.contracts.payload.Problem.MEDIA_TYPE,
                    schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Response migrate() {
        return migrate(config.zduEnabled());
    }

    /** A migration in either mode ({@code HXO_ZDU_ENABLED} chooses for the route; tests drive both). */
    public Response migrate(boolean zeroDowntime) {
        if (!zeroDowntime) {
            return stopTheWorld();
        }
        long t0 = System.nanoTime();
        long deadline = t0 + Duration.ofSeconds(config.migrationTimeout()).toNanos();
        Map<String, String> drained;
        try {
            drained = drain(deadline);
        } catch (RuntimeException e) {
            resume();
            throw e;
        }
        long drainMs = (System.nanoTime() - t0) / 1_000_000;
        if (drained == null) {
            Map<String, String> resumed = resume();
            Log.warnf("migration abandoned: the planners did not drain within %d s; resumed %s",
                    config.migrationTimeout(), resumed);
            throw ApiProblem.of(504, "drain-timeout", "Planners did not drain in time", "the planners did not drain "
                    + "within HXO_MIGRATION_TIMEOUT (" + config.migrationTimeout() + " s); nothing was migrated and "
                    + "they were resumed");
        }
        long t1 = System.nanoTime();
        Map<String, Object> services = new TreeMap<>();
        List<Problem.FieldError> failures = migrateAll(services, deadline);
        long migrateMs = (System.nanoTime() - t1) / 1_000_000;
        Map<String, String> resumed = resume();
        if (!failures.isEmpty()) {
            return failed(failures);
        }
        Migration body = new Migration("zero_downtime", true, drainMs, drained, migrateMs, services, resumed);
        Log.infof("migrated %s (drain %d ms, migrate %d ms)", services.keySet(), drainMs, migrateMs);
        return Response.ok(body).build();
    }

    /** Each service migrates (the gateway first); the services that answered go into {@code services}, the rest are returned. */
    private List<Problem.FieldError> migrateAll(Map<String, Object> services, long deadline) {
        List<Problem.FieldError> failures = new ArrayList<>();
        try {
            services.put("federation-gateway", schema.migrate("federation-gateway", config.instanceId()));
        } catch (RuntimeException e) {
            Log.errorf(e, "the gateway's migration failed");
            failures.add(new Problem.FieldError("federation-gateway", e.getMessage()));
        }
        // The planners stay drained while the services migrate: the whole stays within HXO_MIGRATION_TIMEOUT
        // (but each service gets at least HXO_FEDERATION_TIMEOUT to answer).
        long answerWithin = Math.max(config.federationTimeout(), (deadline - System.nanoTime()) / 1_000_000);
        List<String> names = new ArrayList<>(new TreeMap<>(SERVICES).keySet());
        List<Uni<Reply>> asks = new ArrayList<>();
        for (String name : names) {
            asks.add(commands.request(SERVICES.get(name), Commands.SYSTEM_MIGRATE, EventIds.nextString(), Map.of(),
                    answerWithin).onFailure().recoverWithItem(e -> Reply.problem(e instanceof ApiProblem p ? p.problem()
                    : Problem.of(503, "unavailable", "Unavailable", String.valueOf(e.getMessage())))));
        }
        List<Reply> answers = Uni.join().all(asks).andFailFast().await().indefinitely();
        for (int i = 0; i < names.size(); i++) {
            Reply r = answers.get(i);
            if (r.isSuccess()) {
                services.put(names.get(i), r.body());
            } else {
                failures.add(new Problem.FieldError(names.get(i), r.problem() == null ? "answered " + r.status()
                        : r.problem().detail()));
            }
        }
        return failures;
    }

    /** errors[].path names each service that failed, errors[].message why. */
    private static Response failed(List<Problem.FieldError> failures) {
        return ProblemMappers.respond(new Problem(Problem.TYPE_BASE + "migration-failed", "Migration failed", 502,
                "migration failed for " + failures.stream().map(Problem.FieldError::path).toList()
                        + "; the planners were resumed", "/api/system/migrate", List.copyOf(failures)), null);
    }

    /**
     * {@code HXO_ZDU_ENABLED=false}: the API closes (503 to every other call), the planners stop at once
     * (no drain: in-flight shards are not waited for, nothing new starts), every service migrates, the
     * planners resume and the API opens again. The answer says so.
     */
    private Response stopTheWorld() {
        if (!maintenance.close("a stop-the-world schema migration is running (HXO_ZDU_ENABLED=false); try again shortly")) {
            throw ApiProblem.of(409, "migration-running", "Migration running", "another migration is running");
        }
        try {
            long t0 = System.nanoTime();
            Map<String, String> stopped = states(commands.broadcast(Topic.HXO_COMMANDS, Commands.DRAIN,
                    Map.of("wait", false)).await().indefinitely());
            Map<String, Object> services = new TreeMap<>();
            List<Problem.FieldError> failures = migrateAll(services, System.nanoTime()
                    + Duration.ofSeconds(config.migrationTimeout()).toNanos());
            Map<String, String> resumed = resume();
            if (!failures.isEmpty()) {
                return failed(failures);
            }
            Migration body = new Migration("stop_the_world", false, 0, stopped, (System.nanoTime() - t0) / 1_000_000,
                    services, resumed);
            Log.infof("migrated %s, stop-the-world", services.keySet());
            return Response.ok(body).build();
        } finally {
            maintenance.open();
        }
    }

    /** Drains every planner; instance → state once all report drained, or null at the deadline. */
    private Map<String, String> drain(long deadline) {
        while (true) {
            List<Reply> replies = commands.broadcast(Topic.HXO_COMMANDS, Commands.DRAIN, Map.of()).await().indefinitely();
            Map<String, String> states = states(replies);
            if (states.values().stream().allMatch("drained"::equals)) {
                return states; // also when no planner answered: nothing runs that could race the migration
            }
            if (System.nanoTime() + POLL.toNanos() > deadline) {
                return null;
            }
            try {
                Thread.sleep(POLL.toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw ApiProblem.of(503, "interrupted", "Interrupted", "the gateway is shutting down");
            }
        }
    }

    private Map<String, String> resume() {
        try {
            return states(commands.broadcast(Topic.HXO_COMMANDS, Commands.RESUME, Map.of()).await().indefinitely());
        } catch (RuntimeException e) {
            Log.errorf(e, "could not resume the planners; POST /api/system/migrate again or restart them");
            return Map.of();
        }
    }

    private static Map<String, String> states(List<Reply> replies) {
        Map<String, String> states = new TreeMap<>();
        for (Reply r : replies) {
            if (r.isSuccess() && r.body() != null) {
                JsonNode b = r.body();
                // An instance answers once per partition it owns: it is drained only if every answer says so.
                states.merge(b.path("instance").asText(), b.path("state").asText(),
                        (a, c) -> "drained".equals(a) ? c : a);
            }
        }
        return states;
    }

}
