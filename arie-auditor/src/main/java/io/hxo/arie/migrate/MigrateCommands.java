package io.hxo.arie.migrate;

import io.hxo.arie.config.ArieConfig;
import io.hxo.contracts.schema.SchemaMigrator;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Answers {@link Commands#SYSTEM_MIGRATE} on {@code arie.commands} (group {@code arie-auditor-migrate},
 * of its own). Every other command type on the topic is left to the audit API's handler: this one
 * neither answers nor refuses it.
 */
@ApplicationScoped
public class MigrateCommands {
    /** A request older than this was given up by its gateway long ago. */
    private static final Duration STALE = Duration.ofSeconds(30);

    private final SchemaMigrator schema;
    private final HxoPublisher publisher;
    private final ArieConfig config;

    public MigrateCommands(SchemaMigrator schema, HxoPublisher publisher, ArieConfig config) {
        this.schema = schema;
        this.publisher = publisher;
        this.config = config;
    }

    @Incoming("arie-migrate")
    @Blocking
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        try {
            CloudEvent request = KafkaBinding.fromRecord(record);
            if (!Commands.SYSTEM_MIGRATE.equals(request.type()) || request.time().isBefore(Instant.now().minus(STALE))) {
                return;
            }
            Reply reply;
            try {
                reply = Reply.ok(200, schema.migrate("arie-auditor", config.instanceId()));
            } catch (RuntimeException e) {
                Log.errorf(e, "migration failed");
                reply = Reply.problem(Problem.of(500, "migration-failed", "Migration failed",
                        "arie-auditor could not migrate its schema: " + e.getMessage()));
            }
            publisher.reply(Topic.ARIE_COMMANDS, request, reply);
        } catch (RuntimeException e) {
            Log.warnf("skipped command @%d: %s", record.offset(), e.getMessage());
        }
    }
}
