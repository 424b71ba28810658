package io.hxo.planner.execute.kinds;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.HashAlg;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/** Deterministic randomness for the test kinds: the same shard inputs always draw the same numbers. */
final class TestWork {
    private TestWork() {
    }

    /** A number in [0, 1) drawn from the shard's inputs (index, salt) and a purpose. */
    static double draw(JsonNode inputs, String purpose) {
        String seed = purpose + "|" + inputs.path("index").asText() + "|" + inputs.path("salt").asText()
                + "|" + inputs.path("part").asText();
        byte[] h = HashAlg.SHA_256.hash(seed.getBytes(StandardCharsets.UTF_8));
        long bits = ByteBuffer.wrap(h).getLong() >>> 11;
        return bits / (double) (1L << 53);
    }
}
