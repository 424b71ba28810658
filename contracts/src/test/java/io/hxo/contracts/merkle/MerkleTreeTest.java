package io.hxo.contracts.merkle;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.util.ArrayList;
import java.util.List;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.constraints.IntRange;
import org.junit.jupiter.api.Test;

class MerkleTreeTest {
    // RFC 6962 / 9162 reference leaves and tree heads (as published by the Certificate Transparency project).
    static final List<byte[]> CT_LEAVES = List.of(
            Hex.parse(""), Hex.parse("00"), Hex.parse("10"), Hex.parse("2021"), Hex.parse("3031"),
            Hex.parse("40414243"), Hex.parse("5051525354555657"), Hex.parse("606162636465666768696a6b6c6d6e6f"));
    static final List<String> CT_ROOTS = List.of(
            "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
            "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
            "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
            "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
            "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
            "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
            "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
            "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328");

    @Test
    void emptyTreeRootIsTheHashOfNothing() {
        MerkleTree t = MerkleTree.build(HashAlg.SHA_256, List.of());
        assertThat(Hex.of(t.root())).isEqualTo("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
    }

    @Test
    void rootsMatchThePublishedVectorsForEverySize() {
        for (int n = 1; n <= CT_LEAVES.size(); n++) {
            MerkleTree t = MerkleTree.build(HashAlg.SHA_256, CT_LEAVES.subList(0, n));
            assertThat(Hex.of(t.root())).as("size %d", n).isEqualTo(CT_ROOTS.get(n - 1));
        }
    }

    @Test
    void auditPathsMatchThePublishedVectors() {
        MerkleTree t8 = MerkleTree.build(HashAlg.SHA_256, CT_LEAVES);
        assertThat(hex(t8.auditPath(0))).containsExactly(
                "96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4");
        assertThat(hex(t8.auditPath(5))).containsExactly(
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
                "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
                "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7");
        MerkleTree t3 = MerkleTree.build(HashAlg.SHA_256, CT_LEAVES.subList(0, 3));
        assertThat(hex(t3.auditPath(2))).containsExactly(
                "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125");
        MerkleTree t5 = MerkleTree.build(HashAlg.SHA_256, CT_LEAVES.subList(0, 5));
        assertThat(hex(t5.auditPath(1))).containsExactly(
                "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
                "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
                "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b");
    }

    @Test
    void levelBuildAgreesWithTheRecursiveDefinition() {
        for (HashAlg alg : HashAlg.values()) {
            for (int n = 1; n <= 70; n++) {
                List<byte[]> leaves = leaves(n);
                assertThat(MerkleTree.build(alg, leaves).root()).as("%s size %d", alg, n)
                        .isEqualTo(recursiveRoot(alg, leaves));
            }
        }
    }

    @Property(tries = 60)
    void everyProofVerifiesAndNoTamperedOneDoes(@ForAll @IntRange(min = 1, max = 300) int size,
            @ForAll @IntRange(min = 0, max = 299) int pick, @ForAll boolean sha3) {
        HashAlg alg = sha3 ? HashAlg.SHA3_256 : HashAlg.SHA_256;
        int index = pick % size;
        MerkleTree t = MerkleTree.build(alg, leaves(size));
        byte[] root = t.root();
        List<byte[]> path = t.auditPath(index);
        byte[] leaf = t.leafHash(index);
        assertThat(MerkleTree.verifyInclusion(alg, leaf, index, size, path, root)).isTrue();

        if (size > 1) {
            assertThat(MerkleTree.verifyInclusion(alg, leaf, (index + 1) % size, size, path, root)).isFalse();
            List<byte[]> tampered = new ArrayList<>(path);
            byte[] first = tampered.get(0).clone();
            first[pick % first.length] ^= 0x01;
            tampered.set(0, first);
            assertThat(MerkleTree.verifyInclusion(alg, leaf, index, size, tampered, root)).isFalse();
            assertThat(MerkleTree.verifyInclusion(alg, leaf, index, size, path.subList(1, path.size()), root))
                    .isFalse();
        }
        byte[] otherLeaf = leaf.clone();
        otherLeaf[0] ^= 0x01;
        assertThat(MerkleTree.verifyInclusion(alg, otherLeaf, index, size, path, root)).isFalse();
        assertThat(MerkleTree.verifyInclusion(alg, leaf, index, index, path, root)).isFalse();
    }

    @Test
    void inclusionProofDocumentVerifiesOfflineAndRejectsAnyChangedByte() {
        List<byte[]> leaves = new ArrayList<>();
        List<byte[]> ids = new ArrayList<>();
        List<byte[]> digests = new ArrayList<>();
        for (int i = 0; i < 13; i++) {
            byte[] id = HashAlg.SHA3_256.hash(("id" + i).getBytes());
            byte[] d = HashAlg.SHA3_256.hash(("out" + i).getBytes());
            ids.add(id);
            digests.add(d);
            leaves.add(InclusionProof.leafData(id, d));
        }
        MerkleTree t = MerkleTree.build(HashAlg.SHA3_256, leaves);
        InclusionProof p = InclusionProof.of("plan-1", t, 9, ids.get(9), digests.get(9));
        assertThat(p.verify()).isTrue();
        assertThat(p.hashAlg()).isEqualTo("sha3-256");

        String root = p.merkleRoot();
        String flipped = (root.charAt(0) == '0' ? "1" : "0") + root.substring(1);
        assertThat(new InclusionProof(p.planId(), p.casId(), p.outputDigest(), p.leafIndex(), p.treeSize(),
                p.hashAlg(), p.auditPath(), flipped).verify()).isFalse();
        assertThat(new InclusionProof(p.planId(), p.casId(), Hex.of(digests.get(8)), p.leafIndex(), p.treeSize(),
                p.hashAlg(), p.auditPath(), root).verify()).isFalse();
        assertThat(new InclusionProof(p.planId(), p.casId(), p.outputDigest(), p.leafIndex(), p.treeSize(),
                "sha-256", p.auditPath(), root).verify()).isFalse();
        assertThat(new InclusionProof(p.planId(), "not-hex", p.outputDigest(), p.leafIndex(), p.treeSize(),
                p.hashAlg(), p.auditPath(), root).verify()).isFalse();
    }

    static List<byte[]> leaves(int n) {
        List<byte[]> out = new ArrayList<>();
        for (int i = 0; i < n; i++) {
            out.add(new byte[] {(byte) i, (byte) (i >> 8), (byte) (i * 7)});
        }
        return out;
    }

    /** RFC 9162 §2.1.1 written as the RFC states it, as an independent reference. */
    static byte[] recursiveRoot(HashAlg alg, List<byte[]> d) {
        if (d.size() == 1) {
            return MerkleTree.leafHash(alg, d.get(0));
        }
        int k = Integer.highestOneBit(d.size() - 1);
        return MerkleTree.nodeHash(alg, recursiveRoot(alg, d.subList(0, k)), recursiveRoot(alg, d.subList(k, d.size())));
    }

    static List<String> hex(List<byte[]> path) {
        return path.stream().map(Hex::of).toList();
    }
}
