package io.hxo.ctl;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import java.util.ArrayList;
import java.util.List;

/**
 * A decided plan as the gateway serves it, built on a real Merkle tree: its status document,
 * certificate, shard proofs and the {@code hxo.shard.done} event the bus recorded. Tests change a
 * piece (a vote, a proof, the status) to make it wrong.
 */
final class PlanFixture {
    static final List<String> VALIDATORS = List.of("hxo-planner", "genesis-bus", "arie-auditor");

    final String planId;
    final int size;
    final List<byte[]> ids = new ArrayList<>();
    final List<byte[]> digests = new ArrayList<>();
    final MerkleTree tree;
    final ObjectNode certificate;
    String status = "certified";

    PlanFixture(String planId, int size) {
        this.planId = planId;
        this.size = size;
        List<byte[]> leaves = new ArrayList<>();
        for (int i = 0; i < size; i++) {
            ids.add(HashAlg.SHA3_256.hash((planId + "/shard" + i).getBytes()));
            digests.add(HashAlg.SHA3_256.hash((planId + "/out" + i).getBytes()));
            leaves.add(InclusionProof.leafData(ids.get(i), digests.get(i)));
        }
        tree = MerkleTree.build(HashAlg.SHA3_256, leaves);
        certificate = Json.mapper().createObjectNode();
        certificate.put("plan_id", planId).put("merkle_root", root()).put("leaf_count", size)
                .put("hash_alg", "sha3-256").put("mode", "HARMONIC").put("outcome", "certified");
        ArrayNode votes = certificate.putArray("votes");
        for (String v : VALIDATORS) {
            votes.addObject().put("validator", v).put("merkle_root", root()).put("leaf_count", size);
        }
        certificate.putArray("missing");
    }

    String root() {
        return Hex.of(tree.root());
    }

    String cas(int i) {
        return Hex.of(ids.get(i));
    }

    /** Makes the plan end {@code certification_failed}: genesis-bus voted another root. */
    PlanFixture disagreement() {
        status = "certification_failed";
        certificate.put("outcome", "disagreement");
        ((ObjectNode) certificate.get("votes").get(1)).put("merkle_root", "00".repeat(32));
        return this;
    }

    ObjectNode statusDocument() {
        ObjectNode s = Json.mapper().createObjectNode();
        s.put("plan_id", planId).put("name", "fixture").put("status", status).put("total_shards", size);
        s.putObject("shards").put("done", size);
        s.put("merkle_root", root()).put("hash_alg", "sha3-256");
        if ("certified".equals(status) || "certification_failed".equals(status)) {
            s.set("certificate", certificate);
        } else {
            s.putNull("certificate");
        }
        s.put("created_at", "2026-11-29T01:00:00Z").put("finished_at", "2026-11-29T01:00:01Z");
        return s;
    }

    /** A plans-list entry. */
    ObjectNode listed() {
        ObjectNode p = Json.mapper().createObjectNode();
        p.put("plan_id", planId).put("status", status).put("merkle_root", root())
                .put("created_at", "2026-11-29T01:00:00Z").put("finished_at", "2026-11-29T01:00:01Z");
        return p;
    }

    InclusionProof proof(int i) {
        return InclusionProof.of(planId, tree, i, ids.get(i), digests.get(i));
    }

    /** The proof with its first audit-path hash replaced: it no longer leads to the root. */
    InclusionProof forgedProof(int i) {
        InclusionProof p = proof(i);
        List<String> path = new ArrayList<>(p.auditPath());
        path.set(0, Hex.of(HashAlg.SHA3_256.hash("forged".getBytes())));
        return new InclusionProof(p.planId(), p.casId(), p.outputDigest(), p.leafIndex(), p.treeSize(), p.hashAlg(),
                path, p.merkleRoot());
    }

    /** The bus's stored {@code hxo.shard.done} event with every leaf (data as JSON text, as history serves it). */
    ObjectNode shardDoneEvent(long seq) {
        ObjectNode data = Json.mapper().createObjectNode().put("plan_id", planId);
        ArrayNode leaves = data.putArray("leaves");
        for (int i = 0; i < size; i++) {
            leaves.addObject().put("index", i).put("cas_id", cas(i)).put("output_digest", Hex.of(digests.get(i)));
        }
        ObjectNode ev = Json.mapper().createObjectNode().put("seq", seq).put("topic", "hxo.shard.done")
                .put("subject", planId);
        ev.put("data", Json.text(data));
        return ev;
    }

    /** Serves the status, certificate (404 until decided) and every proof. */
    PlanFixture serve(StubGateway gw) {
        gw.on("GET", "/api/hxo/status/" + planId, r -> StubGateway.Response.json(200, Json.text(statusDocument())));
        gw.on("GET", "/api/hxo/plan/" + planId + "/certificate", r -> "certified".equals(status)
                || "certification_failed".equals(status) ? StubGateway.Response.json(200, Json.text(certificate))
                : StubGateway.Response.json(404, "{\"status\":404,\"detail\":\"no consensus decision yet\"}"));
        for (int i = 0; i < size; i++) {
            gw.json("GET", "/api/hxo/plan/" + planId + "/proof/" + cas(i), 200, Json.text(proof(i)));
        }
        return this;
    }
}
