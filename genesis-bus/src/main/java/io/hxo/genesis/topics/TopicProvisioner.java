package io.hxo.genesis.topics;

import io.hxo.contracts.topic.Topic;
import io.hxo.genesis.config.GenesisConfig;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.common.annotation.Identifier;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.errors.TopicExistsException;

/**
 * Creates the topic catalog at start (idempotently): events and work topics keep their records for
 * the event retention, command and reply topics for the shorter command retention. Every topic
 * stamps records with broker time, which the replay-window check relies on.
 */
@ApplicationScoped
public class TopicProvisioner {
    private final GenesisConfig config;
    private final Map<String, Object> kafka;
    private volatile Set<String> provisioned = Set.of();

    public TopicProvisioner(GenesisConfig config, @Identifier("default-kafka-broker") Map<String, Object> kafka) {
        this.config = config;
        this.kafka = kafka;
    }

    void onStart(@Observes @Priority(10) StartupEvent ev) throws InterruptedException {
        provision();
    }

    public void provision() throws InterruptedException {
        Map<String, Object> admin = new HashMap<>();
        admin.put(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.get("bootstrap.servers"));
        admin.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, 30000);
        try (Admin client = Admin.create(admin)) {
            List<NewTopic> wanted = new ArrayList<>();
            for (Topic t : Topic.values()) {
                wanted.add(newTopic(t));
            }
            int created = 0;
            for (var entry : client.createTopics(wanted).values().entrySet()) {
                try {
                    entry.getValue().get(30, TimeUnit.SECONDS);
                    created++;
                } catch (ExecutionException e) {
                    if (!(e.getCause() instanceof TopicExistsException)) {
                        throw new IllegalStateException("cannot create topic " + entry.getKey() + ": "
                                + e.getCause().getMessage(), e.getCause());
                    }
                } catch (java.util.concurrent.TimeoutException e) {
                    throw new IllegalStateException("Kafka did not answer while creating " + entry.getKey(), e);
                }
            }
            // Topics a client created first (auto-creation) still get the catalog's settings.
            Map<ConfigResource, java.util.Collection<AlterConfigOp>> settings = new HashMap<>();
            for (NewTopic t : wanted) {
                List<AlterConfigOp> ops = new ArrayList<>();
                t.configs().forEach((k, v) -> ops.add(new AlterConfigOp(new ConfigEntry(k, v), AlterConfigOp.OpType.SET)));
                settings.put(new ConfigResource(ConfigResource.Type.TOPIC, t.name()), ops);
            }
            client.incrementalAlterConfigs(settings).all().get(30, TimeUnit.SECONDS);
            provisioned = client.listTopics().names().get(30, TimeUnit.SECONDS);
            Log.infof("topic catalog ready: %d topics, %d created now", Topic.values().length, created);
        } catch (ExecutionException | java.util.concurrent.TimeoutException e) {
            throw new IllegalStateException("cannot list topics: " + e.getMessage(), e);
        }
    }

    private NewTopic newTopic(Topic t) {
        long retention = switch (t.kind()) {
            case COMMAND, REPLY, FEED -> config.topics().commandRetentionMs();
            case WORK, EVENT -> config.topics().eventRetentionMs();
        };
        Map<String, String> settings = new HashMap<>();
        settings.put(TopicConfig.RETENTION_MS_CONFIG, Long.toString(retention));
        settings.put(TopicConfig.MESSAGE_TIMESTAMP_TYPE_CONFIG, "LogAppendTime");
        // The feed is read in order by every reader: one partition. Its records repeat stored events
        // (bounded by FeedPublisher), and an event near Kafka's 1 MB limit must still fit.
        int partitions = t.kind() == Topic.Kind.FEED ? 1 : config.topics().partitions();
        if (t.kind() == Topic.Kind.FEED || t.kind() == Topic.Kind.REPLY) {
            settings.put(TopicConfig.MAX_MESSAGE_BYTES_CONFIG, Integer.toString(Topic.LARGE_RECORD_BYTES));
        }
        return new NewTopic(t.topicName(), partitions, config.topics().replicationFactor()).configs(settings);
    }

    public Set<String> provisioned() {
        return provisioned;
    }
}
