package io.hxo.gateway.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.publish.Heartbeats;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.telemetry.ServiceTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Instance;
import io.hxo.gateway.config.GatewayConfig;
import io.quarkus.jackson.ObjectMapperCustomizer;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.Map;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import io.hxo.contracts.schema.SchemaMigrator;
import org.flywaydb.core.Flyway;

/** The gateway's Kafka producer (signing, via the interceptor), its heartbeat, and its JSON dialect. */
@ApplicationScoped
public class Messaging {
    private Heartbeats heartbeats;
    private ServiceTelemetry telemetry;

    @Produces
    @Singleton
    HxoPublisher publisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, GatewayConfig config) {
        return HxoPublisher.create(kafka, "federation-gateway", config.instanceId());
    }

    void close(@Disposes HxoPublisher publisher) {
        publisher.close();
    }

    /**
     * REST bodies use the wire's JSON dialect (snake_case, ISO times), and a body with a key twice in
     * one object is refused rather than read as its last value (bodies the resources parse themselves
     * go through {@code ApiProblem.strictTree}, which refuses it too).
     */
    @Singleton
    @Produces
    ObjectMapperCustomizer hxoJson() {
        return new ObjectMapperCustomizer() {
            @Override
            public void customize(ObjectMapper mapper) {
                Json.configure(mapper).enable(com.fasterxml.jackson.core.JsonParser.Feature.STRICT_DUPLICATE_DETECTION);
            }
        };
    }

    /** The gateway's schema version and on-request migrations (shared with every service). */
    @Produces
    @Singleton
    SchemaMigrator schema(Flyway flyway) {
        return new SchemaMigrator(flyway);
    }

    void start(@Observes StartupEvent ev, HxoPublisher publisher, GatewayConfig config, SchemaMigrator schema,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        // ARIE's HTTPS rule reads this fact: the gateway is the one service that serves HTTP to clients.
        heartbeats = Heartbeats.start(publisher, config.heartbeatIntervalMs(), "federation-gateway",
                config.instanceId(), version, schema::version, java.util.Map::of,
                java.util.Map.of("hxo_https_enforced", config.httpsRedirect()));
    }

    /** Refusal counters, the producer's client metrics and, when traces are exported, Kafka hop tracing. */
    void telemetry(@Observes StartupEvent ev, HxoPublisher publisher, MeterRegistry registry,
            Instance<OpenTelemetry> otel,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingOff) {
        telemetry = ServiceTelemetry.bind("federation-gateway", registry, publisher, tracingOff ? null : otel.get());
    }

    void stop(@Observes ShutdownEvent ev) {
        if (heartbeats != null) {
            heartbeats.close();
        }
        if (telemetry != null) {
            telemetry.close();
        }
    }
}
