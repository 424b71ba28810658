package io.hxo.genesis.api;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Genesis;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.genesis.config.GenesisConfig;
import io.hxo.genesis.logs.LogRing;
import io.hxo.genesis.replay.History;
import io.hxo.genesis.replay.Terc;
import io.hxo.genesis.store.EventStore;
import io.hxo.genesis.store.StoreUnavailableException;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Answers the gateway's queries on {@code genesis.commands}: history pages, bus metrics and recent
 * log lines. The bus has no public HTTP surface; this is its whole API.
 */
@ApplicationScoped
public class BusQueries {
    /** A query older than this was given up by its gateway long ago; answering it is wasted work. */
    private static final Duration STALE = Duration.ofSeconds(30);
    /** How long an answer may wait for the store; the gateway has given up on it by then. */
    private static final Duration STORE_TIMEOUT = Duration.ofSeconds(20);

    private final HxoPublisher publisher;
    private final History history;
    private final Terc terc;
    private final EventStore store;
    private final ConsumerLag lag;
    private final LogRing logs;
    private final GenesisConfig config;
    private final io.hxo.runtime.schema.SchemaMigrator schema;
    private final String instanceId;

    public BusQueries(HxoPublisher publisher, History history, Terc terc, EventStore store, ConsumerLag lag,
            LogRing logs, GenesisConfig config, io.hxo.runtime.schema.SchemaMigrator schema,
            io.hxo.genesis.config.HxoConfig hxo) {
        this.schema = schema;
        this.instanceId = hxo.instanceId();
        this.publisher = publisher;
        this.history = history;
        this.terc = terc;
        this.store = store;
        this.lag = lag;
        this.logs = logs;
        this.config = config;
    }

    /**
     * Blocking on purpose, several at once: the metrics ask the broker's admin API, whose calls
     * block, and the migration runs Flyway over JDBC; history pages and figures await the store's
     * reactive reads on the same worker thread.
     */
    @Incoming("genesis-commands")
    @Blocking(ordered = false)
    public void onCommand(CloudEvent request) {
        if (request.time().isBefore(Instant.now().minus(STALE))) {
            return;
        }
        publisher.reply(Topic.GENESIS_COMMANDS, request, answer(request));
    }

    Reply answer(CloudEvent request) {
        if (io.hxo.contracts.payload.Commands.SYSTEM_MIGRATE.equals(request.type())) {
            return migrate(); // the schema is the bus's own, served or not (GENESIS_ENABLED)
        }
        if (Ping.TYPE.equals(request.type())) {
            // Liveness of the link, not of the bus's features: answered even when disabled.
            return Reply.ok(200, new Ping.Pong(publisher.source(), Instant.now()));
        }
        if (!config.enabled()) {
            return Reply.problem(Problem.of(503, "genesis-disabled", "Genesis bus disabled",
                    "GENESIS_ENABLED is false: the bus answers no queries"));
        }
        try {
            return switch (request.type()) {
                case Genesis.HISTORY -> Reply.ok(200, history.page(request.dataAs(Genesis.HistoryQuery.class)).await()
                        .atMost(STORE_TIMEOUT));
                case Genesis.METRICS -> Reply.ok(200, metrics());
                case Genesis.LOGS -> {
                    int n = request.dataAs(Genesis.LogsQuery.class).lines();
                    if (n < 1 || n > LogRing.MAX_LINES) {
                        yield Reply.problem(Problem.of(400, "bad-request", "Bad request",
                                "lines must be between 1 and " + LogRing.MAX_LINES));
                    }
                    yield Reply.ok(200, Map.of("lines", logs.last(n)));
                }
                default -> Reply.problem(Problem.of(400, "unknown-command", "Unknown command",
                        "genesis-bus does not know " + request.type()));
            };
        } catch (IllegalArgumentException e) {
            return Reply.problem(Problem.of(400, "bad-request", "Bad request", e.getMessage()));
        } catch (StoreUnavailableException e) {
            Log.warnf("query %s failed: %s", request.type(), e.getMessage());
            return Reply.problem(Problem.of(503, "store-unavailable", "Event store unavailable",
                    "the event store could not be read; try again"));
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return Reply.problem(Problem.of(503, "interrupted", "Interrupted", "the bus is shutting down"));
        } catch (RuntimeException e) {
            // Never leave the query channel: an answer that failed is a 503 the caller can retry.
            Log.warnf(e, "query %s failed", request.type());
            return Reply.problem(Problem.of(503, "bus-unavailable", "Genesis bus unavailable",
                    "the bus could not answer " + request.type() + ": " + e.getMessage()));
        }
    }

    private Reply migrate() {
        try {
            return Reply.ok(200, schema.migrate("genesis-bus", instanceId));
        } catch (RuntimeException e) {
            Log.errorf(e, "migration failed");
            return Reply.problem(Problem.of(500, "migration-failed", "Migration failed",
                    "genesis-bus could not migrate its schema: " + e.getMessage()));
        }
    }

    private Map<String, Object> metrics() throws InterruptedException {
        // On a Vert.x context, as the Panache part of the figures needs; still bounded by the store timeout.
        Map<String, Object> out = new LinkedHashMap<>(awaitOnContext(() -> store.figures().ifNoItem().after(STORE_TIMEOUT)
                .failWith(() -> new StoreUnavailableException(new java.util.concurrent.TimeoutException(
                        "no figures in " + STORE_TIMEOUT)))));
        out.put("terc", terc.figures());
        out.put("consumer_lag", lag.byGroup());
        java.util.Set<String> present = lag.topics();
        out.put("catalog", Map.of("topics", Topic.values().length, "missing", java.util.Arrays.stream(Topic.values())
                .map(Topic::topicName).filter(t -> !present.contains(t)).sorted().toList()));
        out.put("at", Instant.now());
        return out;
    }

    private static <T> T awaitOnContext(java.util.function.Supplier<io.smallrye.mutiny.Uni<T>> call) {
        try {
            return io.quarkus.vertx.VertxContextSupport.subscribeAndAwait(call);
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable e) {
            throw new StoreUnavailableException(e);
        }
    }
}
