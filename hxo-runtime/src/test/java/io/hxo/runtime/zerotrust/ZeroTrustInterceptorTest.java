package io.hxo.runtime.zerotrust;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.sign.ZeroTrustPolicy;
import java.time.Instant;
import java.util.ArrayList;
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
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class ZeroTrustInterceptorTest {
    static final String SECRET = "interceptor-secret-0123456789abcdefghijkl";
    static final TopicPartition TP = new TopicPartition("hxo.plan", 0);

    ZeroTrustInterceptor interceptor;
    List<ProducerRecord<String, byte[]>> deadLetters;

    @BeforeEach
    void setUp() {
        interceptor = configured(SECRET, null);
        deadLetters = new ArrayList<>();
        interceptor.deadLettersTo(deadLetters::add);
    }

    static ZeroTrustInterceptor configured(String secret, String previous) {
        ZeroTrustInterceptor i = new ZeroTrustInterceptor();
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ZeroTrustPolicy.SEED_SECRET, secret);
        if (previous != null) {
            cfg.put(ZeroTrustPolicy.SEED_SECRET_PREVIOUS, previous);
        }
        cfg.put(ZeroTrustPolicy.REPLAY_WINDOW_MS, "60000");
        cfg.put(ZeroTrustPolicy.SERVICE, "test");
        cfg.put("group.id", "g1");
        i.configure(cfg);
        return i;
    }

    /** A record as the producing side's interceptor leaves it. */
    @SuppressWarnings({"unchecked", "rawtypes"})
    ProducerRecord<Object, Object> sent(ZeroTrustInterceptor producerSide, CloudEvent ev) {
        ProducerRecord rec = KafkaBinding.toRecord(TP.topic(), ev);
        return producerSide.onSend(rec);
    }

    static ConsumerRecord<Object, Object> consumed(ProducerRecord<Object, Object> rec, long offset, long timestamp) {
        return new ConsumerRecord<>(rec.topic(), TP.partition(), offset, timestamp, TimestampType.LOG_APPEND_TIME,
                -1, -1, rec.key(), rec.value(), new RecordHeaders(rec.headers().toArray()), Optional.empty());
    }

    static ConsumerRecords<Object, Object> batch(List<ConsumerRecord<Object, Object>> records) {
        return new ConsumerRecords<>(Map.of(TP, records), Map.of());
    }

    static CloudEvent event(String subject) {
        return CloudEvent.of("/hxo-planner/1", "hxo.plan", subject, Map.of("s", subject));
    }

    @Test
    void signedRecordsPassUntouched() {
        var rec = sent(interceptor, event("a"));
        var in = batch(List.of(consumed(rec, 0, System.currentTimeMillis())));
        assertThat(interceptor.onConsume(in)).isSameAs(in);
        assertThat(deadLetters).isEmpty();
    }

    @Test
    void eachRefusalIsDroppedAndDeadLetteredWithItsReason() {
        long now = System.currentTimeMillis();
        var good = sent(interceptor, event("good"));
        var unsigned = KafkaBinding.toRecord(TP.topic(), event("unsigned"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ProducerRecord<Object, Object> unsignedRec = (ProducerRecord) unsigned;
        var foreign = sent(configured("some-other-secret-0123456789abcdefghij", null), event("foreign"));
        var tampered = sent(interceptor, event("tampered"));
        byte[] v = ((byte[]) tampered.value()).clone();
        v[2] ^= 1;
        var tamperedRec = new ProducerRecord<Object, Object>(tampered.topic(), null, tampered.key(), v, tampered.headers());
        var stale = sent(interceptor, new CloudEvent("id-stale", "/x/1", "hxo.plan", Instant.now().minusSeconds(600),
                "s", null, null, null, "{}".getBytes()));

        var out = interceptor.onConsume(batch(List.of(
                consumed(good, 10, now), consumed(unsignedRec, 11, now), consumed(foreign, 12, now),
                consumed(tamperedRec, 13, now), consumed(stale, 14, now))));

        List<Long> kept = new ArrayList<>();
        out.forEach(r -> kept.add(r.offset()));
        assertThat(kept).containsExactly(10L);
        assertThat(deadLetters).extracting(r -> Json.read(r.value(), DeadLetter.class).reason())
                .containsExactly("missing_signature", "unknown_key", "bad_signature", "stale");
        DeadLetter first = Json.read(deadLetters.get(0).value(), DeadLetter.class);
        assertThat(first.topic()).isEqualTo("hxo.plan");
        assertThat(first.offset()).isEqualTo(11L);
        assertThat(first.group()).isEqualTo("g1");
        assertThat(first.valueBase64()).isNotEmpty(); // a refused record that was never taken keeps what it said
        assertThat(deadLetters.get(0).topic()).isEqualTo("genesis.dlq");
    }

    @Test
    void replayAtANewOffsetIsRefusedButRedeliveryAtTheSameOffsetIsNot() {
        long now = System.currentTimeMillis();
        CloudEvent once = event("once");
        var rec = sent(interceptor, once);
        assertThat(interceptor.onConsume(batch(List.of(consumed(rec, 5, now)))).count()).isEqualTo(1);
        assertThat(interceptor.onConsume(batch(List.of(consumed(rec, 5, now)))).count()).isEqualTo(1);
        assertThat(interceptor.onConsume(batch(List.of(consumed(rec, 6, now)))).count()).isZero();
        DeadLetter replay = Json.read(deadLetters.get(0).value(), DeadLetter.class);
        assertThat(replay.reason()).isEqualTo("replayed");
        assertThat(replay.offset()).isEqualTo(6L);
        assertThat(replay.eventId()).isEqualTo(once.id());
        // The first copy was taken: the letter carries no second copy of its data.
        assertThat(replay.valueBase64()).isNull();
    }

    @Test
    void previousKeyIsAcceptedOnlyWhileConfigured() {
        String old = "previous-secret-0123456789abcdefghijklmn";
        var rec = sent(configured(old, null), event("rotated"));
        long now = System.currentTimeMillis();
        ZeroTrustInterceptor rotating = configured(SECRET, old);
        rotating.deadLettersTo(deadLetters::add);
        assertThat(rotating.onConsume(batch(List.of(consumed(rec, 1, now)))).count()).isEqualTo(1);
        assertThat(interceptor.onConsume(batch(List.of(consumed(rec, 2, now)))).count()).isZero();
    }

    /**
     * docs/DEPLOY.md's SEED_SECRET rotation, instance by instance: (1) SEED_SECRET_PREVIOUS = new,
     * (2) SEED_SECRET = new and SEED_SECRET_PREVIOUS = old, (3) SEED_SECRET_PREVIOUS cleared. While
     * instances sit at neighbouring steps every message passes; after step 3 the old key is refused.
     */
    @Test
    void rotationStepsOverlapUntilTheOldKeyIsCleared() {
        String oldKey = "rotation-old-secret-0123456789abcdefghij";
        String newKey = "rotation-new-secret-0123456789abcdefghij";
        List<ZeroTrustInterceptor> steps = List.of(configured(oldKey, null), configured(oldKey, newKey),
                configured(newKey, oldKey), configured(newKey, null));
        steps.forEach(i -> i.deadLettersTo(deadLetters::add));
        long offset = 0;
        for (int from = 0; from < steps.size(); from++) {
            for (int to = 0; to < steps.size(); to++) {
                var rec = sent(steps.get(from), event("step" + from + "-" + to));
                long passed = steps.get(to).onConsume(batch(List.of(consumed(rec, offset++, System.currentTimeMillis()))))
                        .count();
                // Neighbouring steps (an instance restarted, the next not yet) always understand each other.
                boolean mustPass = Math.abs(from - to) <= 1 || (from >= 1 && from <= 2 && to >= 1 && to <= 2);
                // Step 3 no longer knows the old key: whatever steps 0 and 1 sign is refused.
                boolean mustFail = to == 3 && from <= 1 || from == 3 && to == 0;
                if (mustPass) {
                    assertThat(passed).as("signed at step %d, read at step %d", from, to).isEqualTo(1);
                }
                if (mustFail) {
                    assertThat(passed).as("signed at step %d, read at step %d", from, to).isZero();
                }
            }
        }
        assertThat(deadLetters).isNotEmpty();
    }

    @Test
    void enforcementOffLetsEverythingThrough() {
        ZeroTrustInterceptor lax = new ZeroTrustInterceptor();
        lax.configure(Map.of(ZeroTrustPolicy.ZERO_TRUST, "false"));
        @SuppressWarnings({"unchecked", "rawtypes"})
        ProducerRecord<Object, Object> unsigned = (ProducerRecord) KafkaBinding.toRecord(TP.topic(), event("x"));
        assertThat(lax.onConsume(batch(List.of(consumed(unsigned, 1, 0)))).count()).isEqualTo(1);
    }
}
