package io.hxo.contracts.event;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * The CloudEvents Kafka protocol binding in binary content mode: attributes travel as {@code ce_*}
 * headers, the data as the record value, {@code datacontenttype} as the {@code content-type} header.
 */
public final class KafkaBinding {
    public static final String SPECVERSION = "ce_specversion";
    public static final String ID = "ce_id";
    public static final String SOURCE = "ce_source";
    public static final String TYPE = "ce_type";
    public static final String TIME = "ce_time";
    public static final String SUBJECT = "ce_subject";
    public static final String CONTENT_TYPE = "content-type";
    public static final String CORRELATION_ID = "ce_correlationid";
    public static final String CAUSATION_ID = "ce_causationid";
    public static final String PARTITION_KEY = "ce_partitionkey";
    /** CloudEvents' optional {@code dataschema}: the URI of the data's JSON Schema. */
    public static final String DATA_SCHEMA = "ce_dataschema";
    /** CloudEvents' distributed-tracing extension: the W3C {@code traceparent} of the event's trace. */
    public static final String TRACE_PARENT = "ce_traceparent";
    public static final String KEY_ID = "ce_hxokid";
    public static final String SIGNATURE = "ce_hxosig";

    private KafkaBinding() {
    }

    public static ProducerRecord<String, byte[]> toRecord(String topic, CloudEvent event) {
        return new ProducerRecord<>(topic, null, event.key(), event.data(), headers(event));
    }

    public static Headers headers(CloudEvent event) {
        RecordHeaders h = new RecordHeaders();
        put(h, SPECVERSION, CloudEvent.SPEC_VERSION);
        put(h, ID, event.id());
        put(h, SOURCE, event.source());
        put(h, TYPE, event.type());
        put(h, TIME, event.time().toString());
        put(h, SUBJECT, event.subject());
        put(h, CONTENT_TYPE, CloudEvent.JSON);
        put(h, CORRELATION_ID, event.correlationId());
        put(h, CAUSATION_ID, event.causationId());
        put(h, PARTITION_KEY, event.partitionKey());
        put(h, DATA_SCHEMA, event.dataSchema());
        put(h, TRACE_PARENT, event.traceParent());
        return h;
    }

    /**
     * Reads an event from a consumed record.
     *
     * @throws MalformedEventException when a required attribute is missing or unreadable
     */
    public static CloudEvent fromRecord(ConsumerRecord<?, ?> record) {
        return fromRecord(record.headers(), record.value());
    }

    /** The event of a record given by its headers and value (for clients that wrap the record). */
    public static CloudEvent fromRecord(Headers h, Object value) {
        String id = require(h, ID);
        String source = require(h, SOURCE);
        String type = require(h, TYPE);
        Instant time;
        try {
            time = Instant.parse(require(h, TIME));
        } catch (DateTimeParseException e) {
            throw new MalformedEventException("ce_time is not an RFC 3339 timestamp");
        }
        return new CloudEvent(id, source, type, time, text(h, SUBJECT), text(h, CORRELATION_ID),
                text(h, CAUSATION_ID), text(h, PARTITION_KEY), text(h, DATA_SCHEMA), text(h, TRACE_PARENT),
                valueBytes(value));
    }

    /** The value as the bytes that were signed: byte arrays as they are, text as UTF-8. */
    public static byte[] valueBytes(Object value) {
        if (value == null) {
            return new byte[0];
        }
        if (value instanceof byte[] b) {
            return b;
        }
        if (value instanceof String s) {
            return s.getBytes(StandardCharsets.UTF_8);
        }
        throw new IllegalArgumentException("HXO records carry byte[] or String values, not " + value.getClass());
    }

    public static String text(Headers headers, String name) {
        Header last = headers.lastHeader(name);
        return last == null || last.value() == null ? null : new String(last.value(), StandardCharsets.UTF_8);
    }

    private static String require(Headers h, String name) {
        String v = text(h, name);
        if (v == null || v.isEmpty()) {
            throw new MalformedEventException("missing " + name);
        }
        return v;
    }

    private static void put(Headers h, String name, String value) {
        if (value != null) {
            h.add(name, value.getBytes(StandardCharsets.UTF_8));
        }
    }

    /** A record that does not carry a readable CloudEvent. */
    public static final class MalformedEventException extends IllegalArgumentException {
        public MalformedEventException(String message) {
            super(message);
        }
    }
}
