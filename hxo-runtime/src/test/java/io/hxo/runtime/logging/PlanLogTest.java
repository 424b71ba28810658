package io.hxo.runtime.logging;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.telemetry.HopTracer;
import io.hxo.contracts.telemetry.Hops;
import java.util.UUID;
import org.apache.kafka.common.header.Headers;
import org.jboss.logging.MDC;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PlanLogTest {
    private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";

    @AfterEach
    void tracingOff() {
        Hops.install(HopTracer.OFF);
        MDC.clear();
    }

    @Test
    void namesThePlanForTheScopeAndRestoresWhatWasThere() {
        UUID outer = UUID.randomUUID();
        UUID inner = UUID.randomUUID();
        try (PlanLog a = PlanLog.of(outer)) {
            assertThat(MDC.get(PlanLog.PLAN_ID)).isEqualTo(outer.toString());
            try (PlanLog b = PlanLog.of(inner)) {
                assertThat(MDC.get(PlanLog.PLAN_ID)).isEqualTo(inner.toString());
            }
            assertThat(MDC.get(PlanLog.PLAN_ID)).isEqualTo(outer.toString());
        }
        assertThat(MDC.get(PlanLog.PLAN_ID)).isNull();
        assertThat(MDC.get(PlanLog.TRACE_ID)).isNull();
    }

    @Test
    void carriesThePlansTraceIdWhenTracingKnowsIt() {
        String plan = UUID.randomUUID().toString();
        Hops.install(new Known(plan, "00-" + TRACE + "-00f067aa0ba902b7-01"));
        try (PlanLog log = PlanLog.of(plan)) {
            assertThat(MDC.get(PlanLog.TRACE_ID)).isEqualTo(TRACE);
        }
        assertThat(MDC.get(PlanLog.TRACE_ID)).isNull();
        try (PlanLog log = PlanLog.of(UUID.randomUUID().toString())) {
            assertThat(MDC.get(PlanLog.TRACE_ID)).as("another plan's trace is unknown").isNull();
        }
    }

    @Test
    void noPlanChangesNothing() {
        MDC.put(PlanLog.PLAN_ID, "kept");
        try (PlanLog log = PlanLog.of((String) null)) {
            assertThat(MDC.get(PlanLog.PLAN_ID)).isEqualTo("kept");
        }
        assertThat(MDC.get(PlanLog.PLAN_ID)).isEqualTo("kept");
    }

    /** A tracer that knows one plan's trace. */
    private record Known(String subject, String traceParent) implements HopTracer {
        @Override
        public String parentFor(String s) {
            return subject.equals(s) ? traceParent : null;
        }

        @Override
        public Hop sending(String topic, Headers headers) {
            return Hop.NONE;
        }

        @Override
        public void received(String topic, Headers headers) {
        }
    }
}
