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
        String plan = "{\"name\":\"" + name + "\",\"constraints\":{\"max_concurrency\":" + concurrency + ",\"dispatch_window\":" + concurrency + "},\"stages\":["
                + "{\"id\":\"s\",\"kind\":\"test.sleep\",\"config\":{\"count\":" + shards + ",\"sleep_ms\":" + sleepMs
                + ",\"salt\":\"" + salt + "\"}}]}";
        return new SleepPlan(submit(plan, salt), salt, shards, sleepMs);
    }

    /**
     * Submits a plan (with {@code key} as its idempotency key) and returns its id. A suite that just
     * started may not answer the first submit in time (504); the same plan is sent again, and the
     * key makes sure it is created once.
     */
    static String submit(String plan, String key) {
        String keyed = plan.replaceFirst("^\\{", "{\"idempotency_key\":\"" + key + "\",");
        String[] id = new String[1];
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(60))
                .pollInterval(java.time.Duration.ofMillis(500)).until(() -> {
                    HttpResponse<String> r = Suite.post("/api/hxo/create-and-submit", "Bearer " + Suite.ADMIRAL, keyed);
                    if (r.statusCode() == 504 || r.statusCode() == 503) {
                        return false;
                    }
                    assertThat(r.statusCode()).as(r.body()).isIn(200, 202);
                    id[0] = Json.tree(r.body().getBytes()).get("plan_id").asText();
                    return true;
                });
        return id[0];
    }
}
