package io.hxo.gateway.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.catalog.EventCatalog;
import io.hxo.contracts.payload.Problem;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.problem.ApiProblem;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The event catalog for subscribers: the JSON Schema of each event type's {@code data}, the document
 * an event's CloudEvents {@code dataschema} ({@code urn:hxo:schema:<type>}) names. The catalog is part
 * of the wire ({@link EventCatalog}), so any gateway answers without asking the bus.
 */
@Path("/api/genesis/schemas")
@Tag(name = "bus")
public class SchemaResource {
    static final String SCHEMA_JSON = "application/schema+json";

    /** One catalogued event type: its name (the topic it travels on) and its {@code dataschema}. */
    @Schema(name = "EventType")
    public record EventType(String type, String dataschema) {
    }

    /** The catalog: every event type HXO publishes with a schema. */
    @Schema(name = "EventTypes")
    public record EventTypes(List<EventType> types) {
    }

    @GET
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "listEventSchemas",
            summary = "Every event type HXO publishes, with the dataschema URI its events carry")
    @APIResponse(responseCode = "200", description = "The event types of the catalog",
            content = @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = EventTypes.class)))
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (see Retry-After)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public EventTypes list() {
        return new EventTypes(EventCatalog.types().keySet().stream()
                .map(t -> new EventType(t, EventCatalog.dataSchema(t))).toList());
    }

    @GET
    @Path("/{type}")
    @Produces({SCHEMA_JSON, MediaType.APPLICATION_JSON})
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getEventSchema",
            summary = "The JSON Schema (draft 2020-12) of an event type's data; its $id is the events' dataschema")
    @APIResponse(responseCode = "200", description = "The JSON Schema of the type's data",
            content = {
                @Content(mediaType = SCHEMA_JSON, schema = @Schema(type = SchemaType.OBJECT,
                        description = "A JSON Schema document (draft 2020-12)")),
                @Content(mediaType = MediaType.APPLICATION_JSON, schema = @Schema(type = SchemaType.OBJECT,
                        description = "A JSON Schema document (draft 2020-12)"))})
    @APIResponse(responseCode = "401", description = "No valid bearer token",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "404", description = "No event type of that name in the catalog",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    @APIResponse(responseCode = "429", description = "Rate limit exceeded (see Retry-After)",
            content = @Content(mediaType = Problem.MEDIA_TYPE, schema = @Schema(implementation = Problem.class)))
    public ObjectNode schema(@Parameter(description = "An event type, e.g. hxo.shard.done", example = "hxo.shard.done")
            @PathParam("type") String type) {
        return EventCatalog.schema(type).orElseThrow(() -> ApiProblem.of(404, "unknown-event-type",
                "Unknown event type", "no event type " + type + " in the catalog; GET /api/genesis/schemas lists them"));
    }
}
