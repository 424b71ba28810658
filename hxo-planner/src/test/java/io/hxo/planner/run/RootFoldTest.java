package io.hxo.planner.run;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.function.IntConsumer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The folded root must be the RFC 9162 root over the final leaf order, whatever order leaves settle
 * in, wherever splits land, and whether the fold starts before or after some leaves settled.
 */
class RootFoldTest {
    /** A plan's slots in miniature: originals {@code 0..n-1} (the fold covers a range of them), split children appended. */
    static final class Slots implements RootFold.Leaves {
        final List<byte[]> data = new ArrayList<>();
        final List<Boolean> done = new ArrayList<>();
        final List<int[]> children = new ArrayList<>();

        Slots(int n) {
            for (int i = 0; i < n; i++) {
                add();
            }
        }

        int add() {
            data.add(null);
            done.add(false);
            children.add(null);
            return data.size() - 1;
        }

        void settle(int slot, Random random) {
            byte[] d = new byte[64];
            random.nextBytes(d);
            data.set(slot, d);
            done.set(slot, true);
        }

        int[] split(int slot, int k) {
            int[] c = new int[k];
            for (int j = 0; j < k; j++) {
                c[j] = add();
            }
            children.set(slot, c);
            return c;
        }

        @Override
        public boolean settled(int slot) {
            return done.get(slot);
        }

        @Override
        public boolean split(int slot) {
            return children.get(slot) != null;
        }

        @Override
        public void leafHash(int slot, byte[] out, int offset) {
            System.arraycopy(MerkleTree.leafHash(HashAlg.SHA_256, data.get(slot)), 0, out, offset, 32);
        }

        @Override
        public void visit(int slot, IntConsumer sink) {
            if (children.get(slot) == null) {
                sink.accept(slot);
            } else {
                for (int c : children.get(slot)) {
                    visit(c, sink);
                }
            }
        }

        /** The root computed the plain way: every leaf of the range in order, then the tree. */
        byte[] expected(int start, int count) {
            List<byte[]> leaves = new ArrayList<>();
            for (int s = start; s < start + count; s++) {
                visit(s, leaf -> leaves.add(data.get(leaf)));
            }
            return MerkleTree.build(HashAlg.SHA_256, leaves).root();
        }
    }

    @ParameterizedTest(name = "{0} leaves from slot {1}, {2} splits, fold created after {3} settled, seed {4}")
    @CsvSource({
            "0, 0, 0, 0, 1",
            "1, 0, 0, 0, 2",
            "1023, 5, 0, 0, 3",
            "1024, 0, 0, 0, 4",
            "1025, 7, 0, 300, 5",
            "4096, 0, 0, 4096, 6",
            "5000, 100, 0, 1000, 7",
            "5000, 100, 1, 0, 8",
            "5000, 0, 3, 2500, 9",
            "3000, 0, 12, 0, 10",
            "2048, 64, 2, 2000, 11"})
    void theFoldedRootIsTheTreeOverTheFinalLeafOrder(int count, int start, int splits, int settledBefore, long seed) {
        Random random = new Random(seed);
        Slots slots = new Slots(start + count + 50);
        List<Integer> work = new ArrayList<>();
        for (int s = start; s < start + count; s++) {
            work.add(s);
        }
        Collections.shuffle(work, random);
        // At these steps a shard is split instead of settled: its children join the work (and may be
        // split again); a split original tells the fold that the leaves after it move.
        java.util.Set<Integer> splitSteps = new java.util.HashSet<>();
        while (splitSteps.size() < splits) {
            splitSteps.add(random.nextInt(count));
        }
        RootFold fold = null;
        int settledCount = 0;
        for (int step = 0; !work.isEmpty(); step++) {
            if (fold == null && settledCount >= settledBefore) {
                fold = new RootFold(HashAlg.SHA_256, slots, start, count);
            }
            int slot = work.remove(work.size() - 1);
            if (splitSteps.contains(step)) {
                int[] children = slots.split(slot, 2 + random.nextInt(3));
                if (fold != null && slot < start + count) {
                    fold.splitAt(slot);
                }
                for (int c : children) {
                    work.add(random.nextInt(work.size() + 1), c);
                }
                continue;
            }
            slots.settle(slot, random);
            settledCount++;
            if (fold != null && slot < start + count) {
                fold.settled(slot);
            }
        }
        if (fold == null) {
            fold = new RootFold(HashAlg.SHA_256, slots, start, count);
        }
        assertThat(Hex.of(fold.root())).isEqualTo(Hex.of(slots.expected(start, count)));
        if (splits > 0) {
            assertThat(slots.data.size()).as("children were made").isGreaterThan(start + count + 50);
        }
    }

    @ParameterizedTest(name = "{0} leaves")
    @CsvSource({"1024", "3000", "70000"})
    void blocksAreReducedWhileLeavesSettleSoTheEndHashesLittle(int count) {
        Random random = new Random(count);
        Slots slots = new Slots(count);
        int[] hashed = {0};
        RootFold.Leaves counting = new RootFold.Leaves() {
            @Override
            public boolean settled(int slot) {
                return slots.settled(slot);
            }

            @Override
            public boolean split(int slot) {
                return slots.split(slot);
            }

            @Override
            public void leafHash(int slot, byte[] out, int offset) {
                hashed[0]++;
                slots.leafHash(slot, out, offset);
            }

            @Override
            public void visit(int slot, IntConsumer sink) {
                slots.visit(slot, sink);
            }
        };
        RootFold fold = new RootFold(HashAlg.SHA_256, counting, 0, count);
        int[] order = random.ints(0, count).distinct().limit(count).toArray();
        for (int slot : order) {
            slots.settle(slot, random);
            fold.settled(slot);
        }
        int beforeRoot = hashed[0];
        byte[] root = fold.root();
        assertThat(Hex.of(root)).isEqualTo(Hex.of(slots.expected(0, count)));
        // At the end only the leaves of the last, partial block are hashed.
        assertThat(hashed[0] - beforeRoot).isEqualTo(count % RootFold.BLOCK);
        assertThat(beforeRoot).isEqualTo(count - count % RootFold.BLOCK);
    }
}
