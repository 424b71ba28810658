package io.hxo.ctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class HxoCtlTest {

    @Test
    void proofVerifiesOfflineAndATamperedOneFails(@TempDir Path dir) throws Exception {
        List<byte[]> leaves = new ArrayList<>();
        byte[][] ids = new byte[9][];
        byte[][] digests = new byte[9][];
        for (int i = 0; i < 9; i++) {
            ids[i] = HashAlg.SHA3_256.hash(("id" + i).getBytes());
            digests[i] = HashAlg.SHA3_256.hash(("d" + i).getBytes());
            leaves.add(InclusionProof.leafData(ids[i], digests[i]));
        }
        MerkleTree tree = MerkleTree.build(HashAlg.SHA3_256, leaves);
        InclusionProof p = InclusionProof.of("plan", tree, 4, ids[4], digests[4]);
        Path good = dir.resolve("good.json");
        Files.writeString(good, Json.text(p));
        assertThat(HxoCtl.run("proof", good.toString())).isZero();

        String text = Files.readString(good);
        String d = p.outputDigest();
        Path bad = dir.resolve("bad.json");
        Files.writeString(bad, text.replace(d, (d.charAt(0) == 'a' ? "b" : "a") + d.substring(1)));
        assertThat(HxoCtl.run("proof", bad.toString())).isEqualTo(1);
    }

    @Test
    void anUnreachableGatewayIsExitCode2() {
        assertThat(HxoCtl.run("--url", "http://127.0.0.1:1", "health")).isEqualTo(2);
    }

    @Test
    void badUsageIsExitCode2() {
        assertThat(HxoCtl.run("no-such-command")).isEqualTo(2);
    }
}
