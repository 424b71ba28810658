package io.hxo.planner.consensus;

import io.hxo.planner.checkpoint.CheckpointStore;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.merkle.MerkleTree;
import io.hxo.planner.checkpoint.PlanStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

/**
 * A finished plan's root recomputed from what the database holds: the stages' places among the
 * slots, the split records and the checkpointed leaves. Nothing comes from the owner's memory, and
 * the stored inputs are not re-read or re-partitioned: the leaves' order needs only the slot layout,
 * and at a million shards re-validating the inputs cost more memory than the whole vote.
 */
@ApplicationScoped
public class StoredRoot {
    private static final int H = HashAlg.LENGTH;

    private final PlanStore store;
    private final CheckpointStore checkpoints;

    public StoredRoot(PlanStore store, CheckpointStore checkpoints) {
        this.store = store;
        this.checkpoints = checkpoints;
    }

    /**
     * The root as lowercase hex.
     *
     * @throws IllegalStateException when the plan is unknown or a leaf it needs has no checkpoint
     */
    public String of(UUID planId) {
        PlanStore.Layout layout = store.layout(planId)
                .orElseThrow(() -> new IllegalStateException("plan " + planId + " is not in the store"));
        HashAlg alg = HashAlg.fromWire(layout.hashAlg());
        List<PlanStore.StageLayout> stages = layout.stages();
        List<CheckpointStore.SplitShape> splits = checkpoints.splitShapes(planId);
        int slots = 0;
        for (PlanStore.StageLayout s : stages) {
            slots = Math.max(slots, s.firstLeaf() + s.shardCount());
        }
        for (CheckpointStore.SplitShape sp : splits) {
            slots = Math.max(slots, sp.firstChild() + sp.childCount());
        }
        Slots tree = new Slots(slots);
        for (CheckpointStore.SplitShape sp : splits) {
            tree.firstChild[sp.parentSlot()] = sp.firstChild();
            tree.childCount[sp.parentSlot()] = sp.childCount();
        }
        checkpoints.readLeaves(planId, leaf -> tree.put(leaf.index(), leaf.casId(), leaf.digest()));
        Hashes hashes = new Hashes(alg, slots);
        for (PlanStore.StageLayout s : stages) {
            for (int slot = s.firstLeaf(); slot < s.firstLeaf() + s.shardCount(); slot++) {
                tree.visit(slot, hashes);
            }
        }
        return Hex.of(MerkleTree.fromLeafHashes(alg, hashes.bytes, hashes.size).root());
    }

    /** The checkpointed leaf data per slot and the split tree over the slots. */
    private static final class Slots {
        final int[] firstChild;
        final int[] childCount;
        final byte[] leaves;
        final boolean[] present;

        Slots(int n) {
            firstChild = new int[n];
            childCount = new int[n];
            Arrays.fill(firstChild, -1);
            leaves = new byte[n * 2 * H];
            present = new boolean[n];
        }

        void put(int slot, byte[] casId, byte[] digest) {
            if (slot >= 0 && slot < present.length) {
                System.arraycopy(casId, 0, leaves, slot * 2 * H, H);
                System.arraycopy(digest, 0, leaves, slot * 2 * H + H, H);
                present[slot] = true;
            }
        }

        /** A split slot's children take its place, in order; any other slot is a leaf. */
        void visit(int slot, Hashes out) {
            if (firstChild[slot] >= 0) {
                for (int c = 0; c < childCount[slot]; c++) {
                    visit(firstChild[slot] + c, out);
                }
            } else if (!present[slot]) {
                throw new IllegalStateException("slot " + slot + " has no checkpointed leaf");
            } else {
                out.add(leaves, slot * 2 * H);
            }
        }
    }

    /** Leaf hashes {@code H(0x00 ‖ cas_id ‖ output_digest)}, back to back, in Merkle order. */
    private static final class Hashes {
        final MessageDigest md;
        byte[] bytes;
        int size;

        Hashes(HashAlg alg, int capacity) {
            md = alg.newDigest();
            bytes = new byte[Math.max(1, capacity) * H];
        }

        void add(byte[] leaves, int offset) {
            if ((size + 1) * H > bytes.length) {
                bytes = Arrays.copyOf(bytes, 2 * bytes.length);
            }
            md.update((byte) 0x00);
            md.update(leaves, offset, 2 * H);
            try {
                md.digest(bytes, size * H, H);
            } catch (DigestException e) {
                throw new IllegalStateException(e);
            }
            size++;
        }
    }
}
