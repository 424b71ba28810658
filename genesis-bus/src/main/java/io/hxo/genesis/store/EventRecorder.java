package io.hxo.genesis.store;

import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.topic.Topic;
import io.hxo.genesis.dlq.RejectionAlerts;
import io.hxo.genesis.feed.FeedPublisher;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Consumes the event topics in batches, stores every event once and puts what was new on the feed. The batch is acknowledged
 * after the transaction commits; while the database is away it is retried, never dropped.
 */
@ApplicationScoped
public class EventRecorder {
    private final EventStore store;
    private final FeedPublisher feed;
    private final RejectionAlerts rejections;

    public EventRecorder(EventStore store, FeedPublisher feed, RejectionAlerts rejections) {
        this.store = store;
        this.feed = feed;
        this.rejections = rejections;
    }

    @Incoming("events")
    @Blocking
    public void record(ConsumerRecords<String, byte[]> records) throws InterruptedException {
        List<EventStore.Incoming> events = new ArrayList<>(records.count());
        List<EventStore.Refused> refused = new ArrayList<>();
        for (ConsumerRecord<String, byte[]> rec : records) {
            try {
                var ev = KafkaBinding.fromRecord(rec);
                events.add(new EventStore.Incoming(rec.topic(), rec.partition(), rec.offset(), ev));
                if (rec.topic().equals(Topic.GENESIS_DLQ.topicName())) {
                    refused.add(new EventStore.Refused(ev.dataAs(DeadLetter.class)));
                }
            } catch (IllegalArgumentException e) {
                Log.warnf("skipped unreadable event %s-%d@%d: %s", rec.topic(), rec.partition(), rec.offset(),
                        e.getMessage());
            }
        }
        long backoff = 100;
        while (true) {
            try {
                store.store(events, refused, feed::publish);
                refused.forEach(r -> rejections.refused(r.letter()));
                return;
            } catch (SQLException e) {
                Log.warnf("event store write failed (%s); retrying in %d ms", e.getMessage(), backoff);
                Thread.sleep(backoff);
                backoff = Math.min(5000, backoff * 2);
            }
        }
    }
}
