package io.hxo.contracts.cas;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.json.Json;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShardIdTest {
    private static final JsonNode INPUTS = Json.tree("{\"salt\":\"\u20ac\",\"index\":7}".getBytes());

    @Test
    void idIsTheHashOfTheCanonicalDocument() {
        // Expected values computed outside Java: sha256sum / sha3sum of
        // {"dep_roots":["ab"],"executor":"noop","executor_version":"1","inputs":{"index":7,"salt":"€"},"kind":"test.noop"}
        assertThat(ShardId.computeHex(HashAlg.SHA_256, "test.noop", "noop", "1", INPUTS, List.of("ab")))
                .isEqualTo("caa8d8bc604919b62e07edf1489f4116ed3ae6a2feaecf18c17e832a066e9fe6");
        assertThat(ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "noop", "1", INPUTS, List.of("ab")))
                .isEqualTo("fa5e12ee5fde8c7fb7469633c7a41cf30a48b39d16d59bb3a462e0866e64f204");
    }

    @Test
    void everyPartOfTheWorkChangesTheId() {
        String base = ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "noop", "1", INPUTS, List.of("ab"));
        assertThat(ShardId.computeHex(HashAlg.SHA3_256, "test.sleep", "noop", "1", INPUTS, List.of("ab"))).isNotEqualTo(base);
        assertThat(ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "other", "1", INPUTS, List.of("ab"))).isNotEqualTo(base);
        assertThat(ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "noop", "2", INPUTS, List.of("ab"))).isNotEqualTo(base);
        assertThat(ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "noop", "1", Json.tree("{\"index\":8}".getBytes()),
                List.of("ab"))).isNotEqualTo(base);
        assertThat(ShardId.computeHex(HashAlg.SHA3_256, "test.noop", "noop", "1", INPUTS, List.of())).isNotEqualTo(base);
    }

    @Test
    void memberOrderOfInputsDoesNotChangeTheId() {
        JsonNode reordered = Json.tree("{\"index\":7,\"salt\":\"\u20ac\"}".getBytes());
        assertThat(ShardId.computeHex(HashAlg.SHA3_256, "k", "e", "1", reordered, List.of()))
                .isEqualTo(ShardId.computeHex(HashAlg.SHA3_256, "k", "e", "1", INPUTS, List.of()));
    }
}
