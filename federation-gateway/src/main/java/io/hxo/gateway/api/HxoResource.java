package io.hxo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.EventIds;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.PlanReplies;
import io.hxo.contracts.payload.PlanSpec;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.consensus.Decisions;
import io.hxo.gateway.links.LinkRegistry;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.gateway.problem.ProblemMappers;
import io.hxo.gateway.reads.PlanStatusReads;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.net.URI;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.headers.Header;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** The HXO routes of SPEC section 6. Each one is a Kafka command to the planner, answered in time or 504. */
@Path("/api/hxo")
@Produces(MediaType.APPLICATION_JSON)
@Tag(name = "plans")
public class HxoResource {
    static final String PLAN_ID = "The plan's id (a UUID)";
    static final String LOCATION = "The plan's status: /api/hxo/status/{plan_id}";

    /** {"plan_id"}: start a plan created earlier with POST /api/hxo/plan. */
    @Schema(name = "PlanStart", description = "Start a plan created earlier with POST /api/hxo/plan")
    public record PlanStart(@Schema(required = true, format = "uuid") String planId) {
    }

    @Schema(name = "RollbackRequest")
    public record RollbackRequest(@Schema(required = true, format = "uuid",
            description = "A deployment id from GET /api/hxo/deployments/rollback-points") String deploymentId) {
    }

    @Schema(name = "LinksHealth", description = "Each peer service's link as this gateway sees it")
    public record LinksHealth(@Schema(required = true) List<LinkRegistry.Link> links,
            @Schema(required = true) Instant checkedAt) {
    }

    private final CommandBus commands;
    private final PlanStatusReads statusReads;
    private final LinkRegistry links;
    private final SecurityIdentity identity;
    private final Decisions decisions;

    public HxoResource(CommandBus commands, PlanStatusReads statusReads, LinkRegistry links, SecurityIdentity identity,
            Decisions decisions) {
        this.decisions = decisions;
        this.commands = commands;
        this.statusReads = statusReads;
        this.links = links;
        this.identity = identity;
    }

    @POST
    @Path("/create-and-submit")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(operationId = "createAndSubmitPlan", summary = "Create a plan and start it",
            description = "202 with the plan id and, in Location, its status URL. A plan whose idempotency_key was"
                    + " seen before answers that plan (200, duplicate: true).")
    @APIResponse(responseCode = "202", description = "Created and started", headers = @Header(name = "Location",
            description = LOCATION, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Accepted.class),
                    examples = @ExampleObject(name = "seed", value = Examples.ACCEPTED)))
    @APIResponse(responseCode = "200", description = "The plan with this idempotency_key, submitted before",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Accepted.class)))
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> createAndSubmit(@RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanSpec.class),
            examples = @ExampleObject(name = "seed", summary = "The seed's plan", value = Examples.SEED_PLAN)))
            String body) {
        return create(parsePlan(body), true);
    }

    @POST
    @Path("/plan")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(operationId = "createPlan", summary = "Create a plan without starting it",
            description = "The plan is stored with status accepted; start it with POST /api/hxo/submit {\"plan_id\"}.")
    @APIResponse(responseCode = "202", description = "Created (status accepted)", headers = @Header(name = "Location",
            description = LOCATION, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Accepted.class)))
    @APIResponse(responseCode = "200", description = "The plan with this idempotency_key, submitted before",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Accepted.class)))
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> plan(@RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanSpec.class),
            examples = @ExampleObject(name = "seed", summary = "The seed's plan", value = Examples.SEED_PLAN)))
            String body) {
        return create(parsePlan(body), false);
    }

    @POST
    @Path("/submit")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(operationId = "submitPlan", summary = "Start a plan",
            description = "{\"plan_id\"} starts a plan created with POST /api/hxo/plan; a whole plan is created and"
                    + " started, as with create-and-submit.")
    @APIResponse(responseCode = "202", description = "Started", headers = @Header(name = "Location",
            description = LOCATION, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Accepted.class)))
    @APIResponse(responseCode = "200", description = "The plan with this idempotency_key, submitted before",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Accepted.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "422", ref = "Unprocessable")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> submit(@RequestBody(required = true, content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(oneOf = {PlanStart.class, PlanSpec.class}),
            examples = {@ExampleObject(name = "start", summary = "Start an accepted plan", value = Examples.START),
                    @ExampleObject(name = "seed", summary = "Create and start the seed's plan",
                            value = Examples.SEED_PLAN)}))
            String body) {
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
    @Operation(operationId = "listPlans", summary = "Plans, newest first",
            description = "Filter by status; page with before = the answer's next_before.")
    @APIResponse(responseCode = "200", description = "A page of plans", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Page.class)))
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> plans(
            @Parameter(description = "Only plans in this status", example = "running") @QueryParam("status") String status,
            @Parameter(description = "At most this many (1 to 500)", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "500"))
            @QueryParam("limit") @DefaultValue("50") int limit,
            @Parameter(description = "Plans created before this instant (a previous page's next_before)",
                    schema = @Schema(type = SchemaType.STRING, format = "date-time")) @QueryParam("before") String before) {
        if (limit < 1 || limit > 500) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "limit must be 1 to 500");
        }
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_LIST, EventIds.nextString(),
                new Commands.ListPlans(status, limit, before)).map(HxoResource::answer);
    }

    @GET
    @Path("/report/{plan_id}")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getPlanReport", summary = "A plan's report",
            description = "Status, duration, stage roots, shards that failed for good, splits and the plan as run.")
    @APIResponse(responseCode = "200", description = "The report", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Report.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> report(@Parameter(description = PLAN_ID, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("plan_id") String planId) {
        return forPlan(Commands.PLAN_REPORT, planId);
    }

    @GET
    @Path("/plan/{plan_id}/proof/{cas_id}")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Tag(name = "proofs")
    @Operation(operationId = "getShardProof", summary = "A shard's RFC 9162 inclusion proof",
            description = "Proves the shard's result is a leaf of the plan's Merkle root; verify it offline with"
                    + " hxoctl proof. 409 until the plan has a root.")
    @APIResponse(responseCode = "200", description = "The proof", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = InclusionProof.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> proof(@Parameter(description = PLAN_ID, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("plan_id") String planId,
            @Parameter(description = "The shard's content address: 64 lowercase hex characters",
                    schema = @Schema(type = SchemaType.STRING, pattern = "^[0-9a-f]{64}$")) @PathParam("cas_id") String casId) {
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
    @Operation(operationId = "abortPlan", summary = "Abort a plan",
            description = "Dispatch stops, running shards are cancelled, no later stage runs. 409 when it has ended.")
    @APIResponse(responseCode = "200", description = "Aborted", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Aborted.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> abort(@Parameter(description = PLAN_ID, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("plan_id") String planId) {
        return changePlan(Commands.PLAN_ABORT, planId);
    }

    @POST
    @Path("/replay/{plan_id}")
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(operationId = "replayPlan", summary = "Replay a halted, aborted or timed-out plan",
            description = "Its failed (and never-run) shards and what depends on them run again; 409 for a plan in"
                    + " another state.")
    @APIResponse(responseCode = "202", description = "Running again", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Replayed.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "409", ref = "Conflict")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> replay(@Parameter(description = PLAN_ID, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("plan_id") String planId) {
        return changePlan(Commands.PLAN_REPLAY, planId);
    }

    @GET
    @Path("/deployments/rollback-points")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Tag(name = "deployments")
    @Operation(operationId = "listRollbackPoints", summary = "Deployments that can be rolled back to",
            description = "Id, plan, name, finished, root, certificate and hook result of each.")
    @APIResponse(responseCode = "200", description = "The rollback points", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.RollbackPoints.class)))
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> rollbackPoints() {
        return commands.request(Topic.HXO_COMMANDS, Commands.DEPLOYMENTS, EventIds.nextString(),
                java.util.Map.of()).map(HxoResource::answer);
    }

    @POST
    @Path("/rollback")
    @RolesAllowed(Roles.ADMIRAL)
    @Tag(name = "deployments")
    @Operation(operationId = "rollbackDeployment", summary = "Roll back to a deployment",
            description = "A new plan re-applies the deployment's recorded artifacts; 202 with its id and Location.")
    @APIResponse(responseCode = "202", description = "The rollback plan started", headers = @Header(name = "Location",
            description = LOCATION, schema = @Schema(type = SchemaType.STRING)),
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanReplies.Accepted.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> rollback(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = RollbackRequest.class))) String body) {
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
    @Operation(operationId = "getPlanStatus", summary = "A plan's status",
            description = "Counts per state, Merkle root, certificate, times, ETA and per-stage counts; at most"
                    + " HXO_STATUS_MAX_AGE_MS old.")
    @APIResponse(responseCode = "200", description = "The status", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PlanStatus.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> status(@Parameter(description = PLAN_ID, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("plan_id") String planId) {
        return statusReads.status(uuid(planId)).map(HxoResource::answer);
    }

    @GET
    @Path("/plan/{plan_id}/shards")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Tag(name = "proofs")
    @Operation(operationId = "listPlanShards", summary = "A plan's shards, page by page",
            description = "Each shard in Merkle order with its stage, slot (index), position (the cursor), CAS id,"
                    + " state (pending, done, failed), attempts, how long its successful attempt ran, output digest,"
                    + " whether it was served from the store, and the last error of a shard that failed for good."
                    + " A running plan's shard whose result is not checkpointed yet shows as pending. Page with"
                    + " after = the answer's next.")
    @APIResponse(responseCode = "200", description = "A page of shards", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Commands.ShardPage.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> shards(@Parameter(description = PLAN_ID, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("plan_id") String planId,
            @Parameter(description = "Only shards in this state", schema = @Schema(type = SchemaType.STRING,
                    enumeration = {"pending", "done", "failed"})) @QueryParam("state") String state,
            @Parameter(description = "Only shards of this stage", example = "pack") @QueryParam("stage") String stage,
            @Parameter(description = "Shards after this position (a previous page's next)",
                    schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "-1"))
            @QueryParam("after") Integer after,
            @Parameter(description = "At most this many (1 to 1000)", schema = @Schema(type = SchemaType.INTEGER,
                    format = "int32", minimum = "1", maximum = "1000")) @QueryParam("limit") @DefaultValue("100") int limit) {
        String id = uuid(planId);
        if (limit < 1 || limit > Commands.MAX_SHARDS_PAGE || (after != null && after < -1)) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "limit must be 1 to "
                    + Commands.MAX_SHARDS_PAGE + " and after -1 or more");
        }
        if (state != null && !List.of("pending", "done", "failed").contains(state)) {
            throw ApiProblem.of(400, "invalid-request", "Invalid request", "state must be pending, done or failed");
        }
        return commands.request(Topic.HXO_COMMANDS, Commands.PLAN_SHARDS, id,
                new Commands.ShardsQuery(id, state, stage, after, limit)).map(HxoResource::answer);
    }

    @GET
    @Path("/plan/{plan_id}/certificate")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Tag(name = "proofs")
    @Operation(operationId = "getPlanCertificate", summary = "A plan's certificate",
            description = "The consensus decision: outcome, root, size, algorithm, mode, every signed vote and the"
                    + " validators that did not vote; 404 until decided.")
    @APIResponse(responseCode = "200", description = "The certificate", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Events.Certificate.class)))
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> certificate(@Parameter(description = PLAN_ID, schema = @Schema(type = SchemaType.STRING, format = "uuid"))
            @PathParam("plan_id") String planId) {
        String id = uuid(planId);
        // Decided here: served at once. Decided elsewhere (another instance, before a restart): the planner's record.
        var decided = decisions.of(id);
        if (decided.isPresent()) {
            return Uni.createFrom().item(Response.ok(decided.get()).build());
        }
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
    @Tag(name = "links")
    @Operation(operationId = "getLinksHealth", summary = "Each peer service's link",
            description = "State (healthy, degraded, down, unknown) and why, instances, last seen, ping round trips"
                    + " p50/p99, versions and schema versions.")
    @APIResponse(responseCode = "200", description = "The links", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = LinksHealth.class)))
    public LinksHealth linksHealth() {
        return new LinksHealth(links.links(), Instant.now());
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
