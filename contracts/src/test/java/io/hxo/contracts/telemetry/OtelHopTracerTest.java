package io.hxo.contracts.telemetry;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.context.Scope;
import io.opentelemetry.sdk.OpenTelemetrySdk;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.util.List;
import java.util.Map;
import org.apache.kafka.common.header.Headers;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class OtelHopTracerTest {
    InMemorySpanExporter spans;
    OpenTelemetrySdk otel;
    OtelHopTracer hops;

    @BeforeEach
    void setUp() {
        spans = InMemorySpanExporter.create();
        otel = OpenTelemetrySdk.builder().setTracerProvider(SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans)).build()).build();
        hops = new OtelHopTracer(otel, 2);
        Hops.install(hops);
    }

    @AfterEach
    void tearDown() {
        Hops.install(null);
        otel.close();
    }

    /** What a consumer in another service receives: the record as sent, its headers rewritten by the send. */
    Headers send(String topic, CloudEvent ev) {
        var rec = KafkaBinding.toRecord(topic, ev);
        Hops.sending(topic, rec.headers()).end(null);
        return rec.headers();
    }

    static String traceId(String traceParent) {
        return traceParent.substring(3, 35);
    }

    @Test
    void anEventBuiltInsideASpanJoinsItsTraceAndTheSendIsItsChild() {
        Span http = otel.getTracer("test").spanBuilder("POST /api/hxo/submit").startSpan();
        CloudEvent ev;
        try (Scope ignored = http.makeCurrent()) {
            ev = CloudEvent.of("/federation-gateway/1", "hxo.plan.submit", "plan-1", Map.of());
        }
        http.end();
        assertThat(ev.traceParent()).isEqualTo(OtelHopTracer.format(http.getSpanContext()));
        Headers sent = send("hxo.commands", ev);
        SpanData publish = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.PRODUCER)
                .findFirst().orElseThrow();
        assertThat(publish.getParentSpanId()).isEqualTo(http.getSpanContext().getSpanId());
        assertThat(publish.getName()).isEqualTo("hxo.commands publish");
        assertThat(KafkaBinding.text(sent, KafkaBinding.TRACE_PARENT))
                .isEqualTo(OtelHopTracer.format(publish.getSpanContext()));
    }

    @Test
    void withoutASpanOrAKnownSubjectNothingIsTraced() {
        CloudEvent ev = CloudEvent.of("/genesis-bus/1", "federation.heartbeat", "genesis-bus", Map.of());
        assertThat(ev.traceParent()).isNull();
        Headers sent = send("federation.heartbeat", ev);
        assertThat(KafkaBinding.text(sent, KafkaBinding.TRACE_PARENT)).isNull();
        assertThat(spans.getFinishedSpanItems()).isEmpty();
    }

    @Test
    void aReceivedRecordIsAConsumerSpanAndLaterEventsAboutItsSubjectFollowIt() {
        Span root = otel.getTracer("test").spanBuilder("root").startSpan();
        CloudEvent ready = CloudEvent.of("/hxo-planner/1", "hxo.aggregate.ready", "plan-2", Map.of())
                .withTraceParent(OtelHopTracer.format(root.getSpanContext()));
        root.end();
        hops.received("hxo.aggregate.ready", send("hxo.aggregate.ready", ready));
        SpanData receive = spans.getFinishedSpanItems().stream().filter(s -> s.getKind() == SpanKind.CONSUMER)
                .findFirst().orElseThrow();
        // A vote built later on another thread, outside any span, about the same plan:
        CloudEvent vote = CloudEvent.of("/genesis-bus/1", "hxo.aggregate.vote", "plan-2", Map.of());
        assertThat(vote.traceParent()).isEqualTo(OtelHopTracer.format(receive.getSpanContext()));
        assertThat(traceId(vote.traceParent())).isEqualTo(root.getSpanContext().getTraceId());
        assertThat(CloudEvent.of("/genesis-bus/1", "hxo.aggregate.vote", "plan-other", Map.of()).traceParent())
                .isNull();
    }

    @Test
    void aQueryCarryingItsOwnTraceNeverPullsAPlanIntoIt() {
        Span plan = otel.getTracer("test").spanBuilder("submit").startSpan();
        Span poll = otel.getTracer("test").spanBuilder("GET status").startSpan();
        hops.received("hxo.shard.done", send("hxo.shard.done",
                CloudEvent.of("/hxo-planner/1", "hxo.shard.done", "plan-3", Map.of())
                        .withTraceParent(OtelHopTracer.format(plan.getSpanContext()))));
        hops.received("hxo.commands", send("hxo.commands",
                CloudEvent.of("/federation-gateway/1", "hxo.plan.status", "plan-3", Map.of())
                        .withTraceParent(OtelHopTracer.format(poll.getSpanContext()))));
        String next = CloudEvent.of("/hxo-planner/1", "hxo.plan", "plan-3", Map.of()).traceParent();
        assertThat(traceId(next)).isEqualTo(plan.getSpanContext().getTraceId());
        // A command about a subject nothing is known of does start its memory (the planner's submit).
        hops.received("hxo.commands", send("hxo.commands",
                CloudEvent.of("/federation-gateway/1", "hxo.plan.submit", "plan-4", Map.of())
                        .withTraceParent(OtelHopTracer.format(plan.getSpanContext()))));
        assertThat(traceId(CloudEvent.of("/hxo-planner/1", "hxo.plan", "plan-4", Map.of()).traceParent()))
                .isEqualTo(plan.getSpanContext().getTraceId());
    }

    @Test
    void theMemoryIsBoundedLeastRecentlyUsedFirst() {
        Span root = otel.getTracer("test").spanBuilder("root").startSpan();
        for (String subject : List.of("a", "b", "c")) {
            hops.received("hxo.plan", send("hxo.plan", CloudEvent.of("/x/1", "hxo.plan", subject, Map.of())
                    .withTraceParent(OtelHopTracer.format(root.getSpanContext()))));
        }
        assertThat(hops.parentFor("a")).isNull();
        assertThat(hops.parentFor("b")).isNotNull();
        assertThat(hops.parentFor("c")).isNotNull();
    }

    @Test
    void malformedTraceParentsAreIgnored() {
        assertThat(OtelHopTracer.parse(null)).isNull();
        assertThat(OtelHopTracer.parse("00-abc")).isNull();
        assertThat(OtelHopTracer.parse("00-00000000000000000000000000000000-0000000000000000-01")).isNull();
        assertThat(OtelHopTracer.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-zz")).isNull();
        assertThat(OtelHopTracer.parse("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01")).isNotNull();
    }
}
