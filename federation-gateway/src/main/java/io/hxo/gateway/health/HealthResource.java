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

/**
 * {@code GET /health}, open to all: 200 when the gateway's own dependencies (Kafka, PostgreSQL)
 * answer, 503 naming the one that does not. Links are listed with their state; a degraded peer
 * makes the status {@code DEGRADED} but not a 503, so a platform never restarts a healthy gateway
 * because another service is down.
 */
@Path("/health")
@PermitAll
public class HealthResource {
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
    @Operation(summary = "Health of the gateway and its dependencies (no authentication)")
    public Response health() {
        KafkaProbe.Check k = kafka.check();
        KafkaProbe.Check d = database.check();
        Map<String, Object> linkStates = new LinkedHashMap<>();
        boolean allHealthy = true;
        for (LinkRegistry.Link l : links.links()) {
            linkStates.put(l.service(), l.state());
            allHealthy &= l.state().equals("healthy");
        }
        boolean up = k.up() && d.up();
        Map<String, Object> checks = new LinkedHashMap<>();
        checks.put("kafka", check(k));
        checks.put("database", check(d));
        checks.put("links", linkStates);
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", !up ? "DOWN" : allHealthy ? "UP" : "DEGRADED");
        body.put("checks", checks);
        return Response.status(up ? 200 : 503).entity(body).type(MediaType.APPLICATION_JSON).build();
    }

    private static Map<String, Object> check(KafkaProbe.Check c) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("status", c.up() ? "UP" : "DOWN");
        m.put("detail", c.detail());
        m.put("latency_ms", c.latencyMs());
        return m;
    }
}
