package io.hxo.runtime.telemetry;

import io.hxo.contracts.sign.Verdict;
import io.hxo.contracts.telemetry.HopTracer;
import io.hxo.contracts.telemetry.Hops;
import io.hxo.contracts.telemetry.OtelHopTracer;
import io.hxo.runtime.zerotrust.DeadLetterClients;
import io.hxo.runtime.zerotrust.RejectionStats;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.opentelemetry.api.OpenTelemetry;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.Producer;

/**
 * Binds what the Kafka clients observe into a service's own telemetry, once at start: the refusal counts
 * of the zero-trust interceptor and the client metrics of each dead-letter producer the interceptors
 * make, into its Micrometer registry, and, when tracing is on, the hop tracer into {@link Hops}. The
 * publisher's producer and the consumers are SmallRye's: Quarkus binds their client metrics itself.
 */
public final class ServiceTelemetry implements AutoCloseable {
    /** Refused records by consuming service and reason (Prometheus: {@code hxo_kafka_refused_total}). */
    public static final String REFUSED = "hxo.kafka.refused";
    /** Subjects (plan ids) whose last span a service remembers for events built outside any span. */
    static final int TRACED_SUBJECTS = 10_000;

    private final List<KafkaClientMetrics> clientMetrics = new CopyOnWriteArrayList<>();
    private final MeterRegistry registry;

    private ServiceTelemetry(MeterRegistry registry) {
        this.registry = registry;
    }

    /** Binds a producer made outside SmallRye (a dead-letter one) into the registry. */
    void bindClient(Producer<?, ?> producer) {
        KafkaClientMetrics m = new KafkaClientMetrics(producer);
        m.bindTo(registry);
        clientMetrics.add(m);
    }

    /**
     * @param tracing the service's OpenTelemetry when its traces are exported, else null (no spans,
     *                no {@code traceparent} on events)
     */
    public static ServiceTelemetry bind(String service, MeterRegistry registry, OpenTelemetry tracing) {
        for (Verdict v : Verdict.values()) {
            if (v.accepted()) {
                continue;
            }
            // Registered at start with zero, so a dashboard's query has its series before the first refusal.
            FunctionCounter.builder(REFUSED, v.reason(), reason -> RejectionStats.count(service, reason))
                    .description("Kafka records this service's consumers refused (zero trust), by reason")
                    .tag("service", service).tag("reason", v.reason())
                    .register(registry);
        }
        ServiceTelemetry telemetry = new ServiceTelemetry(registry);
        DeadLetterClients.watch(telemetry::bindClient);
        Hops.install(tracing == null ? HopTracer.OFF : new OtelHopTracer(tracing, TRACED_SUBJECTS));
        return telemetry;
    }

    @Override
    public void close() {
        DeadLetterClients.watch(null);
        clientMetrics.forEach(KafkaClientMetrics::close);
        Hops.install(HopTracer.OFF);
    }
}
