package io.hxo.gateway.command;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.links.LinkRegistry;
import io.hxo.runtime.messaging.Received;
import io.quarkus.logging.Log;
import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * What reaches the gateway from Kafka: replies to its commands and the peers' heartbeats. The
 * gateway is ready only once this consumer holds its partitions, so no early reply is missed.
 */
@ApplicationScoped
@Identifier("inbox-ready")
public class Inbox implements KafkaConsumerRebalanceListener {
    private final CommandBus commands;
    private final LinkRegistry links;
    private volatile boolean assigned;

    public Inbox(CommandBus commands, LinkRegistry links) {
        this.commands = commands;
        this.links = links;
    }

    /** A reply or a heartbeat, as hxo-runtime's converter read it; {@link Received} for its topic. */
    @Incoming("inbox")
    public void receive(Received record) {
        CloudEvent ev = record.event();
        try {
            if (record.topic().equals(Topic.FEDERATION_HEARTBEAT.topicName())) {
                links.onHeartbeat(ev.dataAs(Events.Heartbeat.class));
            } else {
                commands.onReply(ev);
            }
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped unreadable record %s-%d@%d: %s", record.topic(), record.partition(), record.offset(),
                    e.getMessage());
        }
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        assigned = !partitions.isEmpty();
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        // The group has this one member; a revoke is followed by a new assignment.
    }

    public boolean ready() {
        return assigned;
    }
}
