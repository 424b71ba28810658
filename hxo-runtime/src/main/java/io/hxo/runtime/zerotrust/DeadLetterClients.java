package io.hxo.runtime.zerotrust;

import java.util.function.Consumer;
import org.apache.kafka.clients.producer.Producer;

/**
 * Tells a service about each dead-letter producer a zero-trust interceptor creates. The Kafka client
 * makes the interceptors, not CDI, so a service's telemetry registers a watcher here at start and
 * binds each new producer's client metrics into its registry.
 */
public final class DeadLetterClients {
    private static volatile Consumer<Producer<?, ?>> watcher = p -> {
    };

    private DeadLetterClients() {
    }

    /** The watcher new dead-letter producers go to; null stops watching. */
    public static void watch(Consumer<Producer<?, ?>> w) {
        watcher = w == null ? p -> {
        } : w;
    }

    static void created(Producer<?, ?> producer) {
        watcher.accept(producer);
    }
}
