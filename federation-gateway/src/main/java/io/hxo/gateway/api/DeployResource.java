package io.hxo.gateway.api;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.health.DatabaseProbe;
import io.hxo.gateway.links.LinkRegistry;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.schema.SchemaMigrator;
import io.quarkus.security.identity.SecurityIdentity;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.ExampleObject;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/** Deploy reports from CI and the database view of the suite. */
@Path("/api")
@Produces(MediaType.APPLICATION_JSON)
public class DeployResource {
    @Schema(name = "DeployEvent", description = "A deploy as CI or the platform reports it")
    public record DeployEvent(@Schema(required = true, enumeration = {"start", "success", "failure"}) String status,
            @Schema(maxLength = MAX_FIELD) String deploymentId, @Schema(maxLength = MAX_FIELD) String service,
            @Schema(maxLength = MAX_FIELD) String commit, @Schema(maxLength = MAX_FIELD) String url,
            @Schema(maxLength = MAX_FIELD) String message, Platform platform) {
    }

    @Schema(name = "DeployPlatform", description = "Where a certified plan went live, for platform rollbacks")
    public record Platform(@Schema(required = true, enumeration = {"render", "netlify"}) String name,
            @Schema(required = true, description = "Render service id or Netlify site id", pattern = "^[A-Za-z0-9_-]{1,100}$")
            String serviceId,
            @Schema(required = true, description = "the platform's deploy id", pattern = "^[A-Za-z0-9_-]{1,100}$")
            String deployId,
            @Schema(required = true, description = "the HXO plan whose certified result this deploy shipped",
                    format = "uuid") String planId) {
    }

    @Schema(name = "EventAccepted", description = "The event was published")
    public record EventAccepted(@Schema(required = true) String id, @Schema(required = true) String topic) {
    }

    @Schema(name = "DatabaseHealth")
    public record DatabaseHealth(@Schema(required = true, enumeration = {"UP", "DOWN"}) String status, String detail,
            long latencyMs,
            @Schema(description = "The gateway's schema version, and each service's as its instances report them")
            Map<String, Object> schemaVersions) {
    }

    private static final Map<String, Topic> STATUSES = Map.of("start", Topic.DEPLOY_PLATFORM_START,
            "success", Topic.DEPLOY_PLATFORM_SUCCESS, "failure", Topic.DEPLOY_PLATFORM_FAILURE);
    private static final int MAX_FIELD = 500;

    private final HxoPublisher publisher;
    private final CommandBus commands;
    private final SecurityIdentity identity;
    private final DatabaseProbe database;
    private final LinkRegistry links;
    private final SchemaMigrator schema;

    public DeployResource(HxoPublisher publisher, CommandBus commands, SecurityIdentity identity,
            DatabaseProbe database, LinkRegistry links, SchemaMigrator schema) {
        this.publisher = publisher;
        this.commands = commands;
        this.identity = identity;
        this.database = database;
        this.links = links;
        this.schema = schema;
    }

    @POST
    @Path("/deploy/events")
    @RolesAllowed(Roles.ADMIRAL)
    @Tag(name = "deployments")
    @Operation(operationId = "reportDeploy", summary = "CI reports a deploy",
            description = "Published on deploy.platform.<status>, signed by the gateway. A platform block says where a"
                    + " certified plan went live (Render service and deploy, or Netlify site and deploy): a certified rollback"
                    + " to that plan rolls the platform back to it.")
    @APIResponse(responseCode = "202", description = "Published", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = EventAccepted.class)))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> deployEvent(@RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DeployEvent.class), examples = @ExampleObject(name = "success",
            value = "{\"status\":\"success\",\"deployment_id\":\"dpl-42\",\"service\":\"federation-gateway\","
                    + "\"commit\":\"3f1d2b8\",\"platform\":{\"name\":\"render\",\"service_id\":\"srv-api\","
                    + "\"deploy_id\":\"dep-42\",\"plan_id\":\"0190f6a2-7c1e-7b7a-9c1e-1d2f3a4b5c6d\"}}"))) String body) {
        JsonNode in = ApiProblem.jsonObject(body, "with at least \"status\"");
        String status = text(in, "status");
        Topic topic = status == null ? null : STATUSES.get(status);
        if (topic == null) {
            throw bad("status must be one of start, success, failure");
        }
        Events.DeployReport report = new Events.DeployReport(status, text(in, "deployment_id"), text(in, "service"),
                text(in, "commit"), text(in, "url"), text(in, "message"), identity.getPrincipal().getName(),
                Instant.now(), platform(in.get("platform")));
        CloudEvent ev = publisher.event(topic.topicName(), report.deploymentId(), report);
        return commands.publish(topic, ev)
                .map(sent -> Response.accepted(new EventAccepted(ev.id(), topic.topicName())).build());
    }

    @GET
    @Path("/db/health")
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Blocking
    @Tag(name = "links")
    @Operation(operationId = "getDatabaseHealth", summary = "Database reachability and schema versions",
            description = "From the gateway, with every service's schema version from its heartbeats; 503 when the"
                    + " database does not answer.")
    @APIResponse(responseCode = "200", description = "Reachable", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DatabaseHealth.class)))
    @APIResponse(responseCode = "503", description = "Not reachable", content = @Content(mediaType = MediaType.APPLICATION_JSON,
            schema = @Schema(implementation = DatabaseHealth.class)))
    public Response dbHealth() {
        var check = database.check();
        Map<String, Object> schemas = new TreeMap<>();
        schemas.put("federation-gateway", schema.version());
        for (LinkRegistry.Link link : links.links()) {
            schemas.put(link.service(), links.live(link.service()).stream().map(Events.Heartbeat::schemaVersion)
                    .distinct().sorted().toList());
        }
        DatabaseHealth out = new DatabaseHealth(check.up() ? "UP" : "DOWN", check.detail(), check.latencyMs(), schemas);
        return Response.status(check.up() ? 200 : 503).entity(out).build();
    }

    /**
     * Where the deploy landed ({@code {"name": "render"|"netlify", "service_id", "deploy_id", "plan_id"}}):
     * what a later rollback needs to roll the platform back to this deploy. Optional.
     */
    private static Events.Platform platform(JsonNode p) {
        if (p == null || p.isNull()) {
            return null;
        }
        if (!p.isObject()) {
            throw bad("platform must be an object with name, service_id, deploy_id and plan_id");
        }
        String name = text(p, "name");
        if (!"render".equals(name) && !"netlify".equals(name)) {
            throw bad("platform.name must be render or netlify");
        }
        String service = text(p, "service_id");
        String deploy = text(p, "deploy_id");
        for (String[] id : new String[][] {{"platform.service_id", service}, {"platform.deploy_id", deploy}}) {
            if (id[1] == null || !PLATFORM_ID.matcher(id[1]).matches()) {
                throw bad(id[0] + " must be the platform's id (letters, digits, '-' and '_', at most 100)");
            }
        }
        String plan = text(p, "plan_id");
        try {
            java.util.UUID.fromString(plan == null ? "" : plan);
        } catch (IllegalArgumentException e) {
            throw bad("platform.plan_id must be the id of the HXO plan this deploy shipped");
        }
        return new Events.Platform(name, service, deploy, plan);
    }

    private static final java.util.regex.Pattern PLATFORM_ID = java.util.regex.Pattern.compile("[A-Za-z0-9_-]{1,100}");

    private static String text(JsonNode in, String field) {
        JsonNode v = in.get(field);
        if (v == null || v.isNull()) {
            return null;
        }
        if (!v.isTextual() || v.asText().length() > MAX_FIELD) {
            throw bad(field + " must be a string of at most " + MAX_FIELD + " characters");
        }
        return v.asText();
    }

    private static ApiProblem bad(String detail) {
        return ApiProblem.badRequest(detail);
    }
}
