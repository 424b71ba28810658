package io.hxo.contracts.merkle;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.payload.Events;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Folds the leaves a plan announced on {@code hxo.shard.done} into its Merkle root, the way any
 * validator must: one leaf per slot (a leaf announced twice, after a resume, counts once), ordered
 * by {@link Events.Leaf#order()}, hashed as {@code H(0x00 ‖ cas_id ‖ output_digest)}.
 */
public final class LeafFold {
    /** Element-by-element comparison; a shorter path that is a prefix of a longer one sorts first. */
    public static final Comparator<List<Integer>> ORDER = (a, b) -> {
        for (int i = 0; i < Math.min(a.size(), b.size()); i++) {
            int c = Integer.compare(a.get(i), b.get(i));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.size(), b.size());
    };

    /** Kept compact (a fold may hold a million leaves): the order path and cas_id ‖ output_digest. */
    private record Entry(int[] order, byte[] casAndDigest) {
    }

    private static final Comparator<int[]> PATH = (a, b) -> {
        for (int i = 0; i < Math.min(a.length, b.length); i++) {
            int c = Integer.compare(a[i], b[i]);
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(a.length, b.length);
    };

    private final Map<Integer, Entry> bySlot = new HashMap<>();

    public void add(Events.Leaf leaf) {
        int[] order = leaf.order().stream().mapToInt(Integer::intValue).toArray();
        byte[] both = new byte[2 * HashAlg.LENGTH];
        System.arraycopy(Hex.parseHash(leaf.casId()), 0, both, 0, HashAlg.LENGTH);
        System.arraycopy(Hex.parseHash(leaf.outputDigest()), 0, both, HashAlg.LENGTH, HashAlg.LENGTH);
        bySlot.put(leaf.index(), new Entry(order, both));
    }

    public void addAll(Iterable<Events.Leaf> leaves) {
        leaves.forEach(this::add);
    }

    public int size() {
        return bySlot.size();
    }

    /** The root over the leaves folded so far, as lowercase hex. */
    public String root(HashAlg alg) {
        List<Entry> leaves = new ArrayList<>(bySlot.values());
        leaves.sort(Comparator.comparing(Entry::order, PATH));
        byte[] hashes = new byte[leaves.size() * HashAlg.LENGTH];
        MessageDigest md = alg.newDigest();
        try {
            for (int i = 0; i < leaves.size(); i++) {
                md.update((byte) 0x00);
                md.update(leaves.get(i).casAndDigest());
                md.digest(hashes, i * HashAlg.LENGTH, HashAlg.LENGTH);
            }
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
        return Hex.of(MerkleTree.fromLeafHashes(alg, hashes, leaves.size()).root());
    }
}
