package io.hxo.contracts.cas;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import java.util.List;

/**
 * The content address of a unit of work: the hash of the RFC 8785 form of
 * {@code {kind, executor, executor_version, inputs, dep_roots}}. Equal work has an equal id, so a
 * stored result for an id can be reused by any plan that asks for the same work.
 */
public final class ShardId {
    private ShardId() {
    }

    /** The canonical document that is hashed; exposed so a verifier can recompute an id by hand. */
    public static ObjectNode document(String kind, String executor, String executorVersion, JsonNode inputs,
            List<String> depRoots) {
        ObjectNode doc = Json.mapper().createObjectNode();
        doc.put("kind", kind);
        doc.put("executor", executor);
        doc.put("executor_version", executorVersion);
        doc.set("inputs", inputs == null ? Json.mapper().nullNode() : inputs);
        ArrayNode roots = doc.putArray("dep_roots");
        depRoots.forEach(roots::add);
        return doc;
    }

    public static byte[] compute(HashAlg alg, String kind, String executor, String executorVersion, JsonNode inputs,
            List<String> depRoots) {
        return alg.hash(Jcs.canonicalize(document(kind, executor, executorVersion, inputs, depRoots)));
    }

    /** Lowercase hex form, as stored and shown. */
    public static String computeHex(HashAlg alg, String kind, String executor, String executorVersion,
            JsonNode inputs, List<String> depRoots) {
        return Hex.of(compute(alg, kind, executor, executorVersion, inputs, depRoots));
    }
}
