package io.hxo.contracts.sign;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;

class EventSignerTest {
    static final String OLD = "old-secret-0123456789abcdefghijklmnopqrstuv";
    static final String NEW = "new-secret-0123456789abcdefghijklmnopqrstuv";

    static ProducerRecord<String, byte[]> record() {
        CloudEvent ev = CloudEvent.of("/hxo-planner/a1", "hxo.plan", "plan-9", Map.of("status", "running"))
                .withCorrelation("corr-1", "cause-1");
        return KafkaBinding.toRecord("hxo.plan", ev);
    }

    @Test
    void signedRecordVerifiesUnderBothHashModes() {
        for (HashAlg alg : HashAlg.values()) {
            EventSigner signer = new EventSigner(new Keyring(NEW, null), alg);
            var rec = record();
            signer.sign(rec.topic(), rec.headers(), rec.value());
            assertThat(signer.verify(rec.topic(), rec.headers(), rec.value())).isEqualTo(Verdict.ACCEPTED);
            assertThat(KafkaBinding.text(rec.headers(), KafkaBinding.KEY_ID)).isEqualTo(Keyring.keyId(NEW));
        }
    }

    /** The fast HMAC (Sha3's own, for SHA3) signs exactly what the JDK's HMAC would: the wire stays standard. */
    @Property(tries = 50)
    void signaturesAreTheJdksHmacOfTheCanonicalString(@ForAll byte[] data, @ForAll boolean sha3) throws Exception {
        HashAlg alg = sha3 ? HashAlg.SHA3_256 : HashAlg.SHA_256;
        Keyring keys = new Keyring(NEW, null);
        EventSigner signer = new EventSigner(keys, alg);
        var rec = record();
        signer.sign(rec.topic(), rec.headers(), data);
        javax.crypto.Mac jdk = javax.crypto.Mac.getInstance(alg.macName());
        jdk.init(new javax.crypto.spec.SecretKeySpec(keys.current().secret(), alg.macName()));
        String expected = io.hxo.contracts.hash.Hex.of(jdk.doFinal(signer.canonical(rec.topic(), rec.headers(), data)));
        assertThat(KafkaBinding.text(rec.headers(), KafkaBinding.SIGNATURE)).isEqualTo(expected);
        // The data's digest inside the canonical string is the JDK's digest too.
        assertThat(new String(signer.canonical(rec.topic(), rec.headers(), data), StandardCharsets.UTF_8))
                .endsWith("data:" + io.hxo.contracts.hash.Hex.of(
                        java.security.MessageDigest.getInstance(sha3 ? "SHA3-256" : "SHA-256").digest(data)));
    }

    /** The signed bytes, line by line, as the wire format (hxo-sig-v1) defines them. */
    @Test
    void theCanonicalBytesAreTheDocumentedLines() throws Exception {
        EventSigner signer = new EventSigner(new Keyring(NEW, null), HashAlg.SHA3_256);
        Headers h = new RecordHeaders();
        h.add(KafkaBinding.ID, "id-1".getBytes(StandardCharsets.UTF_8));
        h.add(KafkaBinding.TYPE, "hxo.plan".getBytes(StandardCharsets.UTF_8));
        h.add("not-signed", "x".getBytes(StandardCharsets.UTF_8));
        h.add(KafkaBinding.SUBJECT, "first".getBytes(StandardCharsets.UTF_8));
        h.add(KafkaBinding.SUBJECT, "last".getBytes(StandardCharsets.UTF_8));
        byte[] data = "{}".getBytes(StandardCharsets.UTF_8);
        StringBuilder expected = new StringBuilder("hxo-sig-v1\ntopic:hxo.plan\n");
        for (String name : EventSigner.SIGNED_HEADERS) {
            String v = name.equals(KafkaBinding.ID) ? "id-1" : name.equals(KafkaBinding.TYPE) ? "hxo.plan"
                    : name.equals(KafkaBinding.SUBJECT) ? "last" : "";
            expected.append(name).append(':').append(v).append('\n');
        }
        expected.append("data:").append(io.hxo.contracts.hash.Hex.of(
                java.security.MessageDigest.getInstance("SHA3-256").digest(data)));
        assertThat(new String(signer.canonical("hxo.plan", h, data), StandardCharsets.UTF_8))
                .isEqualTo(expected.toString());
    }

    /**
     * The canonical bytes are built from the header bytes directly; for any text header values they
     * must equal the lines written out as text (what hxo-sig-v1 defines), including repeated and
     * missing headers.
     */
    @Property(tries = 200)
    void canonicalBytesEqualTheTextLines(@ForAll String id, @ForAll String subject, @ForAll String repeated,
            @ForAll byte[] data, @ForAll boolean sha3) throws Exception {
        HashAlg alg = sha3 ? HashAlg.SHA3_256 : HashAlg.SHA_256;
        EventSigner signer = new EventSigner(new Keyring(NEW, null), alg);
        Headers h = new RecordHeaders();
        h.add(KafkaBinding.SUBJECT, repeated.getBytes(StandardCharsets.UTF_8));
        h.add(KafkaBinding.ID, id.getBytes(StandardCharsets.UTF_8));
        h.add("x-other", repeated.getBytes(StandardCharsets.UTF_8));
        h.add(KafkaBinding.SUBJECT, subject.getBytes(StandardCharsets.UTF_8));
        h.add(KafkaBinding.CORRELATION_ID, null);
        StringBuilder expected = new StringBuilder("hxo-sig-v1\ntopic:hxo.shard.done\n");
        for (String name : EventSigner.SIGNED_HEADERS) {
            String v = KafkaBinding.text(h, name);
            expected.append(name).append(':').append(v == null ? "" : v).append('\n');
        }
        expected.append("data:").append(io.hxo.contracts.hash.Hex.of(alg.hash(data)));
        assertThat(signer.canonical("hxo.shard.done", h, data))
                .isEqualTo(expected.toString().getBytes(StandardCharsets.UTF_8));
    }

    @Test
    void sha256AndSha3SignaturesDiffer() {
        var a = record();
        var b = new ProducerRecord<>(a.topic(), null, a.key(), a.value(), new RecordHeaders(a.headers().toArray()));
        new EventSigner(new Keyring(NEW, null), HashAlg.SHA_256).sign(a.topic(), a.headers(), a.value());
        new EventSigner(new Keyring(NEW, null), HashAlg.SHA3_256).sign(b.topic(), b.headers(), b.value());
        assertThat(KafkaBinding.text(a.headers(), KafkaBinding.SIGNATURE))
                .isNotEqualTo(KafkaBinding.text(b.headers(), KafkaBinding.SIGNATURE));
        assertThat(new EventSigner(new Keyring(NEW, null), HashAlg.SHA3_256).verify(a.topic(), a.headers(), a.value()))
                .isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Test
    void unsignedRecordIsMissingItsSignature() {
        var rec = record();
        assertThat(new EventSigner(new Keyring(NEW, null), HashAlg.SHA3_256).verify(rec.topic(), rec.headers(), rec.value()))
                .isEqualTo(Verdict.MISSING_SIGNATURE);
    }

    @Test
    void previousKeyVerifiesDuringRotationAndIsUnknownAfterwards() {
        var rec = record();
        new EventSigner(new Keyring(OLD, null), HashAlg.SHA3_256).sign(rec.topic(), rec.headers(), rec.value());
        assertThat(new EventSigner(new Keyring(NEW, OLD), HashAlg.SHA3_256).verify(rec.topic(), rec.headers(), rec.value()))
                .isEqualTo(Verdict.ACCEPTED);
        assertThat(new EventSigner(new Keyring(NEW, null), HashAlg.SHA3_256).verify(rec.topic(), rec.headers(), rec.value()))
                .isEqualTo(Verdict.UNKNOWN_KEY);
    }

    @Test
    void movingARecordToAnotherTopicBreaksItsSignature() {
        var rec = record();
        EventSigner signer = new EventSigner(new Keyring(NEW, null), HashAlg.SHA3_256);
        signer.sign(rec.topic(), rec.headers(), rec.value());
        assertThat(signer.verify("hxo.alert", rec.headers(), rec.value())).isEqualTo(Verdict.BAD_SIGNATURE);
    }

    @Property(tries = 200)
    void changingAnySignedHeaderOrDataByteIsDetected(@ForAll @IntRange(min = 0, max = 10) int headerIndex,
            @ForAll @IntRange(min = 0, max = 1000) int bytePick, @ForAll boolean touchData) {
        var rec = record();
        EventSigner signer = new EventSigner(new Keyring(NEW, null), HashAlg.SHA3_256);
        signer.sign(rec.topic(), rec.headers(), rec.value());
        byte[] data = rec.value().clone();
        Headers headers = new RecordHeaders(rec.headers().toArray());
        if (touchData) {
            data[bytePick % data.length] ^= 0x20;
        } else {
            String name = EventSigner.SIGNED_HEADERS.get(headerIndex);
            String value = KafkaBinding.text(headers, name);
            headers.remove(name);
            String changed = value == null ? "x" : value + "x";
            headers.add(name, changed.getBytes(StandardCharsets.UTF_8));
        }
        Verdict v = signer.verify(rec.topic(), headers, data);
        assertThat(v).isIn(Verdict.BAD_SIGNATURE, Verdict.UNKNOWN_KEY);
    }

    /**
     * dataschema and traceparent are signed when present: changing one breaks the signature, while a
     * record without them signs the same bytes as before they existed (old records still verify).
     */
    @Test
    void dataschemaAndTraceparentAreSignedWhenPresentAndLeaveOldRecordsAsTheyWere() throws Exception {
        EventSigner signer = new EventSigner(new Keyring(NEW, null), HashAlg.SHA_256);
        CloudEvent plain = CloudEvent.of("/hxo-planner/a1", "hxo.plan", "plan-9", Map.of("status", "running"));
        var old = KafkaBinding.toRecord("hxo.plan", plain);
        var withBoth = KafkaBinding.toRecord("hxo.plan", new CloudEvent(plain.id(), plain.source(), plain.type(),
                plain.time(), plain.subject(), null, null, plain.partitionKey(), "urn:hxo:schema:hxo.plan",
                "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01", plain.data()));
        assertThat(new String(signer.canonical("hxo.plan", old.headers(), old.value()), StandardCharsets.UTF_8))
                .doesNotContain("ce_dataschema").doesNotContain("ce_traceparent");
        assertThat(new String(signer.canonical("hxo.plan", withBoth.headers(), withBoth.value()),
                StandardCharsets.UTF_8)).contains("\nce_dataschema:urn:hxo:schema:hxo.plan\n"
                        + "ce_traceparent:00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01\ndata:");

        signer.sign("hxo.plan", withBoth.headers(), withBoth.value());
        assertThat(signer.verify("hxo.plan", withBoth.headers(), withBoth.value())).isEqualTo(Verdict.ACCEPTED);
        for (String name : EventSigner.SIGNED_WHEN_PRESENT) {
            Headers changed = new RecordHeaders(withBoth.headers().toArray());
            changed.remove(name);
            changed.add(name, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00".getBytes(StandardCharsets.UTF_8));
            assertThat(signer.verify("hxo.plan", changed, withBoth.value())).as(name).isEqualTo(Verdict.BAD_SIGNATURE);
        }
        // A record signed before these attributes existed (no such lines) still verifies.
        signer.sign("hxo.plan", old.headers(), old.value());
        assertThat(signer.verify("hxo.plan", old.headers(), old.value())).isEqualTo(Verdict.ACCEPTED);
    }
}
