package io.hxo.planner.execute;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.reactive.messaging.kafka.KafkaConsumerRebalanceListener;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Default;
import java.util.Collection;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.Consumer;
import org.apache.kafka.common.TopicPartition;

/**
 * Where a plan's concurrency limit is enforced: at execution. Each task batch carries the plan's
 * limit (fixed, or adaptive under ALIR); a shard waits for a slot before it starts and frees it when
 * it ends, so no more of the plan's shards execute at once than the limit allows, however many tasks
 * the dispatch window has sent. With several instances each takes the share of the limit that its
 * share of {@code hxo.shard.tasks} partitions gives it (at least one), so together they stay within
 * the limit while it is at least the number of instances.
 */
@ApplicationScoped
@Default // injected by type into the worker, and named for the tasks channel's rebalance listener
@Identifier("task-share")
public class ExecutionSlots implements KafkaConsumerRebalanceListener {
    private final Map<String, Slots> plans = new ConcurrentHashMap<>();
    private volatile int ownedPartitions;
    private volatile int totalPartitions;

    /** A plan's executing shards on this instance, and how many it may have. */
    private static final class Slots {
        int executing;
        int waiting;
        int limit;
    }

    /** Waits until one more shard of the plan may execute here, then counts it as executing. */
    void acquire(String planId, int planLimit) throws InterruptedException {
        int share = share(planLimit);
        Slots s = plans.computeIfAbsent(planId, k -> new Slots());
        synchronized (s) {
            s.limit = share;
            s.waiting++;
            try {
                while (s.executing >= s.limit) {
                    s.wait();
                }
            } finally {
                s.waiting--;
            }
            s.executing++;
        }
    }

    void release(String planId) {
        Slots s = plans.get(planId);
        if (s == null) {
            return;
        }
        synchronized (s) {
            s.executing--;
            s.notify();
            if (s.executing == 0 && s.waiting == 0) {
                plans.remove(planId, s);
            }
        }
    }

    /** The plan's shards executing on this instance now. */
    public int executing(String planId) {
        Slots s = plans.get(planId);
        if (s == null) {
            return 0;
        }
        synchronized (s) {
            return s.executing;
        }
    }

    /** This instance's share of a plan's limit; 0 or less means no limit. */
    int share(int planLimit) {
        if (planLimit <= 0) {
            return Integer.MAX_VALUE;
        }
        int owned = ownedPartitions;
        int total = totalPartitions;
        if (owned <= 0 || total <= 0 || owned >= total) {
            return planLimit;
        }
        return Math.max(1, (int) ((long) planLimit * owned / total));
    }

    @Override
    public void onPartitionsAssigned(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        count(consumer);
    }

    @Override
    public void onPartitionsRevoked(Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
        count(consumer);
    }

    private void count(Consumer<?, ?> consumer) {
        var assigned = consumer.assignment();
        ownedPartitions = assigned.size();
        totalPartitions = assigned.stream().map(TopicPartition::topic).distinct()
                .mapToInt(t -> consumer.partitionsFor(t).size()).sum();
    }
}
