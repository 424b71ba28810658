package io.hxo.contracts.event;

import io.hxo.contracts.json.Json;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Objects;

/**
 * A CloudEvents 1.0 event as HXO sends it: the required attributes, HXO's extensions and JSON data.
 * The signature extensions ({@code hxokid}, {@code hxosig}) are added on the way out by the
 * {@link io.hxo.contracts.sign.ZeroTrustInterceptor}, so they are absent from events being built.
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
        byte[] data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String JSON = "application/json";

    public CloudEvent {
        Objects.requireNonNull(id, "id");
        Objects.requireNonNull(source, "source");
        Objects.requireNonNull(type, "type");
        Objects.requireNonNull(time, "time");
    }

    /** A new event with a fresh time-ordered id, stamped now. */
    public static CloudEvent of(String source, String type, String subject, Object data) {
        return new CloudEvent(EventIds.nextString(), source, type, Instant.now().truncatedTo(ChronoUnit.MICROS),
                subject, null, null, subject, data instanceof byte[] b ? b : Json.bytes(data));
    }

    public CloudEvent withCorrelation(String correlation, String causation) {
        return new CloudEvent(id, source, type, time, subject, correlation, causation, partitionKey, data);
    }

    public CloudEvent withPartitionKey(String key) {
        return new CloudEvent(id, source, type, time, subject, correlationId, causationId, key, data);
    }

    /** The Kafka record key: the partition key when set, else the subject. */
    public String key() {
        return partitionKey != null ? partitionKey : subject;
    }

    public <T> T dataAs(Class<T> type) {
        return Json.read(data, type);
    }
}
