package io.hxo.contracts.telemetry;

import org.apache.kafka.common.header.Headers;

/**
 * The process's {@link HopTracer}. Static because the zero-trust interceptor that sees every
 * consumed record is created by the Kafka client, not by CDI; a service installs its tracer at start
 * when tracing is on ({@link ServiceTelemetry}). Off by default, at the cost of one volatile read.
 */
public final class Hops {
    private static volatile HopTracer tracer = HopTracer.OFF;

    private Hops() {
    }

    public static void install(HopTracer t) {
        tracer = t == null ? HopTracer.OFF : t;
    }

    public static boolean tracing() {
        return tracer != HopTracer.OFF;
    }

    public static String traceParent(String subject) {
        return tracer.parentFor(subject);
    }

    public static HopTracer.Hop sending(String topic, Headers headers) {
        return tracer.sending(topic, headers);
    }

    public static void received(String topic, Headers headers) {
        tracer.received(topic, headers);
    }
}
