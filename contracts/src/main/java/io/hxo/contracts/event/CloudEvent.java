package io.hxo.contracts.event;

import io.hxo.contracts.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event as HXO sends it: the required attributes, HXO's extensions and JSON data.
 * The signature extensions ({@code hxokid}, {@code hxosig}) are added on the way out by the
 * hxo-runtime's {@code ZeroTrustInterceptor}, so they are absent from events being built.
 *
 * <p>{@code dataSchema} (the optional {@code dataschema} attribute) names the JSON Schema of the data
 * when the data is the {@link io.hxo.contracts.catalog.EventCatalog}'s payload record for the type; {@code traceParent} (the
 * distributed-tracing extension, W3C {@code traceparent}) carries the trace the event belongs to.
 * Both are null when they do not apply.
 */
public record CloudEvent(
        String id,
        String source,
        String type,
        Instant time,
        String subject,
        String correlationId,
        String causationId,
        String partitionKey,
        String dataSchema,
        String traceParent,
        byte[] data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
    }

    /** An event without a data schema or trace (as events were before those attributes existed). */
    public CloudEvent(String id, String source, String type, Instant time, String subject, String correlationId,
            String causationId, String partitionKey, byte[] data) {
        this(id, source, type, time, subject, correlationId, causationId, partitionKey, null, null, data);
    }

    /**
     * A new event with a fresh time-ordered id, stamped now. Its {@code dataschema} is the catalog's
     * schema when {@code data} is the type's payload record (not for raw bytes or arbitrary JSON), and
     * it joins the trace {@link io.hxo.contracts.telemetry.Hops} finds for it (none when tracing is off).
     */
    public static CloudEvent of(String source, String type, String subject, Object data) {
        return new CloudEvent(EventIds.nextString(), source, type, Instant.now().truncatedTo(ChronoUnit.MICROS),
                subject, null, null, subject, io.hxo.contracts.catalog.EventCatalog.dataSchemaOf(type, data),
                io.hxo.contracts.telemetry.Hops.traceParent(subject),
                data instanceof byte[] b ? b : Json.bytes(data));
    }

    public CloudEvent withCorrelation(String correlation, String causation) {
        return new CloudEvent(id, source, type, time, subject, correlation, causation, partitionKey, dataSchema,
                traceParent, data);
    }

    public CloudEvent withPartitionKey(String key) {
        return new CloudEvent(id, source, type, time, subject, correlationId, causationId, key, dataSchema,
                traceParent, data);
    }

    public CloudEvent withTraceParent(String parent) {
        return new CloudEvent(id, source, type, time, subject, correlationId, causationId, partitionKey, dataSchema,
                parent, data);
    }

    /** The Kafka record key: the partition key when set, else the subject. */
    public String key() {
        return partitionKey != null ? partitionKey : subject;
    }

    public <T> T dataAs(Class<T> type) {
        return Json.read(data, type);
    }
}
