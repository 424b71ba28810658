package io.hxo.testing;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.concurrent.ExecutionException;
import java.util.regex.Pattern;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * The Kafka clients a service's Prometheus scrape ({@code /q/metrics}) has series for: Micrometer's
 * Kafka client metrics carry each client's id as the {@code client_id} label, so a client whose
 * metrics nobody bound has no series under its id.
 */
public final class KafkaClientSeries {
    /** Series of producers: {@code kafka_producer_record_send_total} and the rest. */
    public static final String PRODUCER = "kafka_producer_";
    /** Series of consumers: {@code kafka_consumer_fetch_manager_records_consumed_total} and the rest. */
    public static final String CONSUMER = "kafka_consumer_";

    private static final Pattern SERIES = Pattern.compile("(?m)^(kafka_(?:producer|consumer)_\\w+)\\{([^}]*)}");
    private static final Pattern CLIENT_ID = Pattern.compile("(?:^|,)client_id=\"([^\"]*)\"");

    private KafkaClientSeries() {
    }

    /** The client ids with at least one series whose name starts with {@code family}. */
    public static Set<String> clientIds(String scrape, String family) {
        Set<String> ids = new TreeSet<>();
        Matcher series = SERIES.matcher(scrape);
        while (series.find()) {
            if (!series.group(1).startsWith(family)) {
                continue;
            }
            Matcher id = CLIENT_ID.matcher(series.group(2));
            if (id.find()) {
                ids.add(id.group(1));
            }
        }
        return ids;
    }

    /** Fails unless every one of {@code clientIds} has series of {@code family}; says which have. */
    public static void assertSeries(String scrape, String family, Collection<String> clientIds) {
        Set<String> present = clientIds(scrape, family);
        Set<String> missing = new TreeSet<>(clientIds);
        missing.removeAll(present);
        if (!missing.isEmpty()) {
            throw new AssertionError("no " + family + "* series for client ids " + missing + "; the scrape has them for "
                    + present);
        }
    }

    /**
     * Fails unless the scrape has series for the service's publisher ({@code hxo-publish-<service>}),
     * for each of {@code consumers}, and for a dead-letter producer of the service
     * ({@code hxo-dlq-<service>-…}, made by {@link #sendUnsigned}).
     */
    public static void assertServiceClients(String scrape, String service, Collection<String> consumers) {
        assertSeries(scrape, PRODUCER, Set.of("hxo-publish-" + service));
        assertSeries(scrape, CONSUMER, consumers);
        Set<String> producers = clientIds(scrape, PRODUCER);
        if (producers.stream().noneMatch(id -> id.startsWith("hxo-dlq-" + service + "-"))) {
            throw new AssertionError("no " + PRODUCER + "* series for a dead-letter producer hxo-dlq-" + service
                    + "-…; the scrape has them for " + producers);
        }
    }

    /**
     * Sends one unsigned record to {@code topic}: the service's consumer of it refuses the record, and
     * the refusing client's interceptor makes its dead-letter producer. Unsigned rather than signed by an
     * unknown key: genesis-bus, sharing a test run's broker, raises one security alert per reason a
     * minute, and GenesisBusTest counts its own flood of unknown keys.
     */
    public static void sendUnsigned(String bootstrap, String topic) throws InterruptedException {
        try (KafkaProducer<byte[], byte[]> plain = new KafkaProducer<>(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrap,
                ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName(),
                ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName()))) {
            plain.send(new ProducerRecord<>(topic, null, "not a signed event".getBytes(StandardCharsets.UTF_8))).get();
        } catch (ExecutionException e) {
            throw new IllegalStateException("could not send to " + topic, e.getCause());
        }
    }
}
