package io.hxo.gateway.health;

import io.hxo.gateway.links.LinkRegistry;
import jakarta.annotation.security.PermitAll;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * {@code GET /health}, open to all: 200 when the gateway's own dependencies (Kafka, PostgreSQL)
 * answer, 503 naming the one that does not. Links are listed with their state; a degraded peer
 * makes the status {@code DEGRADED} but not a 503, so a platform never restarts a healthy gateway
 * because another service is down.
 */
@Path("/health")
@PermitAll
@Tag(name = "links")
public class HealthResource {
    @Schema(name = "Health", description = "The gateway's health: UP, DEGRADED (a link is not healthy) or DOWN (Kafka"
            + " or the database does not answer)")
    public record Health(@Schema(required = true, enumeration = {"UP", "DEGRADED", "DOWN"}) String status,
            @Schema(required = true) Checks checks) {
    }

    @Schema(name = "HealthChecks")
    public record Checks(@Schema(required = true) Dependency kafka, @Schema(required = true) Dependency database,
            @Schema(required = true, description = "Each peer service's link state") Map<String, String> links) {
    }

    @Schema(name = "DependencyHealth")
    public record Dependency(@Schema(required = true, enumeration = {"UP", "DOWN"}) String status, String detail,
            long latencyMs) {
    }

    private final KafkaProbe kafka;
    private final DatabaseProbe database;
    private final LinkRegistry links;

    public HealthResource(KafkaProbe kafka, DatabaseProbe database, LinkRegistry links) {
        this.kafka = kafka;
        this.database = database;
        this.links = links;
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @Operation(operationId = "getHealth", summary = "Health of the gateway and its dependencies",
            description = "No authentication. 200 while Kafka and the database answer (a degraded link makes the"
                    + " status DEGRADED, not a 503), 503 naming the one that does not.")
    @APIResponse(responseCode = "200", description = "Up (or degraded)", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    @APIResponse(responseCode = "503", description = "Down", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Health.class)))
    public Response health() {
        KafkaProbe.Check k = kafka.check();
        KafkaProbe.Check d = database.check();
        Map<String, String> linkStates = new LinkedHashMap<>();
        boolean allHealthy = true;
        for (LinkRegistry.Link l : links.links()) {
            linkStates.put(l.service(), l.state());
            allHealthy &= l.state().equals("healthy");
        }
        boolean up = k.up() && d.up();
        Health body = new Health(!up ? "DOWN" : allHealthy ? "UP" : "DEGRADED",
                new Checks(check(k), check(d), linkStates));
        return Response.status(up ? 200 : 503).entity(body).type(MediaType.APPLICATION_JSON).build();
    }

    private static Dependency check(KafkaProbe.Check c) {
        return new Dependency(c.up() ? "UP" : "DOWN", c.detail(), c.latencyMs());
    }
}
