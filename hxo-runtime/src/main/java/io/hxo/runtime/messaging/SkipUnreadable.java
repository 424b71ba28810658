package io.hxo.runtime.messaging;

import io.smallrye.common.annotation.Identifier;
import io.smallrye.mutiny.Uni;
import io.smallrye.reactive.messaging.kafka.IncomingKafkaRecord;
import io.smallrye.reactive.messaging.kafka.KafkaConnectorIncomingConfiguration;
import io.smallrye.reactive.messaging.kafka.KafkaConsumer;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailStop;
import io.smallrye.reactive.messaging.kafka.fault.KafkaFailureHandler;
import io.smallrye.reactive.messaging.kafka.fault.KafkaIgnoreFailure;
import io.vertx.mutiny.core.Vertx;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.function.BiConsumer;
import org.eclipse.microprofile.reactive.messaging.Metadata;

/**
 * The failure strategy of a channel whose records {@link HxoEventConverter} converts
 * ({@code mp.messaging.incoming.<channel>.failure-strategy=skip-unreadable}): a record that cannot be
 * read ({@link UnreadableRecordException}) is logged and acknowledged, and the channel goes on, as the
 * consumers did when they parsed their records themselves; any other failure stops the channel as
 * SmallRye's default {@code fail} does. SmallRye nacks a message whose conversion throws, so with
 * {@code fail} one unreadable record would stop the channel, and with {@code ignore} a failed store
 * write would be acknowledged and lost.
 */
@ApplicationScoped
@Identifier(SkipUnreadable.NAME)
public class SkipUnreadable implements KafkaFailureHandler.Factory {
    public static final String NAME = "skip-unreadable";

    @Override
    public KafkaFailureHandler create(KafkaConnectorIncomingConfiguration config, Vertx vertx,
            KafkaConsumer<?, ?> consumer, BiConsumer<Throwable, Boolean> reportFailure) {
        KafkaFailureHandler skip = new KafkaIgnoreFailure(config.getChannel());
        KafkaFailureHandler stop = new KafkaFailStop(config.getChannel(), reportFailure);
        return new KafkaFailureHandler() {
            @Override
            public <K, V> Uni<Void> handle(IncomingKafkaRecord<K, V> record, Throwable reason, Metadata metadata) {
                return unreadable(reason) ? skip.handle(record, reason, metadata) : stop.handle(record, reason, metadata);
            }
        };
    }

    static boolean unreadable(Throwable reason) {
        for (Throwable t = reason; t != null; t = t.getCause()) {
            if (t instanceof UnreadableRecordException) {
                return true;
            }
        }
        return false;
    }
}
