package io.hxo.planner.run;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.merkle.MerkleTree;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.function.IntConsumer;

/**
 * The Merkle root of a contiguous run of original slots (one stage, or the whole plan), folded while
 * results arrive, so that little is left to hash when the last one comes in.
 *
 * <p>In an RFC 9162 tree every aligned block of {@code 2^k} leaves that lies wholly inside the tree
 * is a node of it, and the level-by-level build above such blocks is the same whatever happens
 * inside them. So each block of {@value #BLOCK} leaves is reduced to its root as soon as all its
 * leaves have settled, and the final root is the tree over those block roots plus the leaves of the
 * last, partial block: about {@value #BLOCK} + n / {@value #BLOCK} hashes instead of 2n.
 *
 * <p>An autosplit moves every leaf after the split shard (its children take its place), so block
 * roots from that block on are no longer nodes of the tree; they are recomputed from the final
 * leaf order at the end. Folding only ever saves work, it never decides the root on its own.
 *
 * <p>Touched only by the owner thread.
 */
final class RootFold {
    static final int BLOCK_BITS = 10;
    static final int BLOCK = 1 << BLOCK_BITS;
    private static final int H = HashAlg.LENGTH;

    /** The plan's per-slot picture, as the fold needs it. */
    interface Leaves {
        boolean settled(int slot);

        boolean split(int slot);

        /** Writes {@code H(0x00 ‖ cas_id ‖ output_digest)} of a settled slot at {@code offset}. */
        void leafHash(int slot, byte[] out, int offset);

        /** The leaves under an original slot in Merkle order: the slot itself or its split children. */
        void visit(int slot, IntConsumer sink);
    }

    private final HashAlg alg;
    private final Leaves leaves;
    private final int start;
    private final int count;
    private final int[] missing;
    private final byte[] blockRoots;
    /** Complete blocks whose root is not computed yet: one is reduced per settled leaf. */
    private final Deque<Integer> backlog = new ArrayDeque<>();
    /** Blocks below this index hold no split, so their roots are nodes of the final tree. */
    private int validBlocks;
    /** One block of leaf hashes, while hashing (32 KiB, so not kept by every small stage). */
    private byte[] scratch;

    /** Starts over slots {@code start .. start + count - 1}, counting what has already settled. */
    RootFold(HashAlg alg, Leaves leaves, int start, int count) {
        this.alg = alg;
        this.leaves = leaves;
        this.start = start;
        this.count = count;
        int blocks = count >> BLOCK_BITS;
        this.missing = new int[blocks];
        this.blockRoots = new byte[blocks * H];
        this.validBlocks = blocks;
        Arrays.fill(missing, BLOCK);
        for (int pos = 0; pos < count; pos++) {
            int slot = start + pos;
            if (leaves.split(slot)) {
                validBlocks = Math.min(validBlocks, pos >> BLOCK_BITS);
            } else if (leaves.settled(slot) && (pos >> BLOCK_BITS) < blocks && --missing[pos >> BLOCK_BITS] == 0) {
                backlog.add(pos >> BLOCK_BITS);
            }
        }
    }

    /** An original slot in this fold's range settled (it was not settled before). */
    void settled(int slot) {
        int block = (slot - start) >> BLOCK_BITS;
        if (block < missing.length && --missing[block] == 0) {
            backlog.add(block);
        }
        reduceOne();
    }

    /** An original slot was split: every leaf after it moves. */
    void splitAt(int slot) {
        validBlocks = Math.min(validBlocks, (slot - start) >> BLOCK_BITS);
    }

    /** The root over all the range's leaves; every leaf must have settled. */
    byte[] root() {
        while (!backlog.isEmpty()) {
            reduceOne();
        }
        // Level BLOCK_BITS of the tree: the block roots still valid, then the rest of the leaves in
        // Merkle order, reduced block by block (the last block may be partial).
        Level level = new Level(validBlocks + (count - validBlocks * BLOCK) / BLOCK + 1);
        System.arraycopy(blockRoots, 0, level.nodes, 0, validBlocks * H);
        level.size = validBlocks;
        for (int pos = validBlocks * BLOCK; pos < count; pos++) {
            leaves.visit(start + pos, level);
        }
        level.flush();
        scratch = null;
        return MerkleTree.fromLeafHashes(alg, level.nodes, level.size).root();
    }

    /** Block roots in order, taking leaves one at a time and reducing each full block. */
    private final class Level implements IntConsumer {
        byte[] nodes;
        int size;
        private int pending;

        Level(int capacity) {
            nodes = new byte[capacity * H];
        }

        @Override
        public void accept(int slot) {
            leaves.leafHash(slot, scratch(), pending * H);
            if (++pending == BLOCK) {
                flush();
            }
        }

        void flush() {
            if (pending == 0) {
                return;
            }
            if ((size + 1) * H > nodes.length) {
                nodes = Arrays.copyOf(nodes, Math.max(2 * nodes.length, (size + 1) * H));
            }
            System.arraycopy(subtreeRoot(pending), 0, nodes, size * H, H);
            size++;
            pending = 0;
        }
    }

    private void reduceOne() {
        Integer block = backlog.poll();
        if (block == null || block >= validBlocks) {
            return;
        }
        int first = start + block * BLOCK;
        for (int i = 0; i < BLOCK; i++) {
            leaves.leafHash(first + i, scratch(), i * H);
        }
        System.arraycopy(subtreeRoot(BLOCK), 0, blockRoots, block * H, H);
    }

    private byte[] scratch() {
        if (scratch == null) {
            scratch = new byte[BLOCK * H];
        }
        return scratch;
    }

    /** The root of the first {@code size} leaf hashes in {@link #scratch}. */
    private byte[] subtreeRoot(int size) {
        return MerkleTree.fromLeafHashes(alg, scratch, size).root();
    }
}
