package io.hxo.planner.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;

/**
 * Results in schema {@code hxo}: the content-addressed store of pure shards' results (any plan may
 * reuse one while its artifacts exist), and effects' outcomes, which belong to their plan. On the
 * reactive client: a batch of CAS ids is one statement over an unnested array, whatever its size.
 */
@ApplicationScoped
public class ResultStore {
    /** A batch of results in one statement: one array per column, unnested into rows. */
    static final String INSERT_RESULTS = """
            INSERT INTO hxo.results (cas_id, output_digest, output, kind, executor, executor_version, artifacts)
            SELECT c, d, o::jsonb, k, e, v, ARRAY(SELECT jsonb_array_elements_text(a::jsonb))
            FROM unnest($1::bytea[], $2::bytea[], $3::text[], $4::text[], $5::text[], $6::text[], $7::text[])
                   AS t(c, d, o, k, e, v, a)
            ON CONFLICT (cas_id) DO UPDATE SET output_digest = EXCLUDED.output_digest, output = EXCLUDED.output,
                artifacts = EXCLUDED.artifacts, created_at = now()""";
    /** An effect's outcome, each under its own plan; a checkpoint records the latest. */
    static final String UPSERT_EFFECTS = """
            INSERT INTO hxo.effect_results (plan_id, cas_id, output_digest, output, kind, executor, executor_version)
            VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7)
            ON CONFLICT (plan_id, cas_id) DO UPDATE SET output_digest = EXCLUDED.output_digest,
                output = EXCLUDED.output, created_at = now()""";

    private final Sql sql;

    public ResultStore(Pool pool) {
        this.sql = new Sql(pool);
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
        // A join on the unnested ids, not "cas_id = ANY($1)": under a generic plan, ANY over thousands
        // of ids can turn into a sequential scan comparing every row with every id (seconds per batch
        // at 100k rows); the join keeps to the primary key.
        sql.rows("""
                SELECT r.cas_id, r.output_digest, r.artifacts
                FROM unnest($1::bytea[]) AS k(id) JOIN hxo.results r ON r.cas_id = k.id""",
                Tuple.of((Object) Sql.bytes(casIds))).forEach(r -> {
                    String[] artifacts = r.getArrayOfStrings(2);
                    found.put(Hex.of(r.getBuffer(0).getBytes()), new StoredResult(r.getBuffer(1).getBytes(),
                            artifacts == null ? new String[0] : artifacts));
                });
        return found;
    }

    /**
     * The manifest of a plan's {@code deploy.pack} results (given its leaves' CAS ids), in path order:
     * every file its checkpointed shards packed (a path packed twice, as after a split, once).
     */
    public List<PackedEntry> packedFiles(List<byte[]> casIds) {
        TreeMap<String, PackedEntry> byPath = new TreeMap<>();
        if (casIds.isEmpty()) {
            return List.of();
        }
        sql.rows("""
                SELECT r.output::text FROM unnest($1::bytea[]) AS k(id) JOIN hxo.results r ON r.cas_id = k.id
                WHERE r.kind = 'deploy.pack'""", Tuple.of((Object) Sql.bytes(casIds))).forEach(r -> {
                    String output = r.getString(0);
                    if (output == null) {
                        return;
                    }
                    for (JsonNode e : Json.tree(output.getBytes(StandardCharsets.UTF_8)).path("manifest")) {
                        String path = e.path("path").asText(null);
                        String digest = e.path("digest").asText(null);
                        if (path != null && digest != null) {
                            byPath.put(path, new PackedEntry(path, e.path("size").asLong(), digest));
                        }
                    }
                });
        return new ArrayList<>(byPath.values());
    }

    /** The parameters of {@link #INSERT_RESULTS} for these rows. */
    static Tuple resultsTuple(List<ResultRow> rows) {
        int n = rows.size();
        List<byte[]> ids = new ArrayList<>(n);
        List<byte[]> digests = new ArrayList<>(n);
        String[] outputs = new String[n];
        String[] kinds = new String[n];
        String[] executors = new String[n];
        String[] versions = new String[n];
        String[] artifacts = new String[n];
        for (int i = 0; i < n; i++) {
            ResultRow r = rows.get(i);
            ids.add(r.casId());
            digests.add(r.digest());
            outputs[i] = r.output();
            kinds[i] = r.kind();
            executors[i] = r.executor();
            versions[i] = r.executorVersion();
            // One text per row (arrays of arrays must be rectangular in SQL): a JSON array, cast in SQL.
            artifacts[i] = Json.text(r.artifacts() == null ? new String[0] : r.artifacts());
        }
        return Sql.row(Sql.bytes(ids), Sql.bytes(digests), outputs, kinds, executors, versions, artifacts);
    }

    /** The parameters of {@link #UPSERT_EFFECTS} for one outcome. */
    static Tuple effectTuple(UUID planId, ResultRow r) {
        return Sql.row(planId, Sql.bytes(r.casId()), Sql.bytes(r.digest()), r.output(), r.kind(), r.executor(),
                r.executorVersion());
    }

    /**
     * Claims an effect's attempt for a worker: true when this worker may act, false when another
     * worker claimed it less than {@code staleAfterMs} ago (it may still be acting).
     */
    public boolean claimEffect(UUID planId, byte[] casId, int attempt, String worker, long staleAfterMs) {
        return sql.first("""
                INSERT INTO hxo.effect_claims (plan_id, cas_id, attempt, worker) VALUES ($1, $2, $3, $4)
                ON CONFLICT (plan_id, cas_id, attempt) DO UPDATE SET worker = EXCLUDED.worker, claimed_at = now()
                WHERE effect_claims.claimed_at < now() - make_interval(secs => $5::double precision / 1000)
                RETURNING 1""", Sql.row(planId, Sql.bytes(casId), attempt, worker, (double) staleAfterMs),
                r -> true).isPresent();
    }

    /** Records an effect's outcome as soon as it happened, so a second copy of its task is answered, not acted. */
    public void effectDone(UUID planId, ResultRow r) {
        sql.update("""
                INSERT INTO hxo.effect_results (plan_id, cas_id, output_digest, output, kind, executor, executor_version)
                VALUES ($1, $2, $3, $4::jsonb, $5, $6, $7) ON CONFLICT (plan_id, cas_id) DO NOTHING""",
                effectTuple(planId, r));
    }

    /** The outcomes a plan's effects recorded, for the given CAS ids, by hex id. */
    public Map<String, StoredResult> storedEffects(UUID planId, List<byte[]> casIds) {
        Map<String, StoredResult> found = new HashMap<>();
        if (casIds.isEmpty()) {
            return found;
        }
        sql.rows("""
                SELECT e.cas_id, e.output_digest FROM unnest($1::bytea[]) AS k(id)
                JOIN hxo.effect_results e ON e.plan_id = $2 AND e.cas_id = k.id""",
                Tuple.of(Sql.bytes(casIds), planId)).forEach(r -> found.put(Hex.of(r.getBuffer(0).getBytes()),
                        new StoredResult(r.getBuffer(1).getBytes(), new String[0])));
        return found;
    }
}
