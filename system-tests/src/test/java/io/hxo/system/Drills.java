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
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the operational drills share: a {@code test.sleep} or {@code test.noop} plan, the root its
 * inputs determine, and the checks that a plan which lived through a fault lost and repeated nothing.
 */
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

    /** A {@code test.noop} plan in the default configuration (no constraints), as a user submits one. */
    record NoopPlan(String planId, String salt, int shards) {
        /** Each shard's CAS id and output digest, from its inputs alone (SPEC section 3): {index, salt} in, the same out. */
        Leaves leaves(HashAlg alg) {
            byte[][] cas = new byte[shards][];
            byte[][] digests = new byte[shards][];
            for (int i = 0; i < shards; i++) {
                JsonNode io = Json.tree(Map.of("index", i, "salt", salt));
                cas[i] = ShardId.compute(alg, "test.noop", "noop", "1", io, List.of());
                digests[i] = alg.hash(Jcs.canonicalize(io));
            }
            return new Leaves(alg, cas, digests);
        }
    }

    /** The leaves a plan's inputs determine, by shard index. */
    record Leaves(HashAlg alg, byte[][] cas, byte[][] digests) {
        String root() {
            List<byte[]> data = new ArrayList<>(cas.length);
            for (int i = 0; i < cas.length; i++) {
                data.add(InclusionProof.leafData(cas[i], digests[i]));
            }
            return Hex.of(MerkleTree.build(alg, data).root());
        }
    }

    static NoopPlan submitNoopPlan(String name, int shards) {
        String salt = java.util.UUID.randomUUID().toString();
        String plan = "{\"name\":\"" + name + "\",\"stages\":[{\"id\":\"n\",\"kind\":\"test.noop\",\"config\":{\"count\":"
                + shards + ",\"salt\":\"" + salt + "\"}}]}";
        // A large plan's submit computes every shard's CAS id before it answers: more patience on a busy machine.
        return new NoopPlan(submit(plan, salt, Duration.ofSeconds(180)), salt, shards);
    }

    /**
     * Waits until at least {@code fraction} of the plan's shards are checkpointed; returns how many were.
     * Read from the planner's table, not through the gateway: on a busy machine a status request can
     * wait longer than the gateway does, and the drill must still land its fault in time.
     */
    static long awaitDone(String planId, long shards, double fraction, Duration within) {
        long[] done = new long[1];
        org.awaitility.Awaitility.await().atMost(within).pollInterval(Duration.ofMillis(50))
                .until(() -> (done[0] = checkpointed(planId)) >= (long) (shards * fraction));
        return done[0];
    }

    /** The plan's shards done as its last checkpoint recorded them. */
    static long checkpointed(String planId) throws Exception {
        return Suite.count("SELECT done_shards FROM hxo.plans WHERE plan_id = '" + planId + "'");
    }

    /** Waits for the plan's consensus decision (or another end) and returns its status. */
    static JsonNode awaitDecided(String planId, Duration within) {
        JsonNode[] last = new JsonNode[1];
        // A status request that times out on a busy machine is asked again.
        org.awaitility.Awaitility.await().atMost(within).ignoreExceptionsInstanceOf(java.io.IOException.class)
                .pollInterval(Duration.ofMillis(250)).until(() -> {
            last[0] = Suite.planStatus(planId);
            return List.of("certified", "certification_failed", "halted", "aborted", "timed_out")
                    .contains(last[0].path("status").asText());
        });
        return last[0];
    }

    /**
     * What a drill's plan must show after its fault (issue 25, item 5): certified; every shard done
     * exactly once in the checkpoint table, with the CAS id and output digest its inputs determine;
     * each of its leaves stored once by the event store; the root equal to the one computed from the
     * inputs, never from what the suite reports.
     */
    static void assertDoneExactlyOnce(NoopPlan plan, JsonNode status) throws Exception {
        assertThat(status.path("status").asText()).as(status.toString()).isEqualTo("certified");
        assertThat(status.path("shards").path("done").asLong()).isEqualTo(plan.shards());
        assertThat(status.path("shards").path("failed").asLong()).isZero();
        Leaves expected = plan.leaves(HashAlg.fromWire(status.path("hash_alg").asText()));
        assertThat(status.path("merkle_root").asText()).as("the root of the inputs").isEqualTo(expected.root());

        int[] checkpointed = new int[plan.shards()];
        List<String> wrong = new ArrayList<>();
        try (Connection c = Suite.db(); PreparedStatement ps = c.prepareStatement(
                "SELECT leaves FROM hxo.checkpoints WHERE plan_id = ?::uuid ORDER BY seq")) {
            ps.setString(1, plan.planId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    readCheckpointRow(rs.getBytes(1), (index, cas, digest) -> {
                        assertThat(index).as("a checkpointed shard index").isBetween(0, plan.shards() - 1);
                        checkpointed[index]++;
                        if (wrong.size() < 10 && (!Arrays.equals(cas, expected.cas()[index])
                                || !Arrays.equals(digest, expected.digests()[index]))) {
                            wrong.add("shard " + index);
                        }
                    });
                }
            }
        }
        assertThat(notOnce(checkpointed)).as("shards not checkpointed exactly once (index=times)").isEmpty();
        assertThat(wrong).as("checkpointed leaves that differ from the inputs' (first 10)").isEmpty();

        // The store has every leaf once the plan is certified (genesis-bus voted over them); a copy
        // stored again would be counted here.
        int[] stored = new int[plan.shards()];
        try (Connection c = Suite.db(); PreparedStatement ps = c.prepareStatement("""
                SELECT (l->>'index')::int FROM genesis.events e, jsonb_array_elements(e.data->'leaves') l
                WHERE e.subject = ? AND e.topic = 'hxo.shard.done'""")) {
            ps.setString(1, plan.planId());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    stored[rs.getInt(1)]++;
                }
            }
        }
        assertThat(notOnce(stored)).as("hxo.shard.done leaves not stored exactly once by the event store (index=times)")
                .isEmpty();
    }

    /** Indexes counted other than once (the first 20), index to count. */
    private static Map<Integer, Integer> notOnce(int[] counts) {
        Map<Integer, Integer> out = new TreeMap<>();
        for (int i = 0; i < counts.length && out.size() < 20; i++) {
            if (counts[i] != 1) {
                out.put(i, counts[i]);
            }
        }
        return out;
    }

    interface LeafSink {
        void accept(int index, byte[] cas, byte[] digest);
    }

    /**
     * A row of {@code hxo.checkpoints.leaves} as the planner packs it: per leaf its index (int32), CAS id
     * (32 bytes), output digest (32 bytes) and flags (bit 1: the shard's duration int32 and attempts byte follow).
     */
    static void readCheckpointRow(byte[] packed, LeafSink sink) {
        ByteBuffer b = ByteBuffer.wrap(packed);
        while (b.remaining() >= 4 + 32 + 32 + 1) {
            int index = b.getInt();
            byte[] cas = new byte[32];
            byte[] digest = new byte[32];
            b.get(cas);
            b.get(digest);
            if ((b.get() & 2) != 0) {
                b.position(b.position() + 5);
            }
            sink.accept(index, cas, digest);
        }
        assertThat(b.remaining()).as("bytes left over in a checkpoint row").isZero();
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
        return submit(plan, key, Duration.ofSeconds(60));
    }

    static String submit(String plan, String key, Duration within) {
        String keyed = plan.replaceFirst("^\\{", "{\"idempotency_key\":\"" + key + "\",");
        String[] id = new String[1];
        org.awaitility.Awaitility.await().atMost(within).ignoreExceptionsInstanceOf(java.io.IOException.class)
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
