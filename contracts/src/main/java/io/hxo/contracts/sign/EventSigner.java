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
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Signs and verifies records: {@code hxosig} is the HMAC (SHA-256, or SHA3-256 with quantum hashing)
 * over a canonical string of the destination topic, the CloudEvent attributes as sent, the key id,
 * and the hash of the data. Headers are signed as the exact strings on the wire, so nothing is
 * re-formatted between signing and checking.
 *
 * <p>The optional attributes added later ({@code dataschema}, {@code traceparent}) are signed when
 * present and leave no line when absent, so records signed before they existed still verify. Changing
 * one breaks the signature; removing one does not (neither changes what an event means).
 */
public final class EventSigner {
    static final String VERSION = "hxo-sig-v1";
    static final List<String> SIGNED_HEADERS = List.of(
            KafkaBinding.SPECVERSION, KafkaBinding.ID, KafkaBinding.SOURCE, KafkaBinding.TYPE, KafkaBinding.TIME,
            KafkaBinding.SUBJECT, KafkaBinding.CONTENT_TYPE, KafkaBinding.CORRELATION_ID, KafkaBinding.CAUSATION_ID,
            KafkaBinding.PARTITION_KEY, KafkaBinding.KEY_ID);
    /** Signed after {@link #SIGNED_HEADERS} when present, in this order; absent ones leave no line. */
    static final List<String> SIGNED_WHEN_PRESENT = List.of(KafkaBinding.DATA_SCHEMA, KafkaBinding.TRACE_PARENT);
    private static final int ALWAYS = SIGNED_HEADERS.size();
    private static final byte[] PREFIX = (VERSION + "\ntopic:").getBytes(StandardCharsets.US_ASCII);
    private static final byte[] DATA_PREFIX = "data:".getBytes(StandardCharsets.US_ASCII);
    private static final byte[][] NAME_PREFIXES = java.util.stream.Stream.concat(SIGNED_HEADERS.stream(),
            SIGNED_WHEN_PRESENT.stream()).map(n -> (n + ":").getBytes(StandardCharsets.US_ASCII)).toArray(byte[][]::new);
    /** Each signed header's line, by name. */
    private static final Map<String, Integer> SLOT = new HashMap<>();

    static {
        for (int i = 0; i < SIGNED_HEADERS.size(); i++) {
            SLOT.put(SIGNED_HEADERS.get(i), i);
        }
        for (int i = 0; i < SIGNED_WHEN_PRESENT.size(); i++) {
            SLOT.put(SIGNED_WHEN_PRESENT.get(i), ALWAYS + i);
        }
    }

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
        headers.add(KafkaBinding.SIGNATURE, Hex.ascii(mac(key, canonical(topic, headers, data))));
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

    /**
     * The signed bytes: {@code hxo-sig-v1}, the topic, each signed header as {@code name:value} (its
     * last value, empty when absent), each optional one that is present likewise, then the data's
     * digest in hex, one per line. Header values go
     * in as the bytes on the wire; this runs for every record sent and received, so it copies them
     * straight into one array instead of decoding them to text and encoding them back.
     */
    byte[] canonical(String topic, Headers headers, byte[] data) {
        byte[][] values = new byte[NAME_PREFIXES.length][];
        for (Header h : headers) {
            Integer slot = SLOT.get(h.key());
            if (slot != null) {
                values[slot] = h.value();
            }
        }
        byte[] topicBytes = topic.getBytes(StandardCharsets.UTF_8);
        int length = PREFIX.length + topicBytes.length + 1 + DATA_PREFIX.length + 2 * HashAlg.LENGTH;
        for (int i = 0; i < values.length; i++) {
            if (i < ALWAYS || values[i] != null) {
                length += NAME_PREFIXES[i].length + (values[i] == null ? 0 : values[i].length) + 1;
            }
        }
        byte[] out = new byte[length];
        int p = put(out, 0, PREFIX);
        p = put(out, p, topicBytes);
        out[p++] = '\n';
        for (int i = 0; i < values.length; i++) {
            if (i >= ALWAYS && values[i] == null) {
                continue;
            }
            p = put(out, p, NAME_PREFIXES[i]);
            if (values[i] != null) {
                p = put(out, p, values[i]);
            }
            out[p++] = '\n';
        }
        p = put(out, p, DATA_PREFIX);
        Hex.write(alg.hash(data == null ? new byte[0] : data), out, p);
        return out;
    }

    private static int put(byte[] out, int at, byte[] bytes) {
        System.arraycopy(bytes, 0, out, at, bytes.length);
        return at + bytes.length;
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
