package io.hxo.contracts.telemetry;

import org.apache.kafka.common.header.Headers;

/**
 * What tracing does at each Kafka hop. Free of tracing-library types, so code that never turns
 * tracing on (hxoctl, the benchmarks) never loads one; {@link OtelHopTracer} is the real one.
 */
public interface HopTracer {
    /** The W3C {@code traceparent} a new event about {@code subject} carries, or null for none. */
    String parentFor(String subject);

    /**
     * A record is about to be sent: when it carries a {@code ce_traceparent}, starts the send's span,
     * puts that span in the header instead, and returns the span to end when the broker answers.
     */
    Hop sending(String topic, Headers headers);

    /** A record was accepted by a consumer of this service (after the zero-trust check). */
    void received(String topic, Headers headers);

    /** An open span of one hop. */
    interface Hop {
        Hop NONE = error -> {
        };

        void end(Throwable error);
    }

    HopTracer OFF = new HopTracer() {
        @Override
        public String parentFor(String subject) {
            return null;
        }

        @Override
        public Hop sending(String topic, Headers headers) {
            return Hop.NONE;
        }

        @Override
        public void received(String topic, Headers headers) {
        }
    };
}
