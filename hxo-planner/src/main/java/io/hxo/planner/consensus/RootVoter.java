package io.hxo.planner.consensus;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.PlanOwner;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * The planner as one of the consensus validators: on {@code hxo.aggregate.ready} it recomputes the
 * plan's root from the database (checkpointed leaves, splits, stored inputs) rather than trusting
 * the in-memory run that announced it, and publishes its vote.
 */
@ApplicationScoped
public class RootVoter {
    public static final String VALIDATOR = "hxo-planner";

    private final PlanOwner owner;
    private final HxoPublisher publisher;
    private final PlannerConfig config;

    public RootVoter(PlanOwner owner, HxoPublisher publisher, PlannerConfig config) {
        this.owner = owner;
        this.publisher = publisher;
        this.config = config;
    }

    @Incoming("aggregate-ready")
    @Blocking
    public void onReady(ConsumerRecord<String, byte[]> record) {
        Events.AggregateReady ready;
        try {
            var ev = KafkaBinding.fromRecord(record);
            if (ev.time().isBefore(Instant.now().minus(Events.VOTE_WINDOW))) {
                return; // its round was decided long ago (a backlog after downtime): a vote would be noise
            }
            ready = ev.dataAs(Events.AggregateReady.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped unreadable aggregate.ready: %s", e.getMessage());
            return;
        }
        String root = null;
        String error = null;
        try {
            root = owner.storedRoot(UUID.fromString(ready.planId()));
        } catch (Exception e) {
            error = "cannot recompute the root from the store: " + e.getMessage();
            Log.warnf("plan %s: %s", ready.planId(), error);
        }
        publisher.emit(Topic.HXO_AGGREGATE_VOTE, ready.planId(), new Events.Vote(ready.planId(), VALIDATOR,
                config.instanceId(), root, ready.leafCount(), ready.hashAlg(), error, Instant.now()));
    }
}
