package io.hxo.planner.own;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/** Tells the owner which partitions (and so which plans) this instance gains or loses in a rebalance. */
@ApplicationScoped
@Identifier("plan-ownership")
public class OwnershipListener implements KafkaConsumerRebalanceListener {
    private final PlanOwner owner;

    public OwnershipListener(PlanOwner owner) {
        this.owner = owner;
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owner.partitionsAssigned(partitions);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        owner.partitionsRevoked(partitions);
    }
}
