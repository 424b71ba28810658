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
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The suite-wide views of the planners (from their heartbeats, which carry each instance's figures)
 * and the drain command, which reaches every planner instance through every partition of
 * {@code hxo.commands}.
 */
@Path("/api/hxo")
@Produces(MediaType.APPLICATION_JSON)
public class SuiteResource {
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
    @Operation(summary = "HXO overall: planner instances, active plans, draining, versions")
    public Map<String, Object> status() {
        List<Map<String, Object>> instances = new ArrayList<>();
        double active = 0;
        boolean draining = false;
        TreeSet<String> versions = new TreeSet<>();
        TreeSet<String> schemas = new TreeSet<>();
        for (Events.Heartbeat hb : links.live(PLANNER)) {
            Map<String, Object> i = new LinkedHashMap<>();
            i.put("instance", hb.instance());
            i.put("version", hb.version());
            i.put("schema_version", hb.schemaVersion());
            i.put("started_at", hb.startedAt());
            int drain = (int) (double) hb.load().getOrDefault("draining", 0.0);
            i.put("state", DRAIN_STATES[Math.max(0, Math.min(2, drain))]);
            i.put("active_plans", hb.load().getOrDefault("active_plans", 0.0).longValue());
            i.put("in_flight", hb.load().getOrDefault("shards_in_flight", 0.0).longValue());
            instances.add(i);
            active += hb.load().getOrDefault("active_plans", 0.0);
            draining |= drain > 0;
            versions.add(hb.version());
            schemas.add(hb.schemaVersion());
        }
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("instances", instances);
        body.put("active_plans", (long) active);
        body.put("draining", draining);
        body.put("versions", versions);
        body.put("schema_versions", schemas);
        body.put("links", links.links().stream().collect(java.util.stream.Collectors.toMap(LinkRegistry.Link::service,
                LinkRegistry.Link::state, (a, b) -> a, TreeMap::new)));
        body.put("at", Instant.now());
        return body;
    }

    @GET
    @Path("/metrics")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "build_shards across every live planner: created, done, failed, cached, split, in flight, "
            + "per-kind p95, concurrency limit")
    public Map<String, Object> metrics() {
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
        Map<String, Object> build = new LinkedHashMap<>();
        for (String k : List.of("created", "done", "failed", "cached", "split", "in_flight")) {
            build.put(k, sums.getOrDefault(k, 0.0).longValue());
        }
        Map<String, Long> perKind = new TreeMap<>();
        p95.forEach((k, v) -> perKind.put(k, v.longValue()));
        build.put("p95_ms", perKind);
        build.put("concurrency_limit", (long) limit);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("build_shards", build);
        body.put("planner_instances", instances);
        body.put("at", Instant.now());
        return body;
    }

    @POST
    @Path("/graceful-shutdown")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Drain every planner: stop claiming, finish what is in flight, checkpoint; 202, then "
            + "/api/hxo/status shows drained")
    public Uni<Response> gracefulShutdown() {
        return commands.broadcast(Topic.HXO_COMMANDS, Commands.DRAIN, Map.of()).map(replies -> {
            Map<String, Object> byInstance = new TreeMap<>();
            for (Reply r : replies) {
                if (r.isSuccess() && r.body() != null) {
                    byInstance.put(r.body().path("instance").asText(), r.body().path("state").asText());
                }
            }
            return Response.accepted(Map.of("instances", byInstance)).build();
        });
    }
}
