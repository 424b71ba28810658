package io.hxo.planner.messaging;

import io.hxo.contracts.publish.Heartbeats;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.telemetry.ServiceTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import jakarta.enterprise.inject.Instance;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.Drainer;
import io.hxo.planner.execute.EngineMetrics;
import io.hxo.planner.run.PlanRuns;
import io.hxo.contracts.schema.SchemaMigrator;
import org.flywaydb.core.Flyway;
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

/** The planner's Kafka producer (signing, via the interceptor) and its heartbeat. */
@ApplicationScoped
public class Messaging {
    private Heartbeats heartbeats;
    private ServiceTelemetry telemetry;

    @Produces
    @Singleton
    HxoPublisher publisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, PlannerConfig config) {
        return HxoPublisher.create(kafka, "hxo-planner", config.instanceId());
    }

    void close(@Disposes HxoPublisher publisher) {
        publisher.close();
    }

    /** This service's schema version and on-request migrations (shared with every service). */
    @Produces
    @Singleton
    SchemaMigrator schema(Flyway flyway) {
        return new SchemaMigrator(flyway);
    }

    void start(@Observes StartupEvent ev, HxoPublisher publisher, PlannerConfig config, SchemaMigrator schema,
            EngineMetrics metrics, PlanRuns owner, Drainer drainer,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        heartbeats = Heartbeats.start(publisher, config.heartbeatIntervalMs(), "hxo-planner", config.instanceId(),
                version, schema::version, () -> {
                    Map<String, Double> load = new java.util.LinkedHashMap<>(metrics.snapshot());
                    load.put("active_plans", (double) owner.activePlans());
                    load.put("draining", (double) drainer.state().ordinal());
                    // Which partitions (and so which plans) this instance owns, as a bit mask.
                    load.put("owned_partitions_mask", (double) owner.ownedPartitions().stream()
                            .mapToLong(p -> 1L << p).sum());
                    return load;
                });
    }

    /** Refusal counters, the producer's client metrics and, when traces are exported, Kafka hop tracing. */
    void telemetry(@Observes StartupEvent ev, HxoPublisher publisher, MeterRegistry registry,
            Instance<OpenTelemetry> otel,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingOff) {
        telemetry = ServiceTelemetry.bind("hxo-planner", registry, publisher, tracingOff ? null : otel.get());
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
