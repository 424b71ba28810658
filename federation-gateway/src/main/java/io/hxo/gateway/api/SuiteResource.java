package io.hxo.gateway.api;

import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.links.LinkRegistry;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The suite-wide views of the planners (from their heartbeats, which carry each instance's figures)
 * and the drain command, which reaches every planner instance through every partition of
 * {@code hxo.commands}.
 */
@Path("/api/hxo")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "suite")
public class SuiteResource {
    @Schema(name = "SuiteStatus", description = "The planners as a whole, from their heartbeats")
    public record SuiteStatus(@Schema(required = true) List<PlannerInstance> instances,
            @Schema(required = true) long activePlans, @Schema(required = true) boolean draining,
            @Schema(required = true) Set<String> versions, @Schema(required = true) Set<String> schemaVersions,
            @Schema(required = true, description = "Each peer service's link state") Map<String, String> links,
            @Schema(required = true) Instant at) {
    }

    @Schema(name = "PlannerInstance")
    public record PlannerInstance(String instance, String version, String schemaVersion, Instant startedAt,
            @Schema(enumeration = {"running", "draining", "drained"}) String state, long activePlans,
            long inFlight) {
    }

    @Schema(name = "SuiteMetrics", description = "Shard figures summed over the live planners")
    public record SuiteMetrics(@Schema(required = true) BuildShards buildShards,
            @Schema(required = true) int plannerInstances, @Schema(required = true) Instant at) {
    }

    @Schema(name = "BuildShards")
    public record BuildShards(long created, long done, long failed, long cached, long split, long inFlight,
            @Schema(description = "p95 shard duration in ms per job kind (the highest over the planners)")
            Map<String, Long> p95Ms, long concurrencyLimit) {
    }

    @Schema(name = "DrainAnswer", description = "Each planner instance that answered, and its drain state")
    public record DrainAnswer(@Schema(required = true) Map<String, String> instances) {
    }

    private static final String PLANNER = "hxo-planner";
    private static final String[] DRAIN_STATES = {"running", "draining", "drained"};

    private final LinkRegistry links;
    private final CommandBus commands;

    public SuiteResource(LinkRegistry links, CommandBus commands) {
        this.links = links;
        this.commands = commands;
    }

    @GET
    @Path("/status")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getSuiteStatus", summary = "HXO overall",
            description = "Planner instances, active plans, drain states, versions and link states.")
    @APIResponse(responseCode = "200", description = "The suite", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SuiteStatus.class)))
    public SuiteStatus status() {
        List<PlannerInstance> instances = new ArrayList<>();
        double active = 0;
        boolean draining = false;
        TreeSet<String> versions = new TreeSet<>();
        TreeSet<String> schemas = new TreeSet<>();
        for (Events.Heartbeat hb : links.live(PLANNER)) {
            int drain = (int) (double) hb.load().getOrDefault("draining", 0.0);
            instances.add(new PlannerInstance(hb.instance(), hb.version(), hb.schemaVersion(), hb.startedAt(),
                    DRAIN_STATES[Math.max(0, Math.min(2, drain))],
                    hb.load().getOrDefault("active_plans", 0.0).longValue(),
                    hb.load().getOrDefault("shards_in_flight", 0.0).longValue()));
            active += hb.load().getOrDefault("active_plans", 0.0);
            draining |= drain > 0;
            versions.add(hb.version());
            schemas.add(hb.schemaVersion());
        }
        return new SuiteStatus(instances, (long) active, draining, versions, schemas,
                links.links().stream().collect(java.util.stream.Collectors.toMap(LinkRegistry.Link::service,
                        LinkRegistry.Link::state, (a, b) -> a, TreeMap::new)), Instant.now());
    }

    @GET
    @Path("/metrics")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getSuiteMetrics", summary = "Shard figures across every live planner",
            description = "build_shards: created, done, failed, cached, split, in flight, per-kind p95, concurrency"
                    + " limit.")
    @APIResponse(responseCode = "200", description = "The figures", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = SuiteMetrics.class)))
    public SuiteMetrics metrics() {
        Map<String, Double> sums = new TreeMap<>();
        Map<String, Double> p95 = new TreeMap<>();
        double limit = 0;
        int instances = 0;
        for (Events.Heartbeat hb : links.live(PLANNER)) {
            instances++;
            for (var e : hb.load().entrySet()) {
                if (e.getKey().startsWith("p95_ms.")) {
                    p95.merge(e.getKey().substring("p95_ms.".length()), e.getValue(), Math::max);
                } else if (e.getKey().startsWith("shards_")) {
                    sums.merge(e.getKey().substring("shards_".length()), e.getValue(), Double::sum);
                }
            }
            limit = Math.max(limit, hb.load().getOrDefault("concurrency_limit", 0.0));
        }
        Map<String, Long> perKind = new TreeMap<>();
        p95.forEach((k, v) -> perKind.put(k, v.longValue()));
        BuildShards build = new BuildShards(sum(sums, "created"), sum(sums, "done"), sum(sums, "failed"),
                sum(sums, "cached"), sum(sums, "split"), sum(sums, "in_flight"), perKind, (long) limit);
        return new SuiteMetrics(build, instances, Instant.now());
    }

    private static long sum(Map<String, Double> sums, String key) {
        return sums.getOrDefault(key, 0.0).longValue();
    }

    @POST
    @Path("/graceful-shutdown")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(operationId = "drainPlanners", summary = "Drain every planner",
            description = "Each planner stops claiming, finishes what is in flight and checkpoints; 202, then"
                    + " GET /api/hxo/status shows drained.")
    @APIResponse(responseCode = "202", description = "Draining", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DrainAnswer.class)))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> gracefulShutdown() {
        return commands.broadcast(Topic.HXO_COMMANDS, Commands.DRAIN, Map.of()).map(replies -> {
            Map<String, String> byInstance = new TreeMap<>();
            for (Reply r : replies) {
                if (r.isSuccess() && r.body() != null) {
                    byInstance.put(r.body().path("instance").asText(), r.body().path("state").asText());
                }
            }
            return Response.accepted(new DrainAnswer(byInstance)).build();
        });
    }
}
