package io.hxo.gateway.genesis;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.feed.TopicPattern;
import io.hxo.contracts.payload.Genesis;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.auth.Roles;
import io.hxo.gateway.command.CommandBus;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.gateway.problem.ApiProblem;
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
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.openapi.annotations.Operation;

/**
 * The genesis bus's routes. The bus itself is private: history, metrics and logs are Kafka queries
 * on {@code genesis.commands}; the live stream follows {@code genesis.feed} ({@link BusFeed});
 * external events are published (and signed) by the gateway itself.
 */
@Path("/api")
public class GenesisResource {
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
    @Operation(summary = "Server-Sent Events of stored events whose topic matches the pattern (*, hxo.*, hxo.alert);"
            + " Last-Event-ID or ?after= resumes after that sequence number")
    public void subscribe(@PathParam("pattern") String pattern, @HeaderParam("Last-Event-ID") String lastEventId,
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
    @Operation(summary = "Stored events by topic pattern, after a sequence number and/or in a time range [from, to);"
            + " paged: pass the answer's 'through' as the next 'after' while 'more' is true")
    public Uni<Response> events(@QueryParam("topic") @DefaultValue("*") String topic, @QueryParam("after") String after,
            @QueryParam("from") String from, @QueryParam("to") String to,
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
    @Operation(summary = "Bus metrics: per-topic totals and rates, store size, dead letters per reason, consumer lag,"
            + " replay cache size and hit rate, live subscribers")
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
    @Operation(summary = "The genesis bus's recent log lines (1 to 1000)")
    public Uni<Response> logs(@QueryParam("lines") @DefaultValue("100") int lines) {
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
    @Operation(summary = "Publish an external event (the JSON body is its data) on an event topic; the gateway signs it")
    public Uni<Response> publish(@PathParam("topic") String topic, @QueryParam("subject") String subject, String body) {
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
        return commands.publish(target, ev).map(sent -> {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("id", ev.id());
            out.put("source", ev.source());
            out.put("topic", target.topicName());
            out.put("subject", subject);
            out.put("time", ev.time());
            return Response.accepted(out).build();
        });
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
