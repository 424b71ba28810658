package io.hxo.runtime.messaging;

import io.hxo.runtime.config.ConfigFacts;
import io.hxo.runtime.publish.Heartbeats;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.schema.SchemaMigrator;
import io.hxo.runtime.telemetry.ServiceTelemetry;
import io.micrometer.core.instrument.MeterRegistry;
import io.opentelemetry.api.OpenTelemetry;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.reactive.messaging.kafka.KafkaClientService;
import io.smallrye.reactive.messaging.kafka.KafkaProducer;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.enterprise.inject.Disposes;
import jakarta.enterprise.inject.Instance;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.clients.producer.Producer;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.reactive.messaging.Channel;
import org.eclipse.microprofile.reactive.messaging.Emitter;
import org.flywaydb.core.Flyway;

/**
 * The messaging set-up every service shares: its signing publisher (named by
 * {@code quarkus.application.name} and {@code hxo.instance-id}) over the producer SmallRye makes for
 * the {@link PublishChannel}, its schema migrator, its heartbeat, and its telemetry (refusal counters,
 * dead-letter producers' client metrics, hop tracing when traces are exported).
 * A service that reports more in its heartbeat provides a {@link HeartbeatExtras} bean.
 */
@ApplicationScoped
public class ServiceMessaging {
    /** What a service adds to its heartbeat: load figures (ARIE and the dashboards read them) and facts. */
    public interface HeartbeatExtras {
        default Map<String, Double> load() {
            return Map.of();
        }

        default Map<String, Object> facts() {
            return Map.of();
        }
    }

    private final String service;
    private final String instance;
    private Heartbeats heartbeats;
    private ServiceTelemetry telemetry;

    public ServiceMessaging(@ConfigProperty(name = "quarkus.application.name") String service,
            @ConfigProperty(name = "hxo.instance-id") String instance) {
        this.service = service;
        this.instance = instance;
    }

    /**
     * The service's publisher, sending through the producer SmallRye made for the
     * {@link PublishChannel}. Records go to that producer directly (each names its topic, partition
     * key and signed headers), not through the channel's stream.
     *
     * @param connected the channel's emitter, never sent to: an outgoing channel that nothing feeds is
     *                  an unconnected part of SmallRye's wiring graph (a warning at start, an error in
     *                  strict mode); this emitter is what connects it
     */
    @Produces
    @Singleton
    HxoPublisher publisher(KafkaClientService kafka, @Channel(PublishChannel.NAME) Emitter<byte[]> connected) {
        KafkaProducer<String, byte[]> channel = kafka.getProducer(PublishChannel.NAME);
        Producer<String, byte[]> producer = channel.unwrap();
        if (producer == null) {
            // A lazily made client (lazy-client=true) exists only after its first use; make it now.
            producer = channel.runOnSendingThread(p -> p).await().indefinitely();
        }
        long lingerMs = HxoPublisher.lingerMs(channel.configuration());
        return HxoPublisher.over(producer, "/" + service + "/" + instance, lingerMs);
    }

    /** Stops the publisher's flusher; SmallRye closes the producer itself. */
    void close(@Disposes HxoPublisher publisher) {
        publisher.close();
    }

    /** The service's schema version and on-request migrations. */
    @Produces
    @Singleton
    SchemaMigrator schema(Flyway flyway) {
        return new SchemaMigrator(flyway);
    }

    void start(@Observes StartupEvent ev, HxoPublisher publisher, SchemaMigrator schema, MeterRegistry registry,
            Instance<HeartbeatExtras> extras, Instance<OpenTelemetry> otel,
            @ConfigProperty(name = "hxo.heartbeat-interval-ms", defaultValue = "1000") long heartbeatMs,
            @ConfigProperty(name = "quarkus.application.version", defaultValue = "dev") String version,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean tracingOff) {
        telemetry = ServiceTelemetry.bind(service, registry, tracingOff ? null : otel.get());
        HeartbeatExtras more = extras.isResolvable() ? extras.get() : new HeartbeatExtras() {
        };
        Map<String, Object> facts = new LinkedHashMap<>(ConfigFacts.of(System.getenv()));
        facts.putAll(more.facts());
        heartbeats = Heartbeats.start(publisher, heartbeatMs, service, instance, version, schema::version, more::load,
                facts);
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
