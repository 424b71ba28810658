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
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
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
    private final LinkRegistry links;
    private final SecurityIdentity identity;

    public HxoResource(CommandBus commands, LinkRegistry links, SecurityIdentity identity) {
        this.commands = commands;
        this.links = links;
        this.identity = identity;
    }

    @POST
    @Path("/create-and-submit")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(summary = "Create a plan and start it; 202 with the plan id and its status URL")
    public Uni<Response> createAndSubmit(String body) {
        JsonNode plan = parsePlan(body);
        String planId = EventIds.nextString();
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_SUBMIT, planId,
                        new Commands.SubmitPlan(planId, plan, true, identity.getPrincipal().getName()))
                .map(reply -> {
                    if (!reply.isSuccess()) {
                        return problem(reply);
                    }
                    String id = reply.body().path("plan_id").asText(planId);
                    return Response.status(reply.status()).location(URI.create("/api/hxo/status/" + id))
                            .entity(reply.body()).build();
                });
    }

    @GET
    @Path("/status/{plan_id}")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "A plan's status: counts per state, Merkle root, certificate, times")
    public Uni<Response> status(@PathParam("plan_id") String planId) {
        String id = uuid(planId);
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_STATUS, id, new Commands.PlanQuery(id))
                .map(reply -> reply.isSuccess() ? Response.ok(reply.body()).build() : problem(reply));
    }

    @GET
    @Path("/links/health")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(summary = "Each peer service's link: state, instances, last seen, versions")
    public Map<String, Object> linksHealth() {
        return Map.of("links", links.links(), "checked_at", Instant.now());
    }

    private static JsonNode parsePlan(String body) {
        if (body == null || body.isBlank()) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "the request body must be a JSON plan");
        }
        JsonNode plan;
        try {
            plan = Json.tree(body.getBytes(java.nio.charset.StandardCharsets.UTF_8));
        } catch (IllegalArgumentException e) {
            throw ApiProblem.of(400, "malformed-json", "Malformed JSON", e.getMessage());
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
