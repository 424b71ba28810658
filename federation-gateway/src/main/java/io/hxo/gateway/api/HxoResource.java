package io.hxo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.EventIds;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.links.LinkRegistry;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.gateway.problem.ProblemMappers;
import io.hxo.gateway.reads.PlanStatusReads;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;

/** The HXO routes of SPEC section 6. Each one is a Kafka command to the planner, answered in time or 504. */
@Path("/api/hxo")
@Produces(MediaType.APPLICATION_JSON)
public class HxoResource {
    private final CommandBus commands;
    private final PlanStatusReads statusReads;
    private final LinkRegistry links;
    private final SecurityIdentity identity;

    public HxoResource(CommandBus commands, PlanStatusReads statusReads, LinkRegistry links, SecurityIdentity identity) {
        this.commands = commands;
        this.statusReads = statusReads;
        this.links = links;
        this.identity = identity;
    }

    @POST
    @Path("/create-and-submit")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Create a plan and start it; 202 with the plan id and its status URL")
    public Uni<Response> createAndSubmit(String body) {
        return create(parsePlan(body), true);
    }

    @POST
    @Path("/plan")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Create a plan without starting it (status accepted); start it with /submit")
    public Uni<Response> plan(String body) {
        return create(parsePlan(body), false);
    }

    @POST
    @Path("/submit")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Start a plan: {\"plan_id\"} of an accepted plan, or a whole plan (created and started)")
    public Uni<Response> submit(String body) {
        JsonNode json = parsePlan(body);
        if (json.size() == 1 && json.has("plan_id")) {
            String id = uuid(json.get("plan_id").asText());
            statusReads.forget(id);
            return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_START, id, new Commands.PlanQuery(id))
                    .map(reply -> located(reply, id));
        }
        return create(json, true);
    }

    private Uni<Response> create(JsonNode plan, boolean start) {
        String planId = EventIds.nextString();
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_SUBMIT, planId,
                        new Commands.SubmitPlan(planId, plan, start, identity.getPrincipal().getName()))
                .map(reply -> located(reply, planId));
    }

    private static Response located(Reply reply, String planId) {
        if (!reply.isSuccess()) {
            return problem(reply);
        }
        String id = reply.body().path("plan_id").asText(planId);
        return Response.status(reply.status()).location(URI.create("/api/hxo/status/" + id)).entity(reply.body())
                .build();
    }

    @GET
    @Path("/plans")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "Plans, newest first; ?status= filters, ?limit= (≤ 500), ?before= pages")
    public Uni<Response> plans(@QueryParam("status") String status, @QueryParam("limit") @DefaultValue("50") int limit,
            @QueryParam("before") String before) {
        if (limit < 1 || limit > 500) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "limit must be 1 to 500");
        }
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_LIST, EventIds.nextString(),
                new Commands.ListPlans(status, limit, before)).map(HxoResource::answer);
    }

    @GET
    @Path("/report/{plan_id}")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "A plan's report: status, duration, stage roots, shards that failed for good")
    public Uni<Response> report(@PathParam("plan_id") String planId) {
        return forPlan(Commands.PLAN_REPORT, planId);
    }

    @GET
    @Path("/plan/{plan_id}/proof/{cas_id}")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "A shard's RFC 9162 inclusion proof; verify it offline with hxoctl proof")
    public Uni<Response> proof(@PathParam("plan_id") String planId, @PathParam("cas_id") String casId) {
        String id = uuid(planId);
        if (!io.hxo.contracts.hash.Hex.isHash(casId)) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "cas_id must be 64 lowercase hex characters");
        }
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_PROOF, id, new Commands.ProofQuery(id, casId))
                .map(HxoResource::answer);
    }

    @POST
    @Path("/abort/{plan_id}")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Abort a plan: dispatch stops, running shards are cancelled, no later stage runs")
    public Uni<Response> abort(@PathParam("plan_id") String planId) {
        return changePlan(Commands.PLAN_ABORT, planId);
    }

    @POST
    @Path("/replay/{plan_id}")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Replay a halted, aborted or timed-out plan: failed shards and what is downstream run again")
    public Uni<Response> replay(@PathParam("plan_id") String planId) {
        return changePlan(Commands.PLAN_REPLAY, planId);
    }

    @GET
    @Path("/deployments/rollback-points")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "Deployments that can be rolled back to: id, plan, name, finished, root, certificate")
    public Uni<Response> rollbackPoints() {
        return commands.request(Topic.HXO_COMMANDS, Commands.DEPLOYMENTS, EventIds.nextString(),
                java.util.Map.of()).map(HxoResource::answer);
    }

    @POST
    @Path("/rollback")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Roll back to a deployment {\"deployment_id\"}: a new plan re-applies its recorded artifacts")
    public Uni<Response> rollback(String body) {
        JsonNode json = parsePlan(body);
        JsonNode id = json.get("deployment_id");
        if (id == null || !id.isTextual()) {
            throw new ApiProblem(Problem.invalid(400, "deployment_id is required",
                    java.util.List.of(new Problem.FieldError("deployment_id", "is required"))));
        }
        String deploymentId = uuid(id.asText());
        String planId = EventIds.nextString();
        return commands.request(Topic.HXO_COMMANDS, Commands.ROLLBACK, planId,
                        new Commands.Rollback(deploymentId, planId, identity.getPrincipal().getName()))
                .map(reply -> located(reply, planId));
    }

    /** A command that moves the plan: a status read after it must not be one from before. */
    private Uni<Response> changePlan(String type, String planId) {
        String id = uuid(planId);
        statusReads.forget(id);
        return forPlan(type, id).invoke(answered -> statusReads.forget(id));
    }

    private Uni<Response> forPlan(String type, String planId) {
        String id = uuid(planId);
        return commands.request(Topic.HXO_COMMANDS, type, id, new Commands.PlanQuery(id)).map(HxoResource::answer);
    }

    private static Response answer(Reply reply) {
        return reply.isSuccess() ? Response.status(reply.status()).entity(reply.body()).build() : problem(reply);
    }

    @GET
    @Path("/status/{plan_id}")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "A plan's status: counts per state, Merkle root, certificate, times")
    public Uni<Response> status(@PathParam("plan_id") String planId) {
        return statusReads.status(uuid(planId)).map(HxoResource::answer);
    }

    @GET
    @Path("/plan/{plan_id}/certificate")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "A plan's certificate: root, size, algorithm, consensus mode, every signed vote; 404 until decided")
    public Uni<Response> certificate(@PathParam("plan_id") String planId) {
        String id = uuid(planId);
        return statusReads.status(id).map(reply -> {
            if (!reply.isSuccess()) {
                return problem(reply);
            }
            JsonNode cert = reply.body().path("certificate");
            if (cert.isMissingNode() || cert.isNull()) {
                throw ApiProblem.of(404, "not-found", "No certificate", "plan " + id + " is "
                        + reply.body().path("status").asText() + "; it has no consensus decision yet");
            }
            return Response.ok(cert).build();
        });
    }

    @GET
    @Path("/links/health")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "Each peer service's link: state (healthy, degraded, down, unknown) and why, instances, last seen, ping RTT p50/p99, versions and schema versions")
    public Map<String, Object> linksHealth() {
        return Map.of("links", links.links(), "checked_at", Instant.now());
    }

    private static JsonNode parsePlan(String body) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "the request body must be a JSON plan");
        }
        JsonNode plan;
        try {
            plan = ApiProblem.strictTree(body);
        } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
            throw ApiProblem.of(400, "malformed-json", "Malformed JSON", "the body is not JSON: " + e.getOriginalMessage());
        }
        if (!plan.isObject()) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "the plan must be a JSON object");
        }
        return plan;
    }

    private static String uuid(String s) {
        try {
            return UUID.fromString(s).toString();
        } catch (IllegalArgumentException e) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "plan_id must be a UUID");
        }
    }

    private static Response problem(Reply reply) {
        Problem p = reply.problem() != null ? reply.problem()
                : Problem.of(reply.status(), "error", "Error", "the service answered " + reply.status());
        return ProblemMappers.respond(p, null);
    }
}
