package io.hxo.runtime.publish;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.telemetry.HopTracer;
import io.hxo.contracts.telemetry.Hops;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.zerotrust.ZeroTrustInterceptor;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Publishes CloudEvents to the catalog's topics. Every record leaves through a producer carrying the
 * {@link ZeroTrustInterceptor}, which signs it; the publisher itself only builds envelopes, so the
 * same signing applies to anything else that produces with that configuration.
 *
 * <p>In a service the producer is SmallRye's: the one it makes for the {@code hxo-publish} channel
 * (hxo-runtime's {@code ServiceMessaging} and {@code PublishChannel}), configured with
 * {@link #producerConfig}, so Quarkus binds its client metrics and health like any other channel's.
 * The publisher sends {@link ProducerRecord}s straight through that producer, from the caller's
 * thread, as Kafka's own asynchronous send does: no hop through the channel's stream, so sending keeps
 * the throughput, ordering and linger behaviour it had with a producer of its own. Programs outside a
 * service (the bench, tests) make one of their own with {@link #create}.
 */
public final class HxoPublisher implements AutoCloseable {
    private static final java.util.logging.Logger LOG = java.util.logging.Logger.getLogger(HxoPublisher.class.getName());
    private static final java.util.Set<String> CONSUMER_ONLY = java.util.Set.of("group.id", "auto.offset.reset",
            "enable.auto.commit", "key.deserializer", "value.deserializer");

    /** Compression unless the client configuration ({@code KAFKA_COMPRESSION_TYPE}) names another. */
    public static final String DEFAULT_COMPRESSION = "lz4";

    private final Producer<String, byte[]> producer;
    /** Whether {@link #close} closes the producer (not SmallRye's: SmallRye closes that one). */
    private final boolean ownsProducer;
    private final String source;
    /** Null when the producer does not linger (nothing to hurry). */
    private final QuietSpellFlusher flusher;

    /**
     * A publisher over a producer of its own with a linger of {@code lingerMs}: a record that follows
     * a quiet spell that long leaves at once (see {@link QuietSpellFlusher}); 0 for a producer that
     * does not linger. Closing the publisher closes the producer.
     */
    public HxoPublisher(Producer<String, byte[]> producer, String source, long lingerMs) {
        this(producer, source, lingerMs, true);
    }

    private HxoPublisher(Producer<String, byte[]> producer, String source, long lingerMs, boolean ownsProducer) {
        this.producer = producer;
        this.ownsProducer = ownsProducer;
        this.source = source;
        this.flusher = lingerMs > 0 ? new QuietSpellFlusher(producer, lingerMs, "hxo-publisher-flush " + source) : null;
    }

    /**
     * A publisher over a producer someone else made and closes (SmallRye, for a service's publish
     * channel), configured with {@link #producerConfig}; {@code lingerMs} is that configuration's linger.
     */
    public static HxoPublisher over(Producer<String, byte[]> producer, String source, long lingerMs) {
        return new HxoPublisher(producer, source, lingerMs, false);
    }

    /**
     * The producer settings for HXO traffic from a client configuration (bootstrap servers,
     * {@code hxo.*} zero-trust keys, tuning). Settings chosen here: idempotent, acks=all, lz4, a short
     * linger; the client configuration overrides any of them but the serializers and the interceptor.
     */
    public static Map<String, Object> producerConfig(Map<String, ?> clientConfig) {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ProducerConfig.ACKS_CONFIG, "all");
        cfg.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        cfg.put(ProducerConfig.COMPRESSION_TYPE_CONFIG, DEFAULT_COMPRESSION);
        // 1 ms: with 0 a burst of events went out ~40 % slower on these two cores. A record after a
        // quiet spell does not wait it out (QuietSpellFlusher).
        cfg.put(ProducerConfig.LINGER_MS_CONFIG, 1);
        cfg.put(ProducerConfig.BATCH_SIZE_CONFIG, 65536);
        // A send must not block a caller for a minute while the broker is away; it fails instead.
        cfg.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, 10000);
        // Replies (history pages, a plan's stored leaves) and feed records may pass Kafka's 1 MB
        // default up to what those topics take; other topics keep the broker's own limit.
        cfg.put(ProducerConfig.MAX_REQUEST_SIZE_CONFIG, Topic.LARGE_RECORD_BYTES);
        clientConfig.forEach((k, v) -> {
            if (!CONSUMER_ONLY.contains(k)) {
                cfg.put(k, v);
            }
        });
        // How long the producer retries a record before it gives it up (the caller's future fails):
        // kafka.hxo.delivery-timeout-ms, from HXO_KAFKA_DELIVERY_TIMEOUT_MS where a service maps it.
        Object delivery = cfg.remove(DELIVERY_TIMEOUT);
        if (delivery != null && !String.valueOf(delivery).isBlank()) {
            long ms = Long.parseLong(String.valueOf(delivery).trim());
            long linger = lingerMs(cfg);
            cfg.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) ms);
            cfg.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.max(1000, Math.min(30_000, ms - linger - 1)));
        }
        cfg.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
        cfg.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
        cfg.put(ProducerConfig.INTERCEPTOR_CLASSES_CONFIG, ZeroTrustInterceptor.class.getName());
        return cfg;
    }

    /** Client-config key of the producer's delivery timeout (ms); absent: Kafka's default, two minutes. */
    public static final String DELIVERY_TIMEOUT = "hxo.delivery-timeout-ms";

    /**
     * A publisher with a producer of its own, for a program outside a service (the bench, tests):
     * source {@code /<service>/<instance>}. A service's publisher is SmallRye's ({@link #over}).
     */
    public static HxoPublisher create(Map<String, Object> clientConfig, String service, String instance) {
        Map<String, Object> cfg = producerConfig(clientConfig);
        return new HxoPublisher(new KafkaProducer<>(cfg), "/" + service + "/" + instance, lingerMs(cfg));
    }

    /** The linger of a producer configuration, in milliseconds. */
    public static long lingerMs(Map<String, ?> producerConfig) {
        return Long.parseLong(String.valueOf(producerConfig.get(ProducerConfig.LINGER_MS_CONFIG)).trim());
    }

    /** This publisher's CloudEvents {@code source}, e.g. {@code /hxo-planner/7f3a}. */
    public String source() {
        return source;
    }

    public CloudEvent event(String type, String subject, Object data) {
        return CloudEvent.of(source, type, subject, data);
    }

    /** Publishes an event whose type is the topic's name (the catalog's convention for events). */
    public CompletableFuture<RecordMetadata> emit(Topic topic, String subject, Object data) {
        return publish(topic.topicName(), event(topic.topicName(), subject, data));
    }

    /**
     * Answers a command: the reply goes to the command topic's reply topic, typed
     * {@code <request type>.reply}, correlated with the request's correlation id (or its id).
     */
    public CompletableFuture<RecordMetadata> reply(Topic commandTopic, CloudEvent request, Reply reply) {
        String correlation = request.correlationId() != null ? request.correlationId() : request.id();
        CloudEvent out = event(request.type() + Commands.REPLY_SUFFIX, request.subject(), reply)
                .withCorrelation(correlation, request.id())
                .withPartitionKey(correlation);
        if (Hops.tracing() && request.traceParent() != null) {
            // The answer belongs to the request's trace (a status poll's own), not to the plan's.
            out = out.withTraceParent(request.traceParent());
        }
        return publish(commandTopic.replyTopic(), out);
    }

    public CompletableFuture<RecordMetadata> publish(Topic topic, CloudEvent event) {
        return publish(topic.topicName(), event);
    }

    public CompletableFuture<RecordMetadata> publish(String topic, CloudEvent event) {
        return send(KafkaBinding.toRecord(topic, event));
    }

    /** Publishes to one partition of a topic (for commands every partition's owner must see). */
    public CompletableFuture<RecordMetadata> publish(Topic topic, int partition, CloudEvent event) {
        var rec = KafkaBinding.toRecord(topic.topicName(), event);
        return send(new ProducerRecord<>(rec.topic(), partition, rec.key(), rec.value(),
                rec.headers()));
    }

    /** How many partitions a topic has (asks the broker the first time). */
    public int partitions(Topic topic) {
        return producer.partitionsFor(topic.topicName()).size();
    }

    private CompletableFuture<RecordMetadata> send(ProducerRecord<String, byte[]> record) {
        CompletableFuture<RecordMetadata> done = new CompletableFuture<>();
        // Before the send: the interceptor signs the headers, the send's traceparent among them.
        HopTracer.Hop hop = Hops.sending(record.topic(), record.headers());
        try {
            producer.send(record, (md, e) -> {
                hop.end(e);
                if (flusher != null) {
                    flusher.acknowledged();
                }
                if (e != null) {
                    // Callers may not wait for the future; a lost event must at least be said aloud.
                    LOG.warning(() -> "could not publish " + record.topic() + " (key " + record.key() + "): " + e);
                    done.completeExceptionally(e);
                } else {
                    done.complete(md);
                }
            });
            if (flusher != null) {
                flusher.sent();
            }
        } catch (RuntimeException e) {
            hop.end(e);
            done.completeExceptionally(e);
        }
        return done;
    }

    public void flush() {
        producer.flush();
    }

    @Override
    public void close() {
        if (flusher != null) {
            flusher.close();
        }
        if (ownsProducer) {
            producer.close(Duration.ofSeconds(5));
        }
    }
}
