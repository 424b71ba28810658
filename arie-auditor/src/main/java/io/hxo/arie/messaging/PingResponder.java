package io.hxo.arie.messaging;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Answers the gateway's {@code federation.ping} on {@code arie.commands}, so the gateway can time
 * its link to arie-auditor. It reads the topic in a consumer group of its own and ignores every other
 * command type (those belong to the command handler).
 */
@ApplicationScoped
public class PingResponder {
    /** A ping this old was given up by its gateway; answering it is wasted work. */
    private static final Duration STALE = Duration.ofSeconds(30);

    private final HxoPublisher publisher;

    public PingResponder(HxoPublisher publisher) {
        this.publisher = publisher;
    }

    @Incoming("arie-ping")
    public void onCommand(ConsumerRecord<String, byte[]> record) {
        try {
            CloudEvent request = KafkaBinding.fromRecord(record);
            if (!Ping.TYPE.equals(request.type()) || request.time().isBefore(Instant.now().minus(STALE))) {
                return;
            }
            publisher.reply(Topic.ARIE_COMMANDS, request, Reply.ok(200, new Ping.Pong(publisher.source(), Instant.now())));
        } catch (RuntimeException e) {
            // Never leave the channel: a ping not answered is what the gateway measures anyway.
            Log.warnf("ping @%d not answered: %s", record.offset(), e.getMessage());
        }
    }
}
