package io.hxo.runtime.messaging;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.smallrye.reactive.messaging.MessageConverter;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import jakarta.enterprise.context.ApplicationScoped;
import java.lang.reflect.Type;
import java.util.ArrayList;
import java.util.List;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.jboss.logging.Logger;

/**
 * Turns a consumed HXO record (a byte[] value with the CloudEvent in binary-mode headers, verified
 * by the zero-trust interceptor on the way in) into what the {@code @Incoming} method asks for:
 * {@link CloudEvent}, {@link Received}, a payload record of {@code io.hxo.contracts.payload} (the
 * event's data), or on a batch channel a {@link ReceivedBatch}.
 *
 * <p>A single record that cannot be read fails its conversion with an {@link UnreadableRecordException}
 * naming its topic, partition and offset; SmallRye then nacks it instead of calling the method, so
 * such a channel sets {@code failure-strategy=skip-unreadable} ({@link SkipUnreadable}: the record is
 * logged and skipped, the channel goes on) or {@code ignore}. In a batch an unreadable record is
 * logged and left out, and the batch goes on without it.
 *
 * <p>The conversion runs on the channel's consumer thread, before a {@code @Blocking} method is handed
 * to its worker: a consumer that parses large data on its worker threads takes the {@link CloudEvent}
 * (headers only) and reads its data there, once.
 */
@ApplicationScoped
public class HxoEventConverter implements MessageConverter {
    private static final Logger LOG = Logger.getLogger(HxoEventConverter.class);
    private static final String PAYLOADS = "io.hxo.contracts.payload";

    @Override
    public boolean canConvert(Message<?> in, Type target) {
        if (target == ReceivedBatch.class) {
            return in.getMetadata(IncomingKafkaRecordBatchMetadata.class).isPresent();
        }
        return isSingleTarget(target) && in.getMetadata(IncomingKafkaRecordMetadata.class).isPresent()
                && (in.getPayload() == null || in.getPayload() instanceof byte[]);
    }

    private static boolean isSingleTarget(Type target) {
        return target == CloudEvent.class || target == Received.class
                || (target instanceof Class<?> c && !c.isArray() && c.getPackageName().equals(PAYLOADS));
    }

    @Override
    public Message<?> convert(Message<?> in, Type target) {
        if (target == ReceivedBatch.class) {
            IncomingKafkaRecordBatchMetadata<?, ?> batch = in.getMetadata(IncomingKafkaRecordBatchMetadata.class)
                    .orElseThrow();
            List<Received> out = new ArrayList<>(batch.count());
            for (ConsumerRecord<?, ?> rec : batch.getRecords()) {
                try {
                    out.add(received(rec));
                } catch (IllegalArgumentException e) {
                    LOG.warnf("skipped unreadable event %s-%d@%d: %s", rec.topic(), rec.partition(), rec.offset(),
                            e.getMessage());
                }
            }
            return in.withPayload(new ReceivedBatch(out));
        }
        IncomingKafkaRecordMetadata<?, ?> meta = in.getMetadata(IncomingKafkaRecordMetadata.class).orElseThrow();
        ConsumerRecord<?, ?> rec = meta.getRecord();
        try {
            Received r = received(rec);
            if (target == Received.class) {
                return in.withPayload(r);
            }
            if (target == CloudEvent.class) {
                return in.withPayload(r.event());
            }
            return in.withPayload(r.event().dataAs((Class<?>) target));
        } catch (IllegalArgumentException e) {
            throw new UnreadableRecordException(rec.topic(), rec.partition(), rec.offset(), e);
        }
    }

    /** The record's event and position; throws IllegalArgumentException when it carries no readable event. */
    static Received received(ConsumerRecord<?, ?> rec) {
        CloudEvent ev = KafkaBinding.fromRecord(rec.headers(), rec.value());
        return new Received(rec.topic(), rec.partition(), rec.offset(),
                java.time.Instant.ofEpochMilli(rec.timestamp()), ev, rec.headers());
    }
}
