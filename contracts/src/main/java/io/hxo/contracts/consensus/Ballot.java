package io.hxo.contracts.consensus;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import java.time.Instant;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/** The validator's side of a consensus round: which ready events to vote on, and the vote itself. */
public final class Ballot {
    private Ballot() {
    }

    /**
     * The ready announcement a record carries, if a validator should vote on it: readable, and not
     * older than {@link Events#VOTE_WINDOW} (a backlog after downtime is long decided).
     */
    public static Optional<Events.AggregateReady> toVoteOn(ConsumerRecord<String, byte[]> record) {
        try {
            CloudEvent ev = KafkaBinding.fromRecord(record);
            if (ev.time().isBefore(Instant.now().minus(Events.VOTE_WINDOW))) {
                return Optional.empty();
            }
            return Optional.of(ev.dataAs(Events.AggregateReady.class));
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** Publishes a validator's vote: its root, or null and the reason it has none. */
    public static void cast(HxoPublisher publisher, Events.AggregateReady ready, String validator, String instance,
            String root, String error) {
        publisher.emit(Topic.HXO_AGGREGATE_VOTE, ready.planId(), new Events.Vote(ready.planId(), validator, instance,
                root, ready.leafCount(), ready.hashAlg(), error, Instant.now()));
    }
}
