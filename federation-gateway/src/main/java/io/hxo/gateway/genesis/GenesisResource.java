package io.hxo.gateway.genesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Genesis;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.gateway.problem.ApiProblem;
import io.hxo.runtime.feed.TopicPattern;
import io.hxo.runtime.publish.HxoPublisher;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DefaultValue;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.sse.Sse;
import jakarta.ws.rs.sse.SseEventSink;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.enums.SchemaType;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.parameters.RequestBody;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

/**
 * The genesis bus's routes. The bus itself is private: history, metrics and logs are Kafka queries
 * on {@code genesis.commands}; the live stream follows {@code genesis.feed} ({@link BusFeed});
 * external events are published (and signed) by the gateway itself.
 */
@Path("/api")
@Tag(name = "bus")
public class GenesisResource {
    @Schema(name = "BusMetrics", description = "The bus's metrics: per-topic totals and rates, store size, dead"
            + " letters per reason, consumer lag, replay cache; and this gateway's live subscribers",
            additionalProperties = Schema.True.class)
    public record BusMetrics(@Schema(description = "SSE subscribers of this gateway") int liveSubscribers) {
    }

    @Schema(name = "PublishedEvent", description = "The event as the gateway signed and published it")
    public record PublishedEvent(@Schema(required = true) String id, @Schema(required = true) String source,
            @Schema(required = true) String topic, String subject, @Schema(required = true) Instant time) {
    }

    @Schema(name = "EventData", description = "An event's data: any JSON object", type = SchemaType.OBJECT,
            additionalProperties = Schema.True.class)
    public record EventData() {
    }

    /** Topics the engine and validators own: what appears there must come from them, not from outside. */
    private static final Set<String> ENGINE_OWNED = Set.of("hxo.plan", "hxo.shard.created", "hxo.shard.claimed",
            "hxo.shard.done", "hxo.shard.failed", "hxo.shard.split", "hxo.shard.retry", "hxo.aggregate.ready",
            "hxo.aggregate.vote", "hxo.aggregate.finalized", "hxo.aggregate.failed", "federation.heartbeat",
            "genesis.dlq");

    private final BusFeed feed;
    private final CommandBus commands;
    private final HxoPublisher publisher;
    private final GatewayConfig config;

    public GenesisResource(BusFeed feed, CommandBus commands, HxoPublisher publisher, GatewayConfig config) {
        this.feed = feed;
        this.commands = commands;
        this.publisher = publisher;
        this.config = config;
    }

    @GET
    @Path("/genesis/subscribe/{pattern}")
    @Produces(MediaType.SERVER_SENT_EVENTS)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "subscribeEvents", summary = "A live stream of stored events (Server-Sent Events)",
            description = "Events whose topic matches the pattern (*, hxo.*, hxo.alert). Each SSE event: id = the"
                    + " store's sequence number, event = the topic, data = a StoredEvent as JSON. Last-Event-ID or"
                    + " after resumes after that sequence number; a too slow client gets hxo.subscription.closed.")
    @APIResponse(responseCode = "200", description = "The stream", content = @Content(
            mediaType = MediaType.SERVER_SENT_EVENTS, schema = @Schema(type = SchemaType.STRING)))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public void subscribe(@Parameter(description = "*, a prefix such as hxo.*, or a topic name", example = "hxo.*")
            @PathParam("pattern") String pattern,
            @Parameter(description = "Resume after this sequence number") @HeaderParam("Last-Event-ID") String lastEventId,
            @Parameter(description = "Resume after this sequence number (when no Last-Event-ID)",
                    schema = @Schema(type = SchemaType.INTEGER, format = "int64", minimum = "0"))
            @QueryParam("after") String after, @Context SseEventSink sink, @Context Sse sse) {
        enabled();
        TopicPattern parsed = pattern(pattern);
        Long cursor = null;
        if (lastEventId != null && !lastEventId.isBlank()) {
            cursor = seq("Last-Event-ID", lastEventId);
        } else if (after != null) {
            cursor = seq("after", after);
        }
        feed.subscribe(parsed, cursor, sink, sse);
    }

    @GET
    @Path("/genesis/events")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "listEvents", summary = "Stored events",
            description = "By topic pattern, after a sequence number and/or in a time range [from, to); paged: pass"
                    + " the answer's through as the next after while more is true.")
    @APIResponse(responseCode = "200", description = "A page of events", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Genesis.HistoryPage.class)))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> events(
            @Parameter(description = "*, a prefix such as hxo.*, or a topic name") @QueryParam("topic")
            @DefaultValue("*") String topic,
            @Parameter(description = "After this sequence number", schema = @Schema(type = SchemaType.INTEGER,
                    format = "int64", minimum = "0")) @QueryParam("after") String after,
            @Parameter(description = "From this instant (inclusive)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            @QueryParam("from") String from,
            @Parameter(description = "Up to this instant (exclusive)", schema = @Schema(type = SchemaType.STRING, format = "date-time"))
            @QueryParam("to") String to,
            @Parameter(description = "At most this many (1 to 1000)", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1", maximum = "1000"))
            @QueryParam("limit") @DefaultValue("100") int limit) {
        enabled();
        if (limit < 1 || limit > Genesis.MAX_PAGE) {
            throw bad("limit must be between 1 and " + Genesis.MAX_PAGE);
        }
        Instant start = instant("from", from);
        Instant end = instant("to", to);
        if (start != null && end != null && !start.isBefore(end)) {
            throw bad("from must be before to");
        }
        Genesis.HistoryQuery q = new Genesis.HistoryQuery(pattern(topic).text(), after == null ? null : seq("after", after),
                start, end, limit);
        return forward(Genesis.HISTORY, q).map(body -> Response.ok(body).build());
    }

    @GET
    @Path("/genesis/metrics")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getBusMetrics", summary = "The bus's metrics",
            description = "Per-topic totals and rates, store size, dead letters per reason, consumer lag, replay cache"
                    + " size and hit rate, live subscribers.")
    @APIResponse(responseCode = "200", description = "The metrics", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = BusMetrics.class)))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> metrics() {
        enabled();
        return forward(Genesis.METRICS, Map.of()).map(body -> {
            if (body instanceof ObjectNode o) {
                o.put("live_subscribers", feed.liveSubscribers());
            }
            return Response.ok(body).build();
        });
    }

    @GET
    @Path("/logs/genesis")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed({Roles.CAPTAIN, Roles.ADMIRAL})
    @Operation(operationId = "getBusLogs", summary = "The genesis bus's recent log lines",
            description = "The last lines (1 to 1000) of the genesis bus's log, oldest first.")
    @APIResponse(responseCode = "200", description = "The lines", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = Genesis.LogLines.class)))
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    @APIResponse(responseCode = "504", ref = "GatewayTimeout")
    public Uni<Response> logs(@Parameter(description = "How many (1 to 1000)", schema = @Schema(type = SchemaType.INTEGER, format = "int32", minimum = "1",
            maximum = "1000")) @QueryParam("lines") @DefaultValue("100") int lines) {
        enabled();
        if (lines < 1 || lines > 1000) {
            throw bad("lines must be between 1 and 1000");
        }
        return forward(Genesis.LOGS, new Genesis.LogsQuery(lines)).map(body -> Response.ok(body).build());
    }

    @POST
    @Path("/genesis/publish/{topic}")
    @Produces(MediaType.APPLICATION_JSON)
    @RolesAllowed(Roles.ADMIRAL)
    @Operation(operationId = "publishEvent", summary = "Publish an external event",
            description = "The JSON object in the body is the event's data; the gateway signs it. Engine topics"
                    + " (hxo.plan, hxo.shard.*, hxo.aggregate.*, federation.heartbeat, genesis.dlq) take no external"
                    + " events (403).")
    @APIResponse(responseCode = "202", description = "Published", content = @Content(
            mediaType = MediaType.APPLICATION_JSON, schema = @Schema(implementation = PublishedEvent.class)))
    @APIResponse(responseCode = "403", ref = "Forbidden")
    @APIResponse(responseCode = "404", ref = "NotFound")
    @APIResponse(responseCode = "503", ref = "ServiceUnavailable")
    public Uni<Response> publish(@Parameter(description = "An event topic of the catalog", example = "hxo.alert")
            @PathParam("topic") String topic,
            @Parameter(description = "The event's subject (1 to 200 characters)") @QueryParam("subject") String subject,
            @RequestBody(required = true, content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = EventData.class))) String body) {
        enabled();
        Topic target = Topic.byName(topic).filter(t -> t.kind() == Topic.Kind.EVENT)
                .orElseThrow(() -> ApiProblem.of(404, "unknown-topic", "Unknown topic",
                        topic + " is not an event topic of the catalog"));
        if (ENGINE_OWNED.contains(target.topicName())) {
            throw ApiProblem.of(403, "topic-reserved", "Topic reserved",
                    target.topicName() + " carries the engine's own events; it takes no external ones");
        }
        if (subject != null && (subject.isBlank() || subject.length() > 200)) {
            throw bad("subject must be 1 to 200 characters");
        }
        JsonNode data = ApiProblem.jsonObject(body, "the event's data");
        CloudEvent ev = publisher.event(target.topicName(), subject, data);
        return commands.publish(target, ev).map(sent -> Response.accepted(
                new PublishedEvent(ev.id(), ev.source(), target.topicName(), subject, ev.time())).build());
    }

    private Uni<JsonNode> forward(String type, Object query) {
        return commands.request(Topic.GENESIS_COMMANDS, type, null, query).map(GenesisResource::body);
    }

    private static JsonNode body(Reply reply) {
        if (!reply.isSuccess()) {
            throw new ApiProblem(reply.problem() != null ? reply.problem()
                    : io.hxo.contracts.payload.Problem.of(reply.status(), "error", "Error",
                            "genesis-bus answered " + reply.status()));
        }
        return reply.body();
    }

    private void enabled() {
        if (!config.genesisEnabled()) {
            throw ApiProblem.of(503, "genesis-disabled", "Genesis bus disabled",
                    "GENESIS_ENABLED is false: the bus routes are switched off");
        }
    }

    private static TopicPattern pattern(String text) {
        try {
            return TopicPattern.parse(text);
        } catch (IllegalArgumentException e) {
            throw bad(e.getMessage());
        }
    }

    private static long seq(String name, String text) {
        try {
            long v = Long.parseLong(text.trim());
            if (v < 0) {
                throw bad(name + " must be a sequence number (0 or more)");
            }
            return v;
        } catch (NumberFormatException e) {
            throw bad(name + " must be a sequence number (0 or more)");
        }
    }

    private static Instant instant(String name, String text) {
        if (text == null) {
            return null;
        }
        try {
            return Instant.parse(text);
        } catch (DateTimeParseException e) {
            throw bad(name + " must be an ISO-8601 instant such as 2026-01-31T12:00:00Z");
        }
    }

    private static ApiProblem bad(String detail) {
        return ApiProblem.badRequest(detail);
    }
}
