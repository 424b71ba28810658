package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.cas.ShardId;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.merkle.InclusionProof;
import io.hxo.contracts.merkle.MerkleTree;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** What the operational drills share: a {@code test.sleep} plan and the root its inputs determine. */
final class Drills {
    private Drills() {
    }

    record SleepPlan(String planId, String salt, int shards, int sleepMs) {
        /** The root SPEC section 3 defines for this plan, computed from its inputs alone. */
        String expectedRoot() {
            List<byte[]> leaves = new ArrayList<>();
            for (int i = 0; i < shards; i++) {
                JsonNode inputs = Json.tree(Map.of("index", i, "sleep_ms", sleepMs, "salt", salt));
                byte[] cas = ShardId.compute(HashAlg.SHA3_256, "test.sleep", "sleep", "1", inputs, List.of());
                byte[] digest = HashAlg.SHA3_256.hash(Jcs.canonicalize(Json.tree(Map.of("index", i, "slept_ms", sleepMs))));
                leaves.add(InclusionProof.leafData(cas, digest));
            }
            return Hex.of(MerkleTree.build(HashAlg.SHA3_256, leaves).root());
        }
    }

    static SleepPlan submitSleepPlan(String name, int shards, int sleepMs, int concurrency) throws Exception {
        String salt = java.util.UUID.randomUUID().toString();
        String plan = "{\"name\":\"" + name + "\",\"constraints\":{\"max_concurrency\":" + concurrency + "},\"stages\":["
                + "{\"id\":\"s\",\"kind\":\"test.sleep\",\"config\":{\"count\":" + shards + ",\"sleep_ms\":" + sleepMs
                + ",\"salt\":\"" + salt + "\"}}]}";
        HttpResponse<String> accepted = Suite.post("/api/hxo/create-and-submit", "Bearer " + Suite.ADMIRAL, plan);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        return new SleepPlan(Json.tree(accepted.body().getBytes()).get("plan_id").asText(), salt, shards, sleepMs);
    }
}
