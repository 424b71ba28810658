package io.hxo.runtime.messaging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Ping;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordBatchMetadata;
import io.smallrye.reactive.messaging.kafka.api.IncomingKafkaRecordMetadata;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.record.TimestampType;
import org.eclipse.microprofile.reactive.messaging.Message;
import org.eclipse.microprofile.reactive.messaging.Metadata;
import org.junit.jupiter.api.Test;

/** What an {@code @Incoming} method gets for a consumed HXO record, and what the converter leaves alone. */
class HxoEventConverterTest {
    final HxoEventConverter converter = new HxoEventConverter();

    static ConsumerRecord<String, byte[]> record(long offset, CloudEvent ev) {
        var out = KafkaBinding.toRecord("hxo.alert", ev);
        return new ConsumerRecord<>("hxo.alert", 2, offset, 1_700_000_000_000L, TimestampType.LOG_APPEND_TIME, 0, 0,
                out.key(), out.value(), out.headers(), Optional.empty());
    }

    static Message<byte[]> single(ConsumerRecord<String, byte[]> rec) {
        return Message.of(rec.value(), Metadata.of(new IncomingKafkaRecordMetadata<>(rec, "ch")));
    }

    /** The type of a {@code List<Received>} parameter, which SmallRye fills without converting. */
    static Type listOfReceived() throws NoSuchMethodException {
        return Shapes.class.getDeclaredMethod("received").getGenericReturnType();
    }

    interface Shapes {
        List<Received> received();
    }

    @Test
    void aRecordBecomesItsEventItsPositionOrItsTypedData() {
        CloudEvent sent = CloudEvent.of("/test/1", Ping.TYPE, "s", new Ping.Pong("/test/1", Instant.EPOCH));
        Message<byte[]> in = single(record(41, sent));

        assertThat(converter.canConvert(in, CloudEvent.class)).isTrue();
        CloudEvent ev = (CloudEvent) converter.convert(in, CloudEvent.class).getPayload();
        assertThat(ev.id()).isEqualTo(sent.id());
        assertThat(ev.data()).isEqualTo(sent.data());

        Received r = (Received) converter.convert(in, Received.class).getPayload();
        assertThat(r.topic()).isEqualTo("hxo.alert");
        assertThat(r.partition()).isEqualTo(2);
        assertThat(r.offset()).isEqualTo(41);
        assertThat(r.timestamp()).isEqualTo(Instant.ofEpochMilli(1_700_000_000_000L));

        assertThat(converter.canConvert(in, Ping.Pong.class)).isTrue();
        assertThat(converter.convert(in, Ping.Pong.class).getPayload()).isEqualTo(new Ping.Pong("/test/1", Instant.EPOCH));
    }

    @Test
    void otherTargetsAndMessagesThatAreNotKafkaRecordsAreLeftAlone() throws Exception {
        Message<byte[]> kafka = single(record(1, CloudEvent.of("/test/1", "t", null, Map.of())));
        assertThat(converter.canConvert(kafka, String.class)).isFalse();
        assertThat(converter.canConvert(kafka, Map.class)).isFalse();
        assertThat(converter.canConvert(kafka, listOfReceived())).isFalse();
        assertThat(converter.canConvert(kafka, ReceivedBatch.class)).isFalse();
        assertThat(converter.canConvert(Message.of(new byte[0]), CloudEvent.class)).isFalse();
        assertThat(converter.canConvert(Message.of("text", kafka.getMetadata()), CloudEvent.class)).isFalse();
    }

    @Test
    void aRecordWithoutAnEventFailsItsConversionAsUnreadableNamingWhereItIs() {
        var bare = new ConsumerRecord<String, byte[]>("hxo.alert", 0, 3, "k", "{}".getBytes());
        for (Class<?> target : List.of(CloudEvent.class, Received.class, Ping.Pong.class)) {
            assertThatThrownBy(() -> converter.convert(single(bare), target))
                    .isInstanceOf(UnreadableRecordException.class).hasMessageContaining("hxo.alert-0@3")
                    .hasMessageContaining("ce_id");
        }
    }

    @Test
    void anEventWhoseDataIsNotTheAskedTypeIsUnreadableToo() {
        Message<byte[]> in = single(record(7, CloudEvent.of("/test/1", Ping.TYPE, "s", List.of(1, 2))));
        assertThat(converter.convert(in, CloudEvent.class).getPayload()).isInstanceOf(CloudEvent.class);
        assertThatThrownBy(() -> converter.convert(in, Ping.Pong.class))
                .isInstanceOf(UnreadableRecordException.class).hasMessageContaining("hxo.alert-2@7");
    }

    @Test
    void onlyAnUnreadableRecordIsSkippedByTheFailureStrategy() {
        var unreadable = new UnreadableRecordException("t", 0, 1, new IllegalArgumentException("missing ce_id"));
        assertThat(SkipUnreadable.unreadable(unreadable)).isTrue();
        assertThat(SkipUnreadable.unreadable(new RuntimeException("wrapped", unreadable))).isTrue();
        assertThat(SkipUnreadable.unreadable(new IllegalArgumentException("bad plan id"))).isFalse();
        assertThat(SkipUnreadable.unreadable(new IllegalStateException("store down"))).isFalse();
    }

    @Test
    void aReceivedEventKeepsItsRecordsHeaders() {
        var rec = record(5, CloudEvent.of("/test/1", "t", "s", Map.of()));
        rec.headers().add(KafkaBinding.SIGNATURE, "sig".getBytes());
        Received r = (Received) converter.convert(single(rec), Received.class).getPayload();
        assertThat(r.header(KafkaBinding.SIGNATURE)).isEqualTo("sig");
        assertThat(r.header(KafkaBinding.KEY_ID)).isNull();
    }

    @Test
    void aBatchBecomesItsReadableEventsInOrder() throws Exception {
        var first = record(10, CloudEvent.of("/test/1", "t", "a", Map.of("n", 1)));
        var bare = new ConsumerRecord<String, byte[]>("hxo.alert", 2, 11, "k", "{}".getBytes());
        var third = record(12, CloudEvent.of("/test/1", "t", "b", Map.of("n", 3)));
        var records = new ConsumerRecords<>(Map.of(new TopicPartition("hxo.alert", 2), List.of(first, bare, third)),
                Map.of());
        Message<List<byte[]>> batch = Message.of(List.of(first.value(), bare.value(), third.value()),
                Metadata.of(new IncomingKafkaRecordBatchMetadata<>(records, "events", Map.of())));

        assertThat(converter.canConvert(batch, ReceivedBatch.class)).isTrue();
        ReceivedBatch got = (ReceivedBatch) converter.convert(batch, ReceivedBatch.class).getPayload();
        assertThat(got.events()).extracting(Received::offset).containsExactly(10L, 12L);
        assertThat(got.events()).extracting(r -> r.event().subject()).containsExactly("a", "b");
        assertThat(converter.canConvert(batch, CloudEvent.class)).isFalse();
    }
}
