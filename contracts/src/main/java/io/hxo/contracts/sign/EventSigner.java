package io.hxo.contracts.sign;

import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.hash.Sha3;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Headers;

/**
 * Signs and verifies records: {@code hxosig} is the HMAC (SHA-256, or SHA3-256 with quantum hashing)
 * over a canonical string of the destination topic, the CloudEvent attributes as sent, the key id,
 * and the hash of the data. Headers are signed as the exact strings on the wire, so nothing is
 * re-formatted between signing and checking.
 */
public final class EventSigner {
    static final String VERSION = "hxo-sig-v1";
    static final List<String> SIGNED_HEADERS = List.of(
            KafkaBinding.SPECVERSION, KafkaBinding.ID, KafkaBinding.SOURCE, KafkaBinding.TYPE, KafkaBinding.TIME,
            KafkaBinding.SUBJECT, KafkaBinding.CONTENT_TYPE, KafkaBinding.CORRELATION_ID, KafkaBinding.CAUSATION_ID,
            KafkaBinding.PARTITION_KEY, KafkaBinding.KEY_ID);

    private final Keyring keys;
    private final HashAlg alg;
    private final ThreadLocal<Map<String, KeyedMac>> macs = ThreadLocal.withInitial(HashMap::new);

    public EventSigner(Keyring keys, HashAlg alg) {
        this.keys = keys;
        this.alg = alg;
    }

    public HashAlg alg() {
        return alg;
    }

    /** Replaces any signature on {@code headers} with one by the current key. */
    public void sign(String topic, Headers headers, byte[] data) {
        headers.remove(KafkaBinding.KEY_ID);
        headers.remove(KafkaBinding.SIGNATURE);
        Keyring.Key key = keys.current();
        headers.add(KafkaBinding.KEY_ID, key.id().getBytes(StandardCharsets.UTF_8));
        String sig = Hex.of(mac(key, canonical(topic, headers, data)));
        headers.add(KafkaBinding.SIGNATURE, sig.getBytes(StandardCharsets.UTF_8));
    }

    /** Checks the signature only (freshness and replays are the interceptor's concern). */
    public Verdict verify(String topic, Headers headers, byte[] data) {
        String sig = KafkaBinding.text(headers, KafkaBinding.SIGNATURE);
        String kid = KafkaBinding.text(headers, KafkaBinding.KEY_ID);
        if (sig == null || kid == null) {
            return Verdict.MISSING_SIGNATURE;
        }
        var key = keys.find(kid);
        if (key.isEmpty()) {
            return Verdict.UNKNOWN_KEY;
        }
        byte[] expected = mac(key.get(), canonical(topic, headers, data));
        byte[] given;
        try {
            given = Hex.parse(sig);
        } catch (IllegalArgumentException e) {
            return Verdict.BAD_SIGNATURE;
        }
        return MessageDigest.isEqual(expected, given) ? Verdict.ACCEPTED : Verdict.BAD_SIGNATURE;
    }

    byte[] canonical(String topic, Headers headers, byte[] data) {
        StringBuilder s = new StringBuilder(256).append(VERSION).append('\n');
        s.append("topic:").append(topic).append('\n');
        for (String name : SIGNED_HEADERS) {
            String v = KafkaBinding.text(headers, name);
            s.append(name).append(':').append(v == null ? "" : v).append('\n');
        }
        s.append("data:").append(Hex.of(alg.hash(data == null ? new byte[0] : data)));
        return s.toString().getBytes(StandardCharsets.UTF_8);
    }

    private byte[] mac(Keyring.Key key, byte[] message) {
        return macs.get().computeIfAbsent(key.id(), id -> newMac(key)).mac(message);
    }

    /** One thread's HMAC with one key, reset after each use. */
    private interface KeyedMac {
        byte[] mac(byte[] message);
    }

    private KeyedMac newMac(Keyring.Key key) {
        if (alg == HashAlg.SHA3_256) {
            // Keeps the keyed inner and outer states, so each MAC hashes only the message (the JDK's
            // re-hashes both key pads every time): signing is most of what a publisher spends per event.
            return Sha3.newHmac(key.secret())::mac;
        }
        try {
            Mac mac = Mac.getInstance(alg.macName());
            mac.init(new SecretKeySpec(key.secret(), alg.macName()));
            return mac::doFinal;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(alg.macName() + " is not available", e);
        }
    }
}
