package io.hxo.contracts.telemetry;

import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.topic.Topic;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.kafka.common.header.Headers;

/**
 * Tracing of Kafka hops with OpenTelemetry, so one plan is one trace across the services: each send
 * is a PRODUCER span and each accepted record a CONSUMER span, linked through the CloudEvents
 * {@code traceparent} extension ({@code ce_traceparent}, signed with the record).
 *
 * <p>Work in the services runs on their own threads (owner loops, batch consumers, schedulers), not
 * inside the span of the record that caused it, so the tracer also remembers, per subject (a plan
 * id), the span of the last record received about it; an event built with no current span joins
 * that. Records on event and work topics set it; commands and replies (a status query carries the
 * trace of its own HTTP request) only fill it when nothing is known yet, so a poll never pulls a
 * plan's later events into its trace. A new trace starts only where the HTTP layer starts one.
 */
public final class OtelHopTracer implements HopTracer {
    private static final AttributeKey<String> SYSTEM = AttributeKey.stringKey("messaging.system");
    private static final AttributeKey<String> DESTINATION = AttributeKey.stringKey("messaging.destination.name");
    private static final AttributeKey<String> OPERATION = AttributeKey.stringKey("messaging.operation.type");
    private static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
    private static final AttributeKey<String> EVENT_TYPE = AttributeKey.stringKey("cloudevents.event_type");
    private static final AttributeKey<String> EVENT_SUBJECT = AttributeKey.stringKey("cloudevents.event_subject");
    private static final AttributeKey<String> EVENT_SOURCE = AttributeKey.stringKey("cloudevents.event_source");

    /** Each catalog topic's kind, looked up once per received record. */
    private static final Map<String, Topic.Kind> KINDS = java.util.Arrays.stream(Topic.values())
            .collect(java.util.stream.Collectors.toUnmodifiableMap(Topic::topicName, Topic::kind));

    private final Tracer tracer;
    private final Map<String, Known> bySubject;

    private record Known(String traceParent, boolean fromEvents) {
    }

    /** {@code subjects}: how many subjects' last spans are remembered (least recently used go first). */
    public OtelHopTracer(OpenTelemetry otel, int subjects) {
        this.tracer = otel.getTracer("io.hxo.kafka");
        this.bySubject = new LinkedHashMap<>(256, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<String, Known> eldest) {
                return size() > subjects;
            }
        };
    }

    @Override
    public String parentFor(String subject) {
        SpanContext current = Span.current().getSpanContext();
        if (current.isValid()) {
            return format(current);
        }
        if (subject == null) {
            return null;
        }
        synchronized (bySubject) {
            Known k = bySubject.get(subject);
            return k == null ? null : k.traceParent();
        }
    }

    @Override
    public Hop sending(String topic, Headers headers) {
        Context parent = parse(KafkaBinding.text(headers, KafkaBinding.TRACE_PARENT));
        if (parent == null) {
            return Hop.NONE;
        }
        Span span = span(topic + " publish", SpanKind.PRODUCER, parent, topic, "send", headers).startSpan();
        headers.remove(KafkaBinding.TRACE_PARENT);
        headers.add(KafkaBinding.TRACE_PARENT, format(span.getSpanContext()).getBytes(StandardCharsets.US_ASCII));
        return error -> {
            if (error != null) {
                span.recordException(error);
                span.setStatus(StatusCode.ERROR, error.getMessage() == null ? "send failed" : error.getMessage());
            }
            span.end();
        };
    }

    @Override
    public void received(String topic, Headers headers) {
        Context parent = parse(KafkaBinding.text(headers, KafkaBinding.TRACE_PARENT));
        if (parent == null) {
            return;
        }
        Span span = span(topic + " receive", SpanKind.CONSUMER, parent, topic, "receive", headers).startSpan();
        span.end();
        String subject = KafkaBinding.text(headers, KafkaBinding.SUBJECT);
        if (subject == null) {
            return;
        }
        Topic.Kind kind = KINDS.getOrDefault(topic, Topic.Kind.COMMAND);
        boolean fromEvents = kind == Topic.Kind.EVENT || kind == Topic.Kind.WORK;
        Known known = new Known(format(span.getSpanContext()), fromEvents);
        synchronized (bySubject) {
            Known before = bySubject.get(subject);
            if (before == null || fromEvents) {
                bySubject.put(subject, known);
            }
        }
    }

    private SpanBuilder span(String name, SpanKind kind, Context parent, String topic, String operation,
            Headers headers) {
        SpanBuilder b = tracer.spanBuilder(name).setSpanKind(kind).setParent(parent)
                .setAttribute(SYSTEM, "kafka").setAttribute(DESTINATION, topic).setAttribute(OPERATION, operation);
        attribute(b, EVENT_ID, KafkaBinding.text(headers, KafkaBinding.ID));
        attribute(b, EVENT_TYPE, KafkaBinding.text(headers, KafkaBinding.TYPE));
        attribute(b, EVENT_SUBJECT, KafkaBinding.text(headers, KafkaBinding.SUBJECT));
        attribute(b, EVENT_SOURCE, KafkaBinding.text(headers, KafkaBinding.SOURCE));
        return b;
    }

    private static void attribute(SpanBuilder b, AttributeKey<String> key, String value) {
        if (value != null) {
            b.setAttribute(key, value);
        }
    }

    /** {@code 00-<trace id>-<span id>-<flags>} (W3C Trace Context, version 00). */
    static String format(SpanContext c) {
        return "00-" + c.getTraceId() + "-" + c.getSpanId() + "-" + c.getTraceFlags().asHex();
    }

    /** The remote parent a {@code traceparent} names, or null when it is absent or malformed. */
    static Context parse(String traceParent) {
        if (traceParent == null || traceParent.length() != 55 || !traceParent.startsWith("00-")
                || traceParent.charAt(35) != '-' || traceParent.charAt(52) != '-') {
            return null;
        }
        String flags = traceParent.substring(53);
        if (!flags.matches("[0-9a-f]{2}")) {
            return null;
        }
        SpanContext sc = SpanContext.createFromRemoteParent(traceParent.substring(3, 35),
                traceParent.substring(36, 52), TraceFlags.fromHex(flags, 0), TraceState.getDefault());
        return sc.isValid() ? Context.root().with(Span.wrap(sc)) : null;
    }
}
