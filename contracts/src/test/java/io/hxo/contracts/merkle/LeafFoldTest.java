package io.hxo.contracts.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
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
}
