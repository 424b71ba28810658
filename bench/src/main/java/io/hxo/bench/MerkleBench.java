package io.hxo.bench;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The Merkle bars of SPEC section 9: a root over 1,000,000 leaves from scratch, next to the raw cost
 * of the ~2,000,000 hashes it needs (measured here, in the same run), and one inclusion proof check.
 */
@State(Scope.Benchmark)
@Fork(value = 1, jvmArgs = {"-Xms2g", "-Xmx2g"})
public class MerkleBench {
    @Param({"SHA_256", "SHA3_256"})
    public HashAlg alg;

    @Param({"1000000"})
    public int leaves;

    List<byte[]> data;
    byte[] node;
    InclusionProof proof;

    @Setup(Level.Trial)
    public void setUp() {
        Random r = new Random(42);
        data = new ArrayList<>(leaves);
        for (int i = 0; i < leaves; i++) {
            byte[] cas = new byte[32];
            byte[] digest = new byte[32];
            r.nextBytes(cas);
            r.nextBytes(digest);
            data.add(InclusionProof.leafData(cas, digest));
        }
        node = new byte[65];
        MerkleTree tree = MerkleTree.build(alg, data);
        int index = leaves / 3;
        byte[] leaf = data.get(index);
        proof = InclusionProof.of("bench", tree, index, java.util.Arrays.copyOf(leaf, 32),
                java.util.Arrays.copyOfRange(leaf, 32, 64));
    }

    /** The raw cost: as many hashes of 65 bytes as the tree needs (n leaves + n - 1 nodes), nothing else. */
    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public byte[] rawHashes() {
        MessageDigest md = alg.newDigest();
        byte[] out = null;
        for (int i = 0; i < 2 * leaves - 1; i++) {
            md.update(node);
            out = md.digest();
            node[1] = out[0];
        }
        return out;
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2)
    @Measurement(iterations = 5)
    public byte[] rootFromScratch() {
        return MerkleTree.build(alg, data).root();
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    public boolean verifyProof() {
        return proof.verify();
    }
}
