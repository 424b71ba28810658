package io.hxo.genesis.api;

import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.GroupListing;
import org.apache.kafka.clients.admin.ListGroupsOptions;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.common.TopicPartition;

/**
 * What the broker's admin API tells the bus's metrics: consumer lag per group (records not yet
 * consumed, summed over the group's committed partitions) and which topics exist.
 */
@ApplicationScoped
public class ConsumerLag {
    private final Map<String, Object> kafka;
    private volatile Admin admin;

    public ConsumerLag(@Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.kafka = kafka;
    }

    public Map<String, Long> byGroup() throws InterruptedException {
        Admin client = admin();
        Map<String, Long> lag = new TreeMap<>();
        try {
            for (GroupListing group : client.listGroups(ListGroupsOptions.forConsumerGroups()).all().get(5, TimeUnit.SECONDS)) {
                Map<TopicPartition, OffsetAndMetadata> committed = client
                        .listConsumerGroupOffsets(group.groupId()).partitionsToOffsetAndMetadata()
                        .get(5, TimeUnit.SECONDS);
                committed.values().removeIf(java.util.Objects::isNull);
                if (committed.isEmpty()) {
                    continue; // groups that commit nothing (per-instance readers) have no lag to show
                }
                Map<TopicPartition, OffsetSpec> ends = new HashMap<>();
                committed.keySet().forEach(tp -> ends.put(tp, OffsetSpec.latest()));
                var end = client.listOffsets(ends).all().get(5, TimeUnit.SECONDS);
                long total = 0;
                for (var e : committed.entrySet()) {
                    var info = end.get(e.getKey());
                    if (info != null) {
                        total += Math.max(0, info.offset() - e.getValue().offset());
                    }
                }
                lag.put(group.groupId(), total);
            }
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not report consumer offsets: " + e.getMessage(), e);
        }
        return lag;
    }

    /** The topics that exist on the broker now (to check the catalog against). */
    public java.util.Set<String> topics() throws InterruptedException {
        try {
            return admin().listTopics().names().get(5, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException e) {
            throw new IllegalStateException("Kafka did not list its topics: " + e.getMessage(), e);
        }
    }

    private Admin admin() {
        Admin a = admin;
        if (a == null) {
            synchronized (this) {
                if (admin == null) {
                    Map<String, Object> conf = new HashMap<>();
                    conf.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
                    conf.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, 5000);
                    conf.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 5000);
                    admin = Admin.create(conf);
                }
                a = admin;
            }
        }
        return a;
    }

    @PreDestroy
    void close() {
        if (admin != null) {
            admin.close(Duration.ofSeconds(2));
        }
    }
}
