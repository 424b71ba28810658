package io.hxo.arie.consensus;

import io.hxo.arie.config.ArieConfig;
import io.hxo.contracts.consensus.Ballot;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.merkle.LeafFold;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.logging.PlanLog;
import io.hxo.runtime.publish.HxoPublisher;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaClientMetrics;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.common.annotation.Identifier;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * arie-auditor as a consensus validator: it reads the plan's {@code hxo.shard.done} events from the
 * broker itself (its own consumption, verified by the zero-trust interceptor like every record),
 * from shortly before the plan started (further back if leaves are missing, and asking the plan's
 * owner to announce them again if they are still missing), folds the leaves into a root and votes. Nothing the planner or genesis-bus computed enters its tree.
 */
@ApplicationScoped
public class TopicVoter {
    public static final String VALIDATOR = "arie-auditor";
    /**
     * Events keyed by a plan are stamped by the broker at or after the plan's start by the planner's
     * clock. Reading begins this much before the start: with clocks in step that covers every leaf
     * while skipping most of the partition's other plans (with a minute, a vote in a busy run read
     * some 200 other plans' events).
     */
    static final Duration NEAR_MARGIN = Duration.ofSeconds(5);
    /** When leaves are still missing at the end of the partition, it reads once more from this far back. */
    static final Duration CLOCK_MARGIN = Duration.ofMinutes(1);
    /** How long the first poll of a vote waits for the plan's partition to return records. */
    static final long FIRST_POLL_MS = 50;

    private final Map<String, Object> kafka;
    private final HxoPublisher publisher;
    private final ArieConfig config;
    private final MeterRegistry registry;
    private KafkaConsumer<String, byte[]> reader;
    private KafkaClientMetrics readerMetrics;

    public TopicVoter(@Identifier("default-kafka-broker") Map<String, Object> kafka, HxoPublisher publisher,
            ArieConfig config, MeterRegistry registry) {
        this.kafka = kafka;
        this.publisher = publisher;
        this.config = config;
        this.registry = registry;
    }

    @Incoming("aggregate-ready")
    @Blocking
    public void onReady(CloudEvent announced) {
        Events.AggregateReady ready = Ballot.toVoteOn(announced).orElse(null);
        if (ready == null) {
            return;
        }
        try (PlanLog log = PlanLog.of(ready.planId())) {
            vote(ready);
        }
    }

    private void vote(Events.AggregateReady ready) {
        String root = null;
        String error = null;
        try {
            LeafFold fold = fold(ready);
            if (fold.size() != ready.leafCount()) {
                error = "read " + fold.size() + " of " + ready.leafCount() + " leaves from " + Topic.HXO_SHARD_DONE.topicName();
            }
            root = fold.root(HashAlg.fromWire(ready.hashAlg()));
        } catch (RuntimeException e) {
            error = "cannot read " + Topic.HXO_SHARD_DONE.topicName() + ": " + e.getMessage();
            Log.warnf("plan %s: %s", ready.planId(), error);
        }
        publisher.emit(Topic.HXO_AGGREGATE_VOTE, ready.planId(),
                Ballot.vote(ready, VALIDATOR, config.instanceId(), root, error));
        Log.infof("plan %s: voted %s over %d leaves", ready.planId(), error == null ? root : "no root (" + error + ")",
                ready.leafCount());
    }

    /** Reads the plan's partition of hxo.shard.done until every leaf is in, or patience runs out. */
    LeafFold fold(Events.AggregateReady ready) {
        LeafFold fold = new LeafFold();
        KafkaConsumer<String, byte[]> consumer = reader();
        try {
            String topic = Topic.HXO_SHARD_DONE.topicName();
            int partitions = consumer.partitionsFor(topic).size();
            // The planner keys a plan's events by its id; the default partitioner places them so.
            TopicPartition tp = new TopicPartition(topic,
                    Utils.toPositive(Utils.murmur2(ready.planId().getBytes(StandardCharsets.UTF_8))) % partitions);
            consumer.assign(List.of(tp));
            Instant start = ready.startedAt() == null ? Instant.now().minus(Duration.ofDays(1)) : ready.startedAt();
            seekTo(consumer, tp, start.minus(NEAR_MARGIN));
            boolean widened = false;
            boolean asked = false;
            long deadline = System.nanoTime() + Ballot.patienceMs(ready.leafCount()) * 1_000_000;
            // The leaves are nearly always on the broker by now, and for a small plan one fetch brings
            // them all: try that before asking where the partition ends (a round trip of its own).
            if (ready.leafCount() > 0) {
                addLeaves(consumer.poll(Duration.ofMillis(FIRST_POLL_MS)), ready, fold);
            }
            while (fold.size() < ready.leafCount()) {
                long end = consumer.endOffsets(List.of(tp)).get(tp);
                while (consumer.position(tp) < end) {
                    addLeaves(consumer.poll(Duration.ofMillis(200)), ready, fold);
                }
                if (fold.size() < ready.leafCount() && !widened) {
                    // The planner's clock may run ahead of the broker's: once, read again from a
                    // minute back (leaves read twice count once, by slot).
                    widened = true;
                    seekTo(consumer, tp, start.minus(CLOCK_MARGIN));
                    continue;
                }
                if (fold.size() < ready.leafCount() && !asked) {
                    // Still short after reading the whole partition: some leaves never reached the broker
                    // (or left it). The plan's owner announces them again; they arrive at its end.
                    asked = true;
                    askForLeaves(ready, fold.size());
                }
                if (System.nanoTime() > deadline) {
                    break;
                }
                if (fold.size() < ready.leafCount()) {
                    try {
                        Thread.sleep(100); // the last leaves may still be on their way to the broker
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                        break;
                    }
                }
            }
        } catch (RuntimeException e) {
            reader = null; // a consumer in an unknown state is not reused
            consumer.close();
            throw e;
        }
        return fold;
    }

    private void askForLeaves(Events.AggregateReady ready, int have) {
        Log.warnf("plan %s: read %d of %d leaves; asking its owner to announce them again", ready.planId(), have,
                ready.leafCount());
        publisher.publish(Topic.HXO_COMMANDS, publisher.event(Commands.PLAN_RESEND_LEAVES, ready.planId(),
                new Commands.ResendLeaves(ready.planId(), null, null)));
    }

    private static void addLeaves(ConsumerRecords<String, byte[]> records, Events.AggregateReady ready, LeafFold fold) {
        for (ConsumerRecord<String, byte[]> rec : records) {
            if (ready.planId().equals(rec.key())) {
                fold.addShardsDone(KafkaBinding.valueBytes(rec.value()));
            }
        }
    }

    private static void seekTo(KafkaConsumer<String, byte[]> consumer, TopicPartition tp, Instant from) {
        OffsetAndTimestamp at = consumer.offsetsForTimes(Map.of(tp, from.toEpochMilli())).get(tp);
        if (at == null) {
            consumer.seekToEnd(List.of(tp));
        } else {
            consumer.seek(tp, at.offset());
        }
    }

    /**
     * One consumer for every vote (votes run one at a time on this channel's ordered worker): making
     * a new one per plan cost ~0.4 s of metadata round trips each time.
     */
    private KafkaConsumer<String, byte[]> reader() {
        if (reader == null) {
            Map<String, Object> cfg = new HashMap<>(kafka);
            cfg.remove(ConsumerConfig.GROUP_ID_CONFIG);
            cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
            cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
            cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
            cfg.put(ConsumerConfig.MAX_PARTITION_FETCH_BYTES_CONFIG, 8 << 20);
            cfg.put(ConsumerConfig.FETCH_MAX_WAIT_MS_CONFIG, 10);
            cfg.put(ConsumerConfig.CLIENT_ID_CONFIG, "arie-vote-reader-" + config.instanceId());
            reader = new KafkaConsumer<>(cfg);
            // Made here, not by SmallRye (it seeks by time per vote): its client metrics are bound here too.
            readerMetrics = new KafkaClientMetrics(reader);
            readerMetrics.bindTo(registry);
        }
        return reader;
    }

    void close(@jakarta.enterprise.event.Observes io.quarkus.runtime.ShutdownEvent ev) {
        if (readerMetrics != null) {
            readerMetrics.close();
        }
        if (reader != null) {
            reader.close();
        }
    }
}
