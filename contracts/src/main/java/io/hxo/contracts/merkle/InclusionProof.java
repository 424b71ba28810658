package io.hxo.contracts.merkle;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

/**
 * A shard's proof of membership in its plan's tree, as served by the gateway and checked offline.
 * The leaf is {@code cas_id ‖ output_digest} (raw bytes, 64 in all).
 */
@Schema(name = "InclusionProof", description = "A shard's RFC 9162 inclusion proof in its plan's Merkle tree; the"
        + " leaf is H(0x00 || cas_id || output_digest), a node H(0x01 || left || right)")
public record InclusionProof(
        @Schema(required = true, format = "uuid") String planId,
        @Schema(required = true, description = "The shard's content address (64 hex)") String casId,
        @Schema(required = true) String outputDigest,
        @Schema(required = true) long leafIndex,
        @Schema(required = true) long treeSize,
        @Schema(required = true, examples = "sha3-256") String hashAlg,
        @Schema(required = true, description = "Sibling hashes from the leaf up (hex)") List<String> auditPath,
        @Schema(required = true) String merkleRoot) {

    public static InclusionProof of(String planId, MerkleTree tree, int index, byte[] casId, byte[] outputDigest) {
        List<String> path = new ArrayList<>();
        tree.auditPath(index).forEach(p -> path.add(Hex.of(p)));
        return new InclusionProof(planId, Hex.of(casId), Hex.of(outputDigest), index, tree.size(),
                tree.alg().wireName(), List.copyOf(path), Hex.of(tree.root()));
    }

    /** The leaf data of a shard: its id followed by its output digest. */
    public static byte[] leafData(byte[] casId, byte[] outputDigest) {
        byte[] leaf = new byte[casId.length + outputDigest.length];
        System.arraycopy(casId, 0, leaf, 0, casId.length);
        System.arraycopy(outputDigest, 0, leaf, casId.length, outputDigest.length);
        return leaf;
    }

    /** True only when every field is well formed and the path leads from the leaf to the root. */
    public boolean verify() {
        try {
            HashAlg alg = HashAlg.fromWire(hashAlg);
            byte[] leaf = MerkleTree.leafHash(alg, Hex.parseHash(casId), Hex.parseHash(outputDigest));
            List<byte[]> path = new ArrayList<>(auditPath.size());
            for (String p : auditPath) {
                path.add(Hex.parseHash(p));
            }
            return MerkleTree.verifyInclusion(alg, leaf, leafIndex, treeSize, path, Hex.parseHash(merkleRoot));
        } catch (RuntimeException malformed) {
            return false;
        }
    }
}
