package io.hxo.contracts.merkle;

import io.hxo.contracts.hash.HashAlg;
import java.security.DigestException;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * An RFC 9162 §2.1 Merkle tree: leaf hash {@code H(0x00 ‖ d)}, interior node {@code H(0x01 ‖ l ‖ r)},
 * the left subtree always the largest power of two below the size.
 *
 * <p>Built level by level over flat byte arrays (no object per node). Pairing neighbours and
 * promoting an odd last node unchanged yields exactly the RFC's recursive split. All levels are
 * kept so inclusion proofs are a walk up the arrays.
 */
public final class MerkleTree {
    static final byte LEAF_PREFIX = 0x00;
    static final byte NODE_PREFIX = 0x01;
    private static final int H = HashAlg.LENGTH;

    private final HashAlg alg;
    private final int size;
    /** levels[0] holds the leaf hashes, the last level holds the root (when size &gt; 0). */
    private final byte[][] levels;

    private MerkleTree(HashAlg alg, int size, byte[][] levels) {
        this.alg = alg;
        this.size = size;
        this.levels = levels;
    }

    /** Builds the tree over raw leaf data (each entry is hashed as a leaf). */
    public static MerkleTree build(HashAlg alg, List<byte[]> leaves) {
        MessageDigest md = alg.newDigest();
        byte[] hashes = new byte[leaves.size() * H];
        for (int i = 0; i < leaves.size(); i++) {
            md.update(LEAF_PREFIX);
            md.update(leaves.get(i));
            finish(md, hashes, i * H);
        }
        return fromLeafHashes(alg, hashes, leaves.size());
    }

    /** Builds the tree over leaf hashes already computed, laid out back to back in {@code leafHashes}. */
    public static MerkleTree fromLeafHashes(HashAlg alg, byte[] leafHashes, int size) {
        if (leafHashes.length < size * H) {
            throw new IllegalArgumentException("need " + size * H + " bytes of leaf hashes");
        }
        List<byte[]> levels = new ArrayList<>();
        byte[] level = leafHashes.length == size * H ? leafHashes : Arrays.copyOf(leafHashes, size * H);
        levels.add(level);
        MessageDigest md = alg.newDigest();
        int n = size;
        while (n > 1) {
            int parents = (n + 1) / 2;
            byte[] next = new byte[parents * H];
            for (int i = 0; i < n / 2; i++) {
                md.update(NODE_PREFIX);
                md.update(level, 2 * i * H, 2 * H);
                finish(md, next, i * H);
            }
            if ((n & 1) == 1) {
                System.arraycopy(level, (n - 1) * H, next, (parents - 1) * H, H);
            }
            levels.add(next);
            level = next;
            n = parents;
        }
        return new MerkleTree(alg, size, levels.toArray(new byte[0][]));
    }

    public HashAlg alg() {
        return alg;
    }

    public int size() {
        return size;
    }

    public byte[] root() {
        if (size == 0) {
            return alg.hash(new byte[0]);
        }
        return Arrays.copyOf(levels[levels.length - 1], H);
    }

    public byte[] leafHash(int index) {
        checkIndex(index);
        return Arrays.copyOfRange(levels[0], index * H, (index + 1) * H);
    }

    /** The RFC 9162 §2.1.3.1 audit path for a leaf: siblings from the leaf's level upward. */
    public List<byte[]> auditPath(int index) {
        checkIndex(index);
        List<byte[]> path = new ArrayList<>();
        int idx = index;
        int n = size;
        for (int l = 0; n > 1; l++) {
            int sibling = idx ^ 1;
            if (sibling < n) {
                path.add(Arrays.copyOfRange(levels[l], sibling * H, (sibling + 1) * H));
            }
            idx >>= 1;
            n = (n + 1) / 2;
        }
        return path;
    }

    /** {@code H(0x00 ‖ parts…)}: a leaf over the concatenation of {@code parts}, without copying them. */
    public static byte[] leafHash(HashAlg alg, byte[]... parts) {
        MessageDigest md = alg.newDigest();
        md.update(LEAF_PREFIX);
        for (byte[] p : parts) {
            md.update(p);
        }
        return md.digest();
    }

    public static byte[] nodeHash(HashAlg alg, byte[] left, byte[] right) {
        MessageDigest md = alg.newDigest();
        md.update(NODE_PREFIX);
        md.update(left);
        md.update(right);
        return md.digest();
    }

    /**
     * RFC 9162 §2.1.3.2: checks that {@code leafHash} sits at {@code index} in a tree of {@code size}
     * leaves whose root is {@code root}.
     */
    public static boolean verifyInclusion(HashAlg alg, byte[] leafHash, long index, long size, List<byte[]> path,
            byte[] root) {
        if (index < 0 || index >= size || leafHash == null || root == null) {
            return false;
        }
        long fn = index;
        long sn = size - 1;
        byte[] r = leafHash;
        for (byte[] p : path) {
            if (p == null || p.length != H || sn == 0) {
                return false;
            }
            if ((fn & 1) == 1 || fn == sn) {
                r = nodeHash(alg, p, r);
                if ((fn & 1) == 0) {
                    while ((fn & 1) == 0 && fn != 0) {
                        fn >>= 1;
                        sn >>= 1;
                    }
                }
            } else {
                r = nodeHash(alg, r, p);
            }
            fn >>= 1;
            sn >>= 1;
        }
        return sn == 0 && MessageDigest.isEqual(r, root);
    }

    private void checkIndex(int index) {
        if (index < 0 || index >= size) {
            throw new IndexOutOfBoundsException("leaf " + index + " outside a tree of " + size);
        }
    }

    private static void finish(MessageDigest md, byte[] out, int offset) {
        try {
            md.digest(out, offset, H);
        } catch (DigestException e) {
            throw new IllegalStateException(e);
        }
    }
}
