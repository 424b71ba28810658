package io.hxo.contracts.merkle;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import java.nio.charset.StandardCharsets;
import io.hxo.contracts.payload.Events;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class LeafFoldTest {
    static Events.Leaf leaf(int slot, List<Integer> order, int seed) {
        byte[] cas = HashAlg.SHA_256.hash(("cas" + seed).getBytes());
        byte[] digest = HashAlg.SHA_256.hash(("out" + seed).getBytes());
        return new Events.Leaf(slot, order, Hex.of(cas), Hex.of(digest), false);
    }

    static byte[] data(Events.Leaf l) {
        return InclusionProof.leafData(Hex.parseHash(l.casId()), Hex.parseHash(l.outputDigest()));
    }

    @Test
    void theRootFollowsStageThenShardThenSplitOrderWhateverTheArrivalOrder() {
        // Stage 1 was prepared first (slots 0-1), stage 0 second (slots 2-3); slot 3 split into 4 and 5.
        Events.Leaf s1a = leaf(0, List.of(1, 0), 1);
        Events.Leaf s1b = leaf(1, List.of(1, 1), 2);
        Events.Leaf s0a = leaf(2, List.of(0, 0), 3);
        Events.Leaf child0 = leaf(4, List.of(0, 1, 0), 4);
        Events.Leaf child1 = leaf(5, List.of(0, 1, 1), 5);
        List<Events.Leaf> merkleOrder = List.of(s0a, child0, child1, s1a, s1b);
        String expected = Hex.of(MerkleTree.build(HashAlg.SHA_256, merkleOrder.stream().map(LeafFoldTest::data).toList()).root());

        List<Events.Leaf> arrival = new ArrayList<>(merkleOrder);
        Collections.shuffle(arrival, new Random(7));
        LeafFold fold = new LeafFold();
        fold.addAll(arrival);
        fold.add(s1a); // announced again after a resume
        assertThat(fold.size()).isEqualTo(5);
        assertThat(fold.root(HashAlg.SHA_256)).isEqualTo(expected);
    }

    @Test
    void aChangedDigestChangesTheRoot() {
        LeafFold a = new LeafFold();
        LeafFold b = new LeafFold();
        for (int i = 0; i < 9; i++) {
            a.add(leaf(i, List.of(0, i), i));
            b.add(leaf(i, List.of(0, i), i == 4 ? 99 : i));
        }
        assertThat(a.root(HashAlg.SHA3_256)).isNotEqualTo(b.root(HashAlg.SHA3_256));
    }

    @Test
    void documentsReadTokenByTokenFoldLikeTheirLeaves() {
        // Stages, splits with nested children, duplicates across documents, sent in random batches.
        Random random = new Random(11);
        List<Events.Leaf> leaves = new ArrayList<>();
        for (int i = 0; i < 3000; i++) {
            List<Integer> order = switch (i % 7) {
                case 0 -> List.of(i % 3, i, 0);
                case 1 -> List.of(i % 3, i, 1, random.nextInt(4));
                default -> List.of(i % 3, i);
            };
            leaves.add(leaf(random.nextInt(5000), order, i));
        }
        LeafFold bound = new LeafFold();
        LeafFold streamed = new LeafFold();
        for (int from = 0; from < leaves.size(); ) {
            int to = Math.min(leaves.size(), from + 1 + random.nextInt(400));
            List<Events.Leaf> batch = leaves.subList(from, to);
            byte[] doc = Json.bytes(new Events.ShardsDone("plan", batch));
            bound.addAll(Json.read(doc, Events.ShardsDone.class).leaves());
            streamed.addShardsDone(doc);
            from = to;
        }
        assertThat(streamed.size()).isEqualTo(bound.size()).isLessThan(leaves.size());
        assertThat(streamed.root(HashAlg.SHA3_256)).isEqualTo(bound.root(HashAlg.SHA3_256));
    }

    @Test
    void fieldsInAnyOrderUnknownFieldsAndUppercaseHexAreRead() {
        Events.Leaf l = leaf(3, List.of(0, 3), 3);
        LeafFold expected = new LeafFold();
        expected.add(l);
        String doc = "{\"future\":{\"x\":[1,{}]},\"leaves\":[{\"cached\":true,\"output_digest\":\""
                + l.outputDigest().toUpperCase() + "\",\"extra\":[[]],\"order\":[0,3],\"cas_id\":\"" + l.casId()
                + "\",\"index\":3}],\"plan_id\":\"p\"}";
        LeafFold fold = new LeafFold();
        fold.addShardsDone(doc.getBytes(StandardCharsets.UTF_8));
        assertThat(fold.size()).isEqualTo(1);
        assertThat(fold.root(HashAlg.SHA_256)).isEqualTo(expected.root(HashAlg.SHA_256));
    }

    @Test
    void aMalformedDocumentIsRefusedWithItsReason() {
        String hash = "ab".repeat(32);
        assertThatThrownBy(() -> read("[]")).isInstanceOf(IllegalArgumentException.class).hasMessageContaining("document");
        assertThatThrownBy(() -> read("{\"leaves\":[{\"index\":1,\"order\":[0,1],\"cas_id\":\"" + hash + "\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("output_digest");
        assertThatThrownBy(() -> read("{\"leaves\":[{\"index\":1,\"order\":[0,1],\"cas_id\":\"" + hash
                + "\",\"output_digest\":\"" + "zz".repeat(32) + "\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("not hex");
        assertThatThrownBy(() -> read("{\"leaves\":[{\"index\":1,\"order\":[0,1],\"cas_id\":\"ab\",\"output_digest\":\"" + hash + "\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("64 hex");
        assertThatThrownBy(() -> read("{\"leaves\":[{\"index\":2147483647,\"order\":[0,1],\"cas_id\":\"" + hash
                + "\",\"output_digest\":\"" + hash + "\"}]}"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("out of range");
        assertThatThrownBy(() -> read("{\"leaves\":[{\"index\":1,\"order\":[\"0\"]")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("{\"leaves\":[")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> read("{\"leaves\":[]")).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("unreadable");
    }

    private static void read(String doc) {
        new LeafFold().addShardsDone(doc.getBytes(StandardCharsets.UTF_8));
    }
}
