package io.hxo.planner.messaging;

import io.hxo.contracts.publish.Heartbeats;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.planner.config.PlannerConfig;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.flywaydb.core.Flyway;

/** Announces this planner instance on {@code federation.heartbeat}. */
@ApplicationScoped
public class HeartbeatEmitter {
    private Heartbeats heartbeats;

    void start(@Observes StartupEvent ev, HxoPublisher publisher, PlannerConfig config, Flyway flyway,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version) {
        var current = flyway.info().current();
        String schema = current == null || current.getVersion() == null ? "0" : current.getVersion().getVersion();
        heartbeats = Heartbeats.start(publisher, config.heartbeatIntervalMs(), "hxo-planner", config.instanceId(),
                version, schema);
    }

    void stop(@Observes ShutdownEvent ev) {
        if (heartbeats != null) {
            heartbeats.close();
        }
    }
}
