package io.hxo.runtime.testing;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.sign.ZeroTrustPolicy;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.publish.HxoPublisher;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Predicate;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;

/**
 * The test's side of the wire, shared by every module's tests (hxo-runtime's test-jar): sends signed
 * commands like the gateway does and reads what the services publish, straight from the broker.
 */
public final class KafkaTestClient implements AutoCloseable {
    public static final String SECRET = System.getenv().getOrDefault("SEED_SECRET",
            "test-seed-secret-0123456789-abcdefghijklmnop");

    public final HxoPublisher publisher;
    private final Map<String, Object> base = new HashMap<>();

    public KafkaTestClient() {
        this(bootstrap(), SECRET);
    }

    /** A client for a given broker, signing with a given seed secret. */
    public KafkaTestClient(String bootstrapServers, String seedSecret) {
        base.put("bootstrap.servers", bootstrapServers);
        base.put(ZeroTrustPolicy.SEED_SECRET, seedSecret);
        base.put(ZeroTrustPolicy.SERVICE, "planner-test");
        publisher = HxoPublisher.create(base, "planner-test", UUID.randomUUID().toString());
        ensureTopics();
    }

    /** A publisher with another service's source ({@code /service/test-…}); the caller closes it. */
    public HxoPublisher publisherAs(String service) {
        return HxoPublisher.create(base, service, "test-" + UUID.randomUUID());
    }

    /** Creates the catalog's topics as genesis-bus would (6 partitions), so tests can tail any of them. */
    private void ensureTopics() {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", base.get("bootstrap.servers")))) {
            List<NewTopic> topics = new ArrayList<>();
            for (Topic t : Topic.values()) {
                topics.add(new NewTopic(t.topicName(), 6, (short) 1));
            }
            admin.createTopics(topics).values().values().forEach(f -> {
                try {
                    f.get();
                } catch (Exception e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException(e);
                    }
                }
            });
        }
    }

    /** A consumer positioned at the current end of every partition of {@code topic}. */
    public KafkaConsumer<String, byte[]> tail(Topic topic) {
        return consumer(topic, false);
    }

    /** A consumer positioned at the start of every partition of {@code topic}. */
    public KafkaConsumer<String, byte[]> fromBeginning(Topic topic) {
        return consumer(topic, true, true);
    }

    /**
     * A consumer at the start of {@code topic} without the zero-trust interceptor: for audits of what
     * the broker holds, where old records must be read as they are rather than refused as stale (and
     * sent to the DLQ) by the reader.
     */
    public KafkaConsumer<String, byte[]> rawFromBeginning(Topic topic) {
        return consumer(topic, true, false);
    }

    private KafkaConsumer<String, byte[]> consumer(Topic topic, boolean beginning) {
        return consumer(topic, beginning, true);
    }

    private KafkaConsumer<String, byte[]> consumer(Topic topic, boolean beginning, boolean verified) {
        Map<String, Object> cfg = new HashMap<>(base);
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        if (verified) {
            cfg.put(ConsumerConfig.INTERCEPTOR_CLASSES_CONFIG, io.hxo.runtime.zerotrust.ZeroTrustInterceptor.class.getName());
        }
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg);
        List<TopicPartition> parts = new ArrayList<>();
        // A topic created a moment ago may not be in the broker's metadata yet: ask until it is.
        long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
        while (parts.isEmpty() && System.nanoTime() < deadline) {
            c.partitionsFor(topic.topicName(), Duration.ofSeconds(5))
                    .forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            if (parts.isEmpty()) {
                sleep(100);
            }
        }
        if (parts.isEmpty()) {
            throw new IllegalStateException("topic " + topic + " has no partitions after 15 s");
        }
        c.assign(parts);
        if (beginning) {
            c.seekToBeginning(parts);
        } else {
            c.seekToEnd(parts);
        }
        parts.forEach(c::position);
        return c;
    }

    /** Sends a command and waits for the reply with its correlation id. */
    public Reply request(String type, String subject, Object data) {
        return request(Topic.HXO_COMMANDS, type, subject, data);
    }

    /** Sends a command to {@code commandTopic} and waits for the reply with its correlation id. */
    public Reply request(Topic commandTopic, String type, String subject, Object data) {
        try (KafkaConsumer<String, byte[]> replies = tail(commandTopic.replyTopic())) {
            CloudEvent cmd = publisher.event(type, subject, data);
            cmd = cmd.withCorrelation(cmd.id(), null);
            publisher.publish(commandTopic, cmd).join();
            String correlation = cmd.id();
            CloudEvent reply = await(replies, ev -> correlation.equals(ev.correlationId()), Duration.ofSeconds(20));
            return reply.dataAs(Reply.class);
        }
    }

    /** Polls until an event matches, or fails after {@code timeout}. */
    public static CloudEvent await(KafkaConsumer<String, byte[]> consumer, Predicate<CloudEvent> match, Duration timeout) {
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                CloudEvent ev = KafkaBinding.fromRecord(rec);
                if (match.test(ev)) {
                    return ev;
                }
            }
        }
        throw new AssertionError("no matching event within " + timeout);
    }

    /** Every event polled until {@code done} holds, or the timeout. */
    public static List<CloudEvent> collect(KafkaConsumer<String, byte[]> consumer, Predicate<List<CloudEvent>> done,
            Duration timeout) {
        List<CloudEvent> out = new ArrayList<>();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline && !done.test(out)) {
            for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                out.add(KafkaBinding.fromRecord(rec));
            }
        }
        return out;
    }

    public static <T> T data(CloudEvent ev, Class<T> type) {
        return Json.read(ev.data(), type);
    }

    private static void sleep(long ms) {
        try {
            Thread.sleep(ms);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code KAFKA_BOOTSTRAP_SERVERS}, else the broker the test-support module started for this JVM
     * (it publishes the address as a system property), else localhost:9092.
     */
    public static String bootstrap() {
        String env = System.getenv("KAFKA_BOOTSTRAP_SERVERS");
        return env != null && !env.isBlank() ? env
                : System.getProperty("io.hxo.testing.kafka-bootstrap-servers", "localhost:9092");
    }

    @Override
    public void close() {
        publisher.close();
    }
}
