package io.hxo.contracts.hash;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Random;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

/** {@link Sha3} against published vectors and against the JDK's SHA3-256 and HmacSHA3-256. */
class Sha3Test {
    private final Random random = new Random(20261129);

    @Test
    void knownAnswers() {
        assertThat(Hex.of(Sha3.newDigest().digest(new byte[0])))
                .isEqualTo("a7ffc6f8bf1ed76651c14756a061d662f580ff4de43b49fa82d80a4b80f8434a");
        assertThat(Hex.of(Sha3.newDigest().digest("abc".getBytes(StandardCharsets.US_ASCII))))
                .isEqualTo("3a985da74fe225b2045c172d6bd390bd855f086e3e9d525b46bfe24511431532");
    }

    @Test
    void everyLengthAroundTheBlockSizesMatchesTheJdk() throws Exception {
        MessageDigest jdk = MessageDigest.getInstance("SHA3-256");
        MessageDigest mine = Sha3.newDigest();
        for (int len = 0; len <= 4 * Sha3.RATE + 3; len++) {
            byte[] m = bytes(len);
            // Whole, in two random pieces, and byte by byte: the same sponge reused each time.
            assertThat(mine.digest(m)).as("length %d whole", len).isEqualTo(jdk.digest(m));
            int cut = len == 0 ? 0 : random.nextInt(len + 1);
            mine.update(m, 0, cut);
            mine.update(m, cut, len - cut);
            assertThat(mine.digest()).as("length %d cut at %d", len, cut).isEqualTo(jdk.digest(m));
            for (byte b : m) {
                mine.update(b);
            }
            assertThat(mine.digest()).as("length %d byte by byte", len).isEqualTo(jdk.digest(m));
        }
    }

    @Test
    void digestIntoABufferResetAndCloneBehaveLikeAnyMessageDigest() throws Exception {
        MessageDigest jdk = MessageDigest.getInstance("SHA3-256");
        byte[] a = bytes(1000);
        byte[] b = bytes(77);
        MessageDigest mine = Sha3.newDigest();
        assertThat(mine.getDigestLength()).isEqualTo(32);
        mine.update(a, 0, 300);
        MessageDigest copy = (MessageDigest) mine.clone();
        mine.update(a, 300, 700);
        copy.update(b);
        byte[] out = new byte[40];
        assertThat(mine.digest(out, 5, 32)).isEqualTo(32);
        assertThat(java.util.Arrays.copyOfRange(out, 5, 37)).isEqualTo(jdk.digest(a));
        jdk.update(a, 0, 300);
        jdk.update(b);
        assertThat(copy.digest()).as("a clone goes on from the state it was taken in").isEqualTo(jdk.digest());
        mine.update(b);
        mine.reset();
        assertThat(mine.digest(a)).as("reset forgets what came before").isEqualTo(jdk.digest(a));
    }

    @Test
    void hmacMatchesTheJdkForShortBlockSizedAndLongKeys() throws Exception {
        for (int keyLength : new int[] {0, 1, 32, Sha3.RATE - 1, Sha3.RATE, Sha3.RATE + 1, 300}) {
            byte[] key = bytes(keyLength);
            Mac jdk = Mac.getInstance("HmacSHA3-256");
            // The JDK refuses an empty key; HMAC itself pads it like any short one.
            boolean jdkCanCheck = keyLength > 0;
            if (jdkCanCheck) {
                jdk.init(new SecretKeySpec(key, "HmacSHA3-256"));
            }
            Sha3.Hmac256 mine = Sha3.newHmac(key);
            for (int len = 0; len <= 2 * Sha3.RATE + 5; len += 1 + random.nextInt(7)) {
                byte[] m = bytes(len);
                byte[] mac = mine.mac(m);
                assertThat(mine.mac(m)).as("the same MAC again").isEqualTo(mac);
                if (jdkCanCheck) {
                    assertThat(mac).as("key %d bytes, message %d", keyLength, len).isEqualTo(jdk.doFinal(m));
                }
            }
        }
    }

    @Test
    void hmacOfAnEmptyKeyIsTheRfcConstruction() {
        // HMAC(K, m) = H((K0 ^ opad) || H((K0 ^ ipad) || m)), K0 the key padded with zeros to the block.
        byte[] m = bytes(50);
        byte[] ipad = new byte[Sha3.RATE];
        byte[] opad = new byte[Sha3.RATE];
        java.util.Arrays.fill(ipad, (byte) 0x36);
        java.util.Arrays.fill(opad, (byte) 0x5c);
        MessageDigest h = Sha3.newDigest();
        h.update(ipad);
        byte[] inner = h.digest(m);
        h.update(opad);
        assertThat(Sha3.newHmac(new byte[0]).mac(m)).isEqualTo(h.digest(inner));
    }

    private byte[] bytes(int n) {
        byte[] b = new byte[n];
        random.nextBytes(b);
        return b;
    }
}
