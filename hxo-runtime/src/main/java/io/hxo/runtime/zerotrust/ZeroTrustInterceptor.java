package io.hxo.runtime.zerotrust;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.sign.Verdict;
import io.hxo.contracts.sign.ZeroTrustPolicy;
import io.hxo.contracts.telemetry.Hops;
import io.hxo.contracts.topic.Topic;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.function.Consumer;
import java.util.logging.Level;
import java.util.logging.Logger;
import org.apache.kafka.clients.consumer.ConsumerInterceptor;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.Producer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * Zero trust on every hop, in one place: configured as {@code interceptor.classes} on every Kafka
 * client of every service, it signs each record a producer sends and, on the consuming side, drops
 * every record that is unsigned, signed wrongly or by an unknown key, outside the replay window, or
 * a replay of an event already seen at another offset — before the application sees it.
 *
 * <p>A dropped record goes to {@code genesis.dlq} with its reason and is counted in
 * {@link RejectionStats}; an accepted one is a hop of its trace ({@link Hops}) when tracing is on.
 * Redelivery of the same record (same offset, e.g. after a rebalance) is not
 * a replay: at-least-once delivery stays intact and idempotent consumers handle it.
 */
public final class ZeroTrustInterceptor implements ProducerInterceptor<Object, Object>,
        ConsumerInterceptor<Object, Object> {
    private static final Logger LOG = Logger.getLogger(ZeroTrustInterceptor.class.getName());

    private ZeroTrustPolicy policy;
    private Map<String, ?> clientConfig;
    private String groupId;
    private ReplayGuard replays;
    private static final java.util.concurrent.atomic.AtomicInteger DLQ_CLIENTS = new java.util.concurrent.atomic.AtomicInteger();
    private volatile Producer<String, byte[]> dlq;
    /** Where dead letters go; the Kafka producer unless a test replaces it. */
    private Consumer<ProducerRecord<String, byte[]>> deadLetters = this::sendToDlqTopic;

    @Override
    public void configure(Map<String, ?> configs) {
        this.policy = ZeroTrustPolicy.fromConfig(configs);
        this.clientConfig = new HashMap<>(configs);
        Object group = configs.get("group.id");
        this.groupId = group == null ? null : group.toString();
        this.replays = new ReplayGuard(policy.replayCacheSize());
    }

    // ---- producing side

    @Override
    public ProducerRecord<Object, Object> onSend(ProducerRecord<Object, Object> record) {
        if (policy.signer() != null) {
            policy.signer().sign(record.topic(), record.headers(), KafkaBinding.valueBytes(record.value()));
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        // Delivery outcomes are the publisher's concern.
    }

    // ---- consuming side

    @Override
    public ConsumerRecords<Object, Object> onConsume(ConsumerRecords<Object, Object> records) {
        if (records.isEmpty()) {
            return records;
        }
        if (!policy.enforce()) {
            if (Hops.tracing()) {
                records.forEach(rec -> Hops.received(rec.topic(), rec.headers()));
            }
            return records;
        }
        boolean tracing = Hops.tracing();
        Map<TopicPartition, List<ConsumerRecord<Object, Object>>> kept = new LinkedHashMap<>();
        boolean dropped = false;
        for (TopicPartition tp : records.partitions()) {
            List<ConsumerRecord<Object, Object>> list = records.records(tp);
            List<ConsumerRecord<Object, Object>> accepted = new ArrayList<>(list.size());
            for (ConsumerRecord<Object, Object> rec : list) {
                Verdict verdict = check(rec);
                if (verdict.accepted()) {
                    accepted.add(rec);
                    if (tracing) {
                        Hops.received(rec.topic(), rec.headers());
                    }
                } else {
                    reject(rec, verdict);
                    dropped = true;
                }
            }
            if (!accepted.isEmpty()) {
                kept.put(tp, accepted);
            }
        }
        // Positions still advance past refused records: nextOffsets is passed through unchanged.
        return dropped ? new ConsumerRecords<>(kept, records.nextOffsets()) : records;
    }

    Verdict check(ConsumerRecord<Object, Object> rec) {
        byte[] data;
        try {
            data = KafkaBinding.valueBytes(rec.value());
        } catch (IllegalArgumentException e) {
            return Verdict.MALFORMED;
        }
        Verdict signature = policy.signer().verify(rec.topic(), rec.headers(), data);
        if (!signature.accepted()) {
            return signature;
        }
        String id = KafkaBinding.text(rec.headers(), KafkaBinding.ID);
        String source = KafkaBinding.text(rec.headers(), KafkaBinding.SOURCE);
        String time = KafkaBinding.text(rec.headers(), KafkaBinding.TIME);
        if (id == null || source == null || time == null) {
            return Verdict.MALFORMED;
        }
        try {
            long skew = Math.abs(rec.timestamp() - Instant.parse(time).toEpochMilli());
            if (skew > policy.replayWindow().toMillis()) {
                return Verdict.STALE;
            }
        } catch (DateTimeParseException e) {
            return Verdict.MALFORMED;
        }
        return replays.firstSeenAt(source, id, rec.topic(), rec.partition(), rec.offset())
                ? Verdict.ACCEPTED : Verdict.REPLAYED;
    }

    private void reject(ConsumerRecord<Object, Object> rec, Verdict verdict) {
        RejectionStats.count(policy.service(), verdict);
        LOG.log(Level.WARNING, () -> "refused " + rec.topic() + "-" + rec.partition() + "@" + rec.offset()
                + ": " + verdict.reason());
        if (rec.topic().equals(Topic.GENESIS_DLQ.topicName())) {
            return; // never loop a bad dead letter back into the dead-letter topic
        }
        try {
            DeadLetter letter = deadLetter(rec, verdict);
            CloudEvent ev = CloudEvent.of("/" + policy.service() + "/" + policy.instance(),
                    Topic.GENESIS_DLQ.topicName(), letter.eventId(), letter);
            ProducerRecord<String, byte[]> out = KafkaBinding.toRecord(Topic.GENESIS_DLQ.topicName(),
                    ev.withPartitionKey(rec.topic()));
            if (policy.signer() != null) {
                policy.signer().sign(out.topic(), out.headers(), out.value());
            }
            deadLetters.accept(out);
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "could not write a dead letter: " + e.getMessage());
        }
    }

    private DeadLetter deadLetter(ConsumerRecord<Object, Object> rec, Verdict verdict) {
        Map<String, String> headers = new LinkedHashMap<>();
        for (Header h : rec.headers()) {
            headers.put(h.key(), h.value() == null ? null : new String(h.value(), StandardCharsets.UTF_8));
        }
        // A replay passed the signature check first, so it is the very event this consumer already
        // took (same source and id, same signed data): its letter says where and when, without a copy
        // of the data. A takeover re-announces a plan's checkpoint rows as the same events, and each
        // consumer that remembers them refused ~200 of them at ~230 KB apiece for a 200,000-shard plan
        // (docs/BENCHMARKS.md, kill and resume).
        byte[] value;
        try {
            value = verdict == Verdict.REPLAYED ? null : KafkaBinding.valueBytes(rec.value());
        } catch (IllegalArgumentException e) {
            value = new byte[0];
        }
        return new DeadLetter(verdict.reason(), rec.topic(), rec.partition(), rec.offset(), policy.service(),
                groupId, headers.get(KafkaBinding.ID), headers.get(KafkaBinding.SOURCE),
                headers.get(KafkaBinding.TYPE), rec.key() == null ? null : rec.key().toString(), headers,
                value == null ? null : Base64.getEncoder().encodeToString(value), Instant.now());
    }

    void deadLettersTo(Consumer<ProducerRecord<String, byte[]>> sink) {
        this.deadLetters = sink;
    }

    private void sendToDlqTopic(ProducerRecord<String, byte[]> out) {
        dlqProducer().send(out, (md, e) -> {
            if (e != null) {
                LOG.log(Level.WARNING, "could not write a dead letter: " + e.getMessage());
            }
        });
    }

    Producer<String, byte[]> dlqProducer() {
        Producer<String, byte[]> p = dlq;
        if (p == null) {
            synchronized (this) {
                if (dlq == null) {
                    Properties props = new Properties();
                    clientConfig.forEach((k, v) -> {
                        if (k.equals("bootstrap.servers") || k.startsWith("security.") || k.startsWith("ssl.")
                                || k.startsWith("sasl.")) {
                            props.put(k, v);
                        }
                    });
                    // One per consumer of the service: a client id of its own keeps their metrics apart.
                    props.put(ProducerConfig.CLIENT_ID_CONFIG, "hxo-dlq-" + policy.service() + "-" + DLQ_CLIENTS.incrementAndGet());
                    props.put(ProducerConfig.KEY_SERIALIZER_CLASS_CONFIG, StringSerializer.class.getName());
                    props.put(ProducerConfig.VALUE_SERIALIZER_CLASS_CONFIG, ByteArraySerializer.class.getName());
                    props.put(ProducerConfig.LINGER_MS_CONFIG, "5");
                    dlq = new KafkaProducer<>(props);
                    DeadLetterClients.created(dlq);
                }
                p = dlq;
            }
        }
        return p;
    }

    @Override
    public void onCommit(Map<TopicPartition, OffsetAndMetadata> offsets) {
        // Nothing to do: verification happens before the application sees a record.
    }

    @Override
    public void close() {
        Producer<String, byte[]> p = dlq;
        if (p != null) {
            p.close(Duration.ofSeconds(2));
        }
    }
}
