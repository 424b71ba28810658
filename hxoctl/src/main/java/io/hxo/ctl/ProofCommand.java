package io.hxo.ctl;

import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

/**
 * Verifies a shard's inclusion proof offline: fetched from the gateway ({@code proof PLAN CAS}) or
 * read from a file ({@code proof FILE}, {@code -} for stdin). Nothing is trusted but the hashes; with
 * PLAN and CAS the proof must also be about that shard and lead to the root of the plan's certificate
 * when it has one.
 */
@Command(name = "proof", description = {"Verify a shard's inclusion proof offline:",
        "proof PLAN_ID CAS_ID fetches it from the gateway (and checks it against the plan's certificate);",
        "proof FILE reads a proof document (- for stdin). Exit 0 valid, 1 invalid."})
class ProofCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Parameters(arity = "1..2", paramLabel = "PLAN_ID CAS_ID | FILE")
    List<String> args;

    @Override
    public Integer call() throws IOException {
        InclusionProof proof;
        String certRoot = null;
        if (args.size() == 1) {
            String file = args.get(0);
            byte[] json = "-".equals(file) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(file));
            try {
                proof = Json.read(json, InclusionProof.class);
            } catch (IllegalArgumentException e) {
                System.out.println("INVALID: not a proof document: " + e.getMessage());
                return 1;
            }
        } else {
            String plan = args.get(0);
            String cas = args.get(1);
            Gateway.Answer a = root.gateway().get("/api/hxo/plan/" + plan + "/proof/" + cas);
            if (!a.ok() || a.body() == null) {
                System.err.println("hxoctl: no proof: " + a.problem());
                return 1;
            }
            proof = Json.mapper().convertValue(a.body(), InclusionProof.class);
            if (!cas.equals(proof.casId()) || !plan.equals(proof.planId())) {
                System.out.println("INVALID: the gateway served a proof of another shard or plan");
                return 1;
            }
            Gateway.Answer c = root.gateway().get("/api/hxo/plan/" + plan + "/certificate");
            if (c.ok() && c.body() != null) {
                certRoot = c.body().path("merkle_root").asText();
            }
        }
        boolean ok = proof.verify();
        if (ok && certRoot != null && !certRoot.equals(proof.merkleRoot())) {
            System.out.println("INVALID: the proof leads to " + proof.merkleRoot() + " but the plan's certificate says "
                    + certRoot);
            return 1;
        }
        if (root != null && root.json) {
            System.out.println(Json.mapper().valueToTree(java.util.Map.of("valid", ok, "proof", proof,
                    "certified_root", certRoot == null ? "" : certRoot)).toPrettyString());
        } else {
            System.out.println(ok ? "valid: shard " + proof.casId() + " is leaf " + proof.leafIndex() + " of "
                    + proof.treeSize() + " under root " + proof.merkleRoot()
                    + (certRoot == null ? "" : " (the plan's certified root)")
                    : "INVALID: the proof does not lead to root " + proof.merkleRoot());
        }
        return ok ? 0 : 1;
    }
}
