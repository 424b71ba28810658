package io.hxo.planner.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.planner.plan.ValidatedPlan;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import javax.sql.DataSource;

/**
 * Results in schema {@code hxo}: the content-addressed store of pure shards' results (any plan may
 * reuse one while its artifacts exist), and effects' outcomes, which belong to their plan.
 */
@ApplicationScoped
public class ResultStore {
    private final Sql sql;

    public ResultStore(DataSource ds) {
        this.sql = new Sql(ds);
    }

    /**
     * One result to keep, with the artifacts it refers to: in the CAS store for any plan to reuse, or,
     * for an {@code effect}, as the outcome of its own plan only.
     */
    public record ResultRow(byte[] casId, byte[] digest, String output, String kind, String executor,
            String executorVersion, String[] artifacts, boolean effect) {
    }

    /** A stored result as the cache sees it. */
    public record StoredResult(byte[] digest, String[] artifacts) {
    }

    /** One file a {@code deploy.pack} shard stored: its path in the deployment, size and artifact digest. */
    public record PackedEntry(String path, long size, String digest) {
    }

    /** Stored results for the given CAS ids, by hex id (the ones absent have never run). */
    public Map<String, StoredResult> storedResults(List<byte[]> casIds) {
        Map<String, StoredResult> found = new HashMap<>();
        if (casIds.isEmpty()) {
            return found;
        }
        // A join on the unnested ids, not "cas_id = ANY(?)": once the driver switches to a server-side
        // generic plan, ANY over thousands of ids can turn into a sequential scan comparing every row
        // with every id (seconds per batch at 100k rows); the join keeps to the primary key.
        sql.each("""
                SELECT r.cas_id, r.output_digest, r.artifacts
                FROM unnest(?::bytea[]) AS k(id) JOIN hxo.results r ON r.cas_id = k.id""",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("bytea", casIds.toArray(new byte[0][]))),
                rs -> found.put(io.hxo.contracts.hash.Hex.of(rs.getBytes(1)),
                        new StoredResult(rs.getBytes(2), (String[]) rs.getArray(3).getArray())));
        return found;
    }

    /**
     * The manifest of a plan's {@code deploy.pack} results (given its leaves' CAS ids), in path order:
     * every file its checkpointed shards packed (a path packed twice, as after a split, once).
     */
    public List<PackedEntry> packedFiles(List<byte[]> casIds) {
        java.util.TreeMap<String, PackedEntry> byPath = new java.util.TreeMap<>();
        if (casIds.isEmpty()) {
            return List.of();
        }
        sql.each("""
                SELECT r.output FROM unnest(?::bytea[]) AS k(id) JOIN hxo.results r ON r.cas_id = k.id
                WHERE r.kind = 'deploy.pack'""",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("bytea", casIds.toArray(new byte[0][]))),
                rs -> {
                    String output = rs.getString(1);
                    if (output == null) {
                        return;
                    }
                    for (JsonNode e : Json.tree(output.getBytes(java.nio.charset.StandardCharsets.UTF_8)).path("manifest")) {
                        String path = e.path("path").asText(null);
                        String digest = e.path("digest").asText(null);
                        if (path != null && digest != null) {
                            byPath.put(path, new PackedEntry(path, e.path("size").asLong(), digest));
                        }
                    }
                });
        return new ArrayList<>(byPath.values());
    }

    static void insertResults(Connection c, List<ResultRow> rows) throws SQLException {
        int n = rows.size();
        byte[][] ids = new byte[n][];
        byte[][] digests = new byte[n][];
        String[] outputs = new String[n];
        String[] kinds = new String[n];
        String[] executors = new String[n];
        String[] versions = new String[n];
        String[] artifacts = new String[n];
        for (int i = 0; i < n; i++) {
            ResultRow r = rows.get(i);
            ids[i] = r.casId();
            digests[i] = r.digest();
            outputs[i] = r.output();
            kinds[i] = r.kind();
            executors[i] = r.executor();
            versions[i] = r.executorVersion();
            // One text per row (arrays of arrays must be rectangular in SQL): a JSON array, cast below.
            artifacts[i] = Json.text(r.artifacts() == null ? new String[0] : r.artifacts());
        }
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO hxo.results (cas_id, output_digest, output, kind, executor, executor_version, artifacts)
                SELECT c, d, o::jsonb, k, e, v, ARRAY(SELECT jsonb_array_elements_text(a::jsonb))
                FROM unnest(?::bytea[], ?::bytea[], ?::text[], ?::text[], ?::text[], ?::text[], ?::text[])
                       AS t(c, d, o, k, e, v, a)
                ON CONFLICT (cas_id) DO UPDATE SET output_digest = EXCLUDED.output_digest, output = EXCLUDED.output,
                    artifacts = EXCLUDED.artifacts, created_at = now()""")) {
            ps.setArray(1, c.createArrayOf("bytea", ids));
            ps.setArray(2, c.createArrayOf("bytea", digests));
            ps.setArray(3, c.createArrayOf("text", outputs));
            ps.setArray(4, c.createArrayOf("text", kinds));
            ps.setArray(5, c.createArrayOf("text", executors));
            ps.setArray(6, c.createArrayOf("text", versions));
            ps.setArray(7, c.createArrayOf("text", artifacts));
            ps.executeUpdate();
        }
    }

    /** The outcomes of effects, each under its own plan. */
    static void insertEffects(Connection c, Map<UUID, List<ResultRow>> byPlan) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO hxo.effect_results (plan_id, cas_id, output_digest, output, kind, executor, executor_version)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)
                ON CONFLICT (plan_id, cas_id) DO UPDATE SET output_digest = EXCLUDED.output_digest,
                    output = EXCLUDED.output, created_at = now()""")) {
            int n = 0;
            for (Map.Entry<UUID, List<ResultRow>> plan : byPlan.entrySet()) {
                for (ResultRow r : plan.getValue()) {
                    if (!r.effect()) {
                        continue;
                    }
                    ps.setObject(1, plan.getKey());
                    ps.setBytes(2, r.casId());
                    ps.setBytes(3, r.digest());
                    ps.setString(4, r.output());
                    ps.setString(5, r.kind());
                    ps.setString(6, r.executor());
                    ps.setString(7, r.executorVersion());
                    ps.addBatch();
                    n++;
                }
            }
            if (n > 0) {
                ps.executeBatch();
            }
        }
    }

    /**
     * Claims an effect's attempt for a worker: true when this worker may act, false when another
     * worker claimed it less than {@code staleAfterMs} ago (it may still be acting).
     */
    public boolean claimEffect(UUID planId, byte[] casId, int attempt, String worker, long staleAfterMs) {
        return sql.query("""
                INSERT INTO hxo.effect_claims (plan_id, cas_id, attempt, worker) VALUES (?, ?, ?, ?)
                ON CONFLICT (plan_id, cas_id, attempt) DO UPDATE SET worker = EXCLUDED.worker, claimed_at = now()
                WHERE effect_claims.claimed_at < now() - make_interval(secs => ?::double precision / 1000)
                RETURNING 1""", ps -> {
            ps.setObject(1, planId);
            ps.setBytes(2, casId);
            ps.setInt(3, attempt);
            ps.setString(4, worker);
            ps.setLong(5, staleAfterMs);
        }, rs -> true).isPresent();
    }

    /** Records an effect's outcome as soon as it happened, so a second copy of its task is answered, not acted. */
    public void effectDone(UUID planId, ResultRow r) {
        sql.update("""
                INSERT INTO hxo.effect_results (plan_id, cas_id, output_digest, output, kind, executor, executor_version)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?) ON CONFLICT (plan_id, cas_id) DO NOTHING""", ps -> {
            ps.setObject(1, planId);
            ps.setBytes(2, r.casId());
            ps.setBytes(3, r.digest());
            ps.setString(4, r.output());
            ps.setString(5, r.kind());
            ps.setString(6, r.executor());
            ps.setString(7, r.executorVersion());
        });
    }

    /** The outcomes a plan's effects recorded, for the given CAS ids, by hex id. */
    public Map<String, StoredResult> storedEffects(UUID planId, List<byte[]> casIds) {
        Map<String, StoredResult> found = new HashMap<>();
        if (casIds.isEmpty()) {
            return found;
        }
        sql.each("""
                SELECT e.cas_id, e.output_digest FROM unnest(?::bytea[]) AS k(id)
                JOIN hxo.effect_results e ON e.plan_id = ? AND e.cas_id = k.id""",
                ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("bytea", casIds.toArray(new byte[0][])));
                    ps.setObject(2, planId);
                },
                rs -> found.put(io.hxo.contracts.hash.Hex.of(rs.getBytes(1)), new StoredResult(rs.getBytes(2), new String[0])));
        return found;
    }
}
