package io.hxo.runtime.zerotrust;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.sign.ZeroTrustPolicy;
import io.hxo.runtime.telemetry.ServiceTelemetry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.ConsumerRecords;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.apache.kafka.common.record.TimestampType;
import org.junit.jupiter.api.Test;

/** A forged record counts under its reason and the refusing service, in that service's Micrometer registry. */
class RefusalCountersTest {
    static final String SECRET = "telemetry-secret-0123456789abcdefghijklmn";

    static ZeroTrustInterceptor interceptor(String service, String secret) {
        ZeroTrustInterceptor i = new ZeroTrustInterceptor();
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ZeroTrustPolicy.SEED_SECRET, secret);
        cfg.put(ZeroTrustPolicy.SERVICE, service);
        cfg.put("group.id", "g");
        cfg.put("bootstrap.servers", "127.0.0.1:1");
        i.configure(cfg);
        i.deadLettersTo(letter -> {
        });
        return i;
    }

    @SuppressWarnings({"unchecked", "rawtypes"})
    static ConsumerRecord<Object, Object> forged(ZeroTrustInterceptor forger, String subject) {
        ProducerRecord rec = KafkaBinding.toRecord("hxo.plan", CloudEvent.of("/x/1", "hxo.plan", subject, Map.of()));
        ProducerRecord<Object, Object> signed = forger.onSend(rec);
        return new ConsumerRecord<>("hxo.plan", 0, 0, System.currentTimeMillis(), TimestampType.CREATE_TIME, -1, -1,
                signed.key(), signed.value(), new RecordHeaders(signed.headers().toArray()), Optional.empty());
    }

    @Test
    void forgedRecordsCountUnderTheirReasonAndTheRefusingService() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        try (ServiceTelemetry ignored = ServiceTelemetry.bind("svc-a", registry, null)) {
            assertThat(registry.get(ServiceTelemetry.REFUSED).tags("service", "svc-a", "reason", "bad_signature")
                    .functionCounter().count()).isZero();
            assertThat(registry.find(ServiceTelemetry.REFUSED).functionCounters()).hasSize(6);

            ZeroTrustInterceptor consumer = interceptor("svc-a", SECRET);
            ZeroTrustInterceptor other = interceptor("svc-b", SECRET);
            var foreign = forged(interceptor("intruder", "an-intruders-own-secret-0123456789abcdef"), "s1");
            var ours = forged(interceptor("svc-a", SECRET), "s2");
            ours.headers().remove(KafkaBinding.SUBJECT);
            ours.headers().add(KafkaBinding.SUBJECT, "changed".getBytes());
            TopicPartition tp = new TopicPartition("hxo.plan", 0);
            consumer.onConsume(new ConsumerRecords<>(Map.of(tp, List.of(foreign, ours)), Map.of()));
            other.onConsume(new ConsumerRecords<>(Map.of(tp,
                    List.of(forged(interceptor("x", "yet-another-secret-0123456789abcdefghij"), "s3"))), Map.of()));

            assertThat(registry.get(ServiceTelemetry.REFUSED).tags("service", "svc-a", "reason", "unknown_key")
                    .functionCounter().count()).isEqualTo(1);
            assertThat(registry.get(ServiceTelemetry.REFUSED).tags("service", "svc-a", "reason", "bad_signature")
                    .functionCounter().count()).isEqualTo(1);
            // Another service's refusals are its own series, not this service's.
            assertThat(RejectionStats.count("svc-b", "unknown_key")).isEqualTo(1);
            assertThat(registry.find(ServiceTelemetry.REFUSED).tag("service", "svc-b").functionCounters()).isEmpty();
            consumer.close();
            other.close();
        }
    }

    @Test
    void eachDeadLetterProducerAnInterceptorMakesHasItsClientMetricsInTheRegistry() {
        SimpleMeterRegistry registry = new SimpleMeterRegistry();
        ZeroTrustInterceptor first = interceptor("svc-c", SECRET);
        ZeroTrustInterceptor second = interceptor("svc-c", SECRET);
        try (ServiceTelemetry ignored = ServiceTelemetry.bind("svc-c", registry, null)) {
            // The client is made without contacting a broker; it is bound as it is made.
            String a = first.dlqProducer().metrics().keySet().iterator().next().tags().get("client-id");
            String b = second.dlqProducer().metrics().keySet().iterator().next().tags().get("client-id");
            assertThat(a).startsWith("hxo-dlq-svc-c-").isNotEqualTo(b);
            for (String client : List.of(a, b)) {
                assertThat(registry.find("kafka.producer.record.send.total").tag("client.id", client).meters())
                        .as("send counter of " + client).isNotEmpty();
            }
        } finally {
            first.close();
            second.close();
        }
    }
}
