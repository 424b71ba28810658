package io.hxo.ctl;

import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;

/** Verifies an inclusion proof document offline: no gateway, no trust in anything but the hashes. */
@Command(name = "proof", description = "Verify an inclusion proof (JSON file, or - for stdin) offline.")
class ProofCommand implements Callable<Integer> {
    @Parameters(paramLabel = "FILE")
    String file;

    @Override
    public Integer call() throws IOException {
        byte[] json = "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
        InclusionProof proof = Json.read(json, InclusionProof.class);
        boolean ok = proof.verify();
        System.out.println(ok ? "valid: shard " + proof.casId() + " is leaf " + proof.leafIndex() + " of "
                + proof.treeSize() + " under root " + proof.merkleRoot()
                : "INVALID: the proof does not lead to root " + proof.merkleRoot());
        return ok ? 0 : 1;
    }
}
