package io.hxo.contracts.event;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

class KafkaBindingTest {

    @Test
    void eventSurvivesTheTripThroughKafkaHeaders() {
        CloudEvent ev = CloudEvent.of("/genesis-bus/1", "hxo.alert", "plan-3", Map.of("type", "slo.breach"))
                .withCorrelation("c-1", "k-2");
        var out = KafkaBinding.toRecord("hxo.alert", ev);
        assertThat(out.key()).isEqualTo("plan-3");
        assertThat(KafkaBinding.text(out.headers(), "ce_specversion")).isEqualTo("1.0");
        assertThat(KafkaBinding.text(out.headers(), "content-type")).isEqualTo("application/json");

        var in = new ConsumerRecord<Object, Object>("hxo.alert", 0, 0, 0, TimestampType.CREATE_TIME, -1, -1,
                out.key(), out.value(), out.headers(), Optional.empty());
        CloudEvent back = KafkaBinding.fromRecord(in);
        assertThat(back.id()).isEqualTo(ev.id());
        assertThat(back.time()).isEqualTo(ev.time());
        assertThat(back.correlationId()).isEqualTo("c-1");
        assertThat(back.causationId()).isEqualTo("k-2");
        assertThat(back.subject()).isEqualTo("plan-3");
        assertThat(back.data()).isEqualTo(ev.data());
    }

    @Test
    void recordWithoutRequiredAttributesIsMalformed() {
        var in = new ConsumerRecord<Object, Object>("hxo.alert", 0, 0, 0, TimestampType.CREATE_TIME, -1, -1,
                null, new byte[0], new RecordHeaders(), Optional.empty());
        assertThatThrownBy(() -> KafkaBinding.fromRecord(in)).isInstanceOf(KafkaBinding.MalformedEventException.class)
                .hasMessageContaining("ce_id");
    }

    @Test
    void eventIdsAreVersion7AndOrderedByTime() {
        UUID a = EventIds.at(1_700_000_000_000L);
        UUID b = EventIds.at(1_700_000_000_001L);
        assertThat(a.version()).isEqualTo(7);
        assertThat(a.variant()).isEqualTo(2);
        assertThat(a.toString().compareTo(b.toString())).isNegative();
        assertThat(a.getMostSignificantBits() >>> 16).isEqualTo(1_700_000_000_000L);
    }
}
