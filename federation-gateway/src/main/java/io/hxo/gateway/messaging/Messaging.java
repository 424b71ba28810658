package io.hxo.gateway.messaging;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.publish.Heartbeats;
import io.hxo.contracts.publish.HxoPublisher;
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
import org.flywaydb.core.Flyway;

/** The gateway's Kafka producer (signing, via the interceptor), its heartbeat, and its JSON dialect. */
@ApplicationScoped
public class Messaging {
    private Heartbeats heartbeats;

    @Produces
    @Singleton
    HxoPublisher publisher(@Identifier("default-kafka-broker") Map<String, Object> kafka, GatewayConfig config) {
        return HxoPublisher.create(kafka, "federation-gateway", config.instanceId());
    }

    void close(@Disposes HxoPublisher publisher) {
        publisher.close();
    }

    /** REST bodies use the wire's JSON dialect (snake_case, ISO times). */
    @Singleton
    @Produces
    ObjectMapperCustomizer hxoJson() {
        return new ObjectMapperCustomizer() {
            @Override
            public void customize(ObjectMapper mapper) {
                Json.configure(mapper);
            }
        };
    }

    void start(@Observes StartupEvent ev, HxoPublisher publisher, GatewayConfig config, Flyway flyway,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        var current = flyway.info().current();
        String schema = current == null || current.getVersion() == null ? "0" : current.getVersion().getVersion();
        heartbeats = Heartbeats.start(publisher, config.heartbeatIntervalMs(), "federation-gateway",
                config.instanceId(), version, schema);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (heartbeats != null) {
            heartbeats.close();
        }
    }
}
