package io.hxo.planner.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.plan.ValidatedPlan;
import jakarta.enterprise.context.ApplicationScoped;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
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
import java.util.zip.GZIPOutputStream;
import javax.sql.DataSource;

/**
 * The planner's durable state in schema {@code hxo}. Every state change is committed here before
 * the planner acknowledges the message that caused it.
 */
@ApplicationScoped
public class PlanStore {
    private final DataSource ds;

    public PlanStore(DataSource ds) {
        this.ds = ds;
    }

    /** A plan row as stored. */
    public record StoredPlan(UUID planId, String name, JsonNode spec, String status, String hashAlg, int partition,
            long totalShards, long done, long cached, long failed, long split, String merkleRoot, String error,
            Instant createdAt, Instant startedAt, Instant finishedAt, JsonNode certificate) {
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

    /** A shard that failed for good. */
    public record Failure(int slot, String stageId, byte[] casId, int attempts, String error) {
    }

    /** An autosplit: children that replace a parent shard. */
    public record Split(int seq, int parentSlot, int firstChild, int childCount, String reason, List<JsonNode> inputs) {
    }

    /** What one plan contributes to a checkpoint. */
    public record PlanCheckpoint(UUID planId, int seq, LeafBatch leaves, List<ResultRow> results, int done,
            int cached, List<Failure> failures, List<Split> splits) {
    }

    /**
     * A finished stage's shard durations, and the work (items, bytes) its run shards did, folded into
     * its kind's history when the plan completes.
     */
    public record KindStat(String kind, String executor, long shards, double meanMs, double p95Ms, long items,
            long bytes) {
    }

    /** A kind's history: shards, their mean and p95 durations, and the work of those that counted it. */
    public record KindHistory(long shards, double meanMs, double p95Ms, long items, long bytes, long sizedShards) {
        /** Milliseconds one item cost, when the history counted items. */
        public java.util.OptionalDouble msPerItem() {
            return items > 0 && sizedShards > 0 ? java.util.OptionalDouble.of(meanMs * sizedShards / items)
                    : java.util.OptionalDouble.empty();
        }

        /** Milliseconds one byte cost, when the history counted bytes. */
        public java.util.OptionalDouble msPerByte() {
            return bytes > 0 && sizedShards > 0 ? java.util.OptionalDouble.of(meanMs * sizedShards / bytes)
                    : java.util.OptionalDouble.empty();
        }
    }

    /** A plan completing with its root: its stages' roots, its kinds' durations, and its end. */
    public record Completion(UUID planId, Map<String, String> stageRoots, List<KindStat> kindStats, String merkleRoot,
            Instant at) {
    }

    /** A row of the plan list. */
    public record PlanSummary(UUID planId, String name, String status, long totalShards, long done, long failed,
            String merkleRoot, Instant createdAt, Instant finishedAt) {
    }

    /**
     * Stores a new plan with its stages: {@code accepted}, or already {@code running} since
     * {@code startedAt} when it is submitted to start. Starting in the same transaction leaves no
     * moment where a plan the caller was told is running sits in the store as merely accepted (a crash
     * there would leave it waiting for a start nobody sends; a running plan is resumed).
     */
    public void insertPlan(UUID planId, ValidatedPlan plan, String hashAlg, int partition, String requestedBy,
            Instant startedAt) {
        inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO hxo.plans (plan_id, name, spec, status, hash_alg, owner_partition, idempotency_key,
                                           total_shards, requested_by, started_at)
                    VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setObject(1, planId);
                ps.setString(2, plan.name());
                ps.setString(3, Json.text(plan.normalized()));
                ps.setString(4, startedAt == null ? "accepted" : "running");
                ps.setString(5, hashAlg);
                ps.setInt(6, partition);
                ps.setString(7, plan.idempotencyKey());
                ps.setLong(8, plan.totalShards());
                ps.setString(9, requestedBy);
                ps.setTimestamp(10, startedAt == null ? null : Timestamp.from(startedAt));
                ps.executeUpdate();
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO hxo.stages (plan_id, stage_id, position, kind, partitioner, executor, executor_version,
                                            first_leaf, shard_count, inputs)
                    VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)""")) {
                int pos = 0;
                for (ValidatedPlan.Stage s : plan.stages()) {
                    ps.setObject(1, planId);
                    ps.setString(2, s.id());
                    ps.setInt(3, pos++);
                    ps.setString(4, s.kind());
                    ps.setString(5, s.partitioner());
                    ps.setString(6, s.executor());
                    ps.setString(7, s.executorVersion());
                    ps.setInt(8, s.firstLeaf());
                    ps.setInt(9, s.shards().size());
                    ps.setBytes(10, s.shards().derivedFromConfig() ? null : gzipInputs(s));
                    ps.addBatch();
                }
                ps.executeBatch();
            }
        });
    }

    public Optional<UUID> planByIdempotencyKey(String key) {
        return query("SELECT plan_id FROM hxo.plans WHERE idempotency_key = ?", ps -> ps.setString(1, key),
                rs -> rs.getObject(1, UUID.class));
    }

    public boolean exists(UUID planId) {
        return query("SELECT 1 FROM hxo.plans WHERE plan_id = ?", ps -> ps.setObject(1, planId), rs -> true)
                .isPresent();
    }

    public Optional<StoredPlan> plan(UUID planId) {
        return query("SELECT * FROM hxo.plans WHERE plan_id = ?", ps -> ps.setObject(1, planId), PlanStore::row);
    }

    /** Stage roots stored so far, by stage id. */
    public Map<String, String> stageRoots(UUID planId) {
        Map<String, String> roots = new HashMap<>();
        each("SELECT stage_id, root FROM hxo.stages WHERE plan_id = ? AND root IS NOT NULL",
                ps -> ps.setObject(1, planId), rs -> roots.put(rs.getString(1), rs.getString(2)));
        return roots;
    }

    public List<UUID> unfinishedPlans(Collection<Integer> partitions) {
        List<UUID> ids = new ArrayList<>();
        if (partitions.isEmpty()) {
            return ids;
        }
        each("""
                SELECT plan_id FROM hxo.plans
                WHERE status IN ('accepted', 'running') AND owner_partition = ANY(?) ORDER BY created_at""",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("int4", partitions.toArray())),
                rs -> ids.add(rs.getObject(1, UUID.class)));
        return ids;
    }

    /** A completed plan still waiting for its consensus decision. */
    public record Undecided(UUID planId, long totalShards, String merkleRoot, Instant finishedAt) {
    }

    /** The completed, undecided plans of these partitions that finished after {@code finishedAfter}, newest first. */
    public List<Undecided> undecidedPlans(Collection<Integer> partitions, Instant finishedAfter) {
        List<Undecided> plans = new ArrayList<>();
        if (partitions.isEmpty()) {
            return plans;
        }
        each("""
                SELECT plan_id, total_shards, merkle_root, finished_at FROM hxo.plans
                WHERE status = 'completed' AND owner_partition = ANY(?) AND finished_at > ? ORDER BY finished_at DESC""",
                ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("int4", partitions.toArray()));
                    ps.setTimestamp(2, Timestamp.from(finishedAfter));
                },
                rs -> plans.add(new Undecided(rs.getObject(1, UUID.class), rs.getLong(2), rs.getString(3),
                        rs.getTimestamp(4).toInstant())));
        return plans;
    }

    public void markRunning(UUID planId, Instant at) {
        update("UPDATE hxo.plans SET status = 'running', started_at = COALESCE(started_at, ?) WHERE plan_id = ?",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setObject(2, planId);
                });
    }

    /** Ends a plan without a root (halted, aborted, timed out); a completion goes through {@link #checkpoint}. */
    public void finish(UUID planId, String status, String error, Instant at) {
        update("UPDATE hxo.plans SET status = ?, error = ?, finished_at = ? WHERE plan_id = ?", ps -> {
            ps.setString(1, status);
            ps.setString(2, error);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setObject(4, planId);
        });
    }

    /** What a decided plan announces: the columns its {@code hxo.plan} event carries, and its spec (is it a deployment?). */
    public record Decided(String name, long totalShards, String merkleRoot, String hashAlg, JsonNode spec) {
        private static final String COLUMNS = "name, total_shards, merkle_root, hash_alg, spec";

        private static Decided of(ResultSet rs) throws SQLException {
            return new Decided(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                    Json.tree(rs.getString(5).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
    }

    /**
     * Records the consensus decision on a completed plan; empty when the plan is unknown or was
     * already decided. Returns what the announcement needs, so no second read follows.
     */
    public Optional<Decided> certify(UUID planId, String status, JsonNode certificate) {
        return query("UPDATE hxo.plans SET status = ?, certificate = ?::jsonb WHERE plan_id = ? AND status = 'completed'"
                + " RETURNING " + Decided.COLUMNS, ps -> {
            ps.setString(1, status);
            ps.setString(2, Json.text(certificate));
            ps.setObject(3, planId);
        }, Decided::of);
    }

    /** A plan already decided with exactly this outcome and certificate (a redelivered decision). */
    public Optional<Decided> decided(UUID planId, String status, JsonNode certificate) {
        return query("SELECT " + Decided.COLUMNS + " FROM hxo.plans WHERE plan_id = ? AND status = ? AND certificate = ?::jsonb",
                ps -> {
                    ps.setObject(1, planId);
                    ps.setString(2, status);
                    ps.setString(3, Json.text(certificate));
                }, Decided::of);
    }

    /** Reads every checkpointed leaf of a plan, and returns the next checkpoint sequence number. */
    public int readLeaves(UUID planId, Consumer<LeafBatch.Leaf> sink) {
        int[] next = {0};
        each("SELECT seq, leaves FROM hxo.checkpoints WHERE plan_id = ? ORDER BY seq", ps -> {
            ps.setObject(1, planId);
            // Binary results from the first execution: as text, the driver would get every leaf blob
            // as hex and decode it (a tenth of the planner's CPU while it voted on a 1M plan).
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
        },
                rs -> {
                    next[0] = rs.getInt(1) + 1;
                    LeafBatch.read(rs.getBytes(2), sink);
                });
        return next[0];
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
        each("""
                SELECT r.cas_id, r.output_digest, r.artifacts
                FROM unnest(?::bytea[]) AS k(id) JOIN hxo.results r ON r.cas_id = k.id""",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("bytea", casIds.toArray(new byte[0][]))),
                rs -> found.put(io.hxo.contracts.hash.Hex.of(rs.getBytes(1)),
                        new StoredResult(rs.getBytes(2), (String[]) rs.getArray(3).getArray())));
        return found;
    }

    /** One file a {@code deploy.pack} shard stored: its path in the deployment, size and artifact digest. */
    public record PackedEntry(String path, long size, String digest) {
    }

    /**
     * The manifest of a plan's {@code deploy.pack} results, in path order: every file its checkpointed
     * shards packed (a path packed twice, as after a split, once).
     */
    public List<PackedEntry> packedFiles(UUID planId) {
        List<byte[]> casIds = new ArrayList<>();
        readLeaves(planId, leaf -> casIds.add(leaf.casId()));
        java.util.TreeMap<String, PackedEntry> byPath = new java.util.TreeMap<>();
        if (casIds.isEmpty()) {
            return List.of();
        }
        each("""
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

    /**
     * One transaction for everything a batch of results changed: new CAS results, one checkpoint
     * row per plan, the plans' counters, and the plans the batch completed (their stage roots, kind
     * statistics and end).
     * A completion commits with the results that finished its plan, so a stop leaves the plan either
     * running with its results unsaved or completed with everything, and its kind statistics are
     * counted once whatever is retried.
     */
    public void checkpoint(List<PlanCheckpoint> batch, List<Completion> completions) {
        if (batch.isEmpty() && completions.isEmpty()) {
            return;
        }
        inTransaction(c -> {
            checkpoint(c, batch);
            complete(c, completions);
        });
    }

    private static void checkpoint(Connection c, List<PlanCheckpoint> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        // Two plans (or two shards) doing equal work in one batch share a CAS id: one row each id.
        Map<String, ResultRow> results = new java.util.LinkedHashMap<>();
        batch.forEach(b -> b.results().stream().filter(r -> !r.effect())
                .forEach(r -> results.put(io.hxo.contracts.hash.Hex.of(r.casId()), r)));
        if (!results.isEmpty()) {
            insertResults(c, new ArrayList<>(results.values()));
        }
        insertEffects(c, batch);
        try (PreparedStatement cp = c.prepareStatement(
                "INSERT INTO hxo.checkpoints (plan_id, seq, leaf_count, leaves) VALUES (?, ?, ?, ?)");
                PreparedStatement counts = c.prepareStatement("""
                        UPDATE hxo.plans SET done_shards = done_shards + ?, cached_shards = cached_shards + ?,
                                             failed_shards = failed_shards + ?, split_shards = split_shards + ?,
                                             total_shards = total_shards + ?
                        WHERE plan_id = ?""");
                PreparedStatement fails = c.prepareStatement("""
                        INSERT INTO hxo.failures (plan_id, slot, stage_id, cas_id, attempts, error)
                        VALUES (?, ?, ?, ?, ?, ?)
                        ON CONFLICT (plan_id, slot) DO UPDATE SET attempts = EXCLUDED.attempts,
                            error = EXCLUDED.error, failed_at = now()""");
                PreparedStatement splits = c.prepareStatement("""
                        INSERT INTO hxo.splits (plan_id, seq, parent_slot, first_child, child_count, reason, inputs)
                        VALUES (?, ?, ?, ?, ?, ?, ?)""")) {
            for (PlanCheckpoint b : batch) {
                if (b.leaves().count() > 0) {
                    cp.setObject(1, b.planId());
                    cp.setInt(2, b.seq());
                    cp.setInt(3, b.leaves().count());
                    cp.setBytes(4, b.leaves().bytes());
                    cp.addBatch();
                }
                int added = 0;
                for (Split sp : b.splits()) {
                    added += sp.childCount() - 1;
                    splits.setObject(1, b.planId());
                    splits.setInt(2, sp.seq());
                    splits.setInt(3, sp.parentSlot());
                    splits.setInt(4, sp.firstChild());
                    splits.setInt(5, sp.childCount());
                    splits.setString(6, sp.reason());
                    splits.setBytes(7, gzip(sp.inputs()));
                    splits.addBatch();
                }
                for (Failure f : b.failures()) {
                    fails.setObject(1, b.planId());
                    fails.setInt(2, f.slot());
                    fails.setString(3, f.stageId());
                    fails.setBytes(4, f.casId());
                    fails.setInt(5, f.attempts());
                    fails.setString(6, f.error());
                    fails.addBatch();
                }
                counts.setInt(1, b.done());
                counts.setInt(2, b.cached());
                counts.setInt(3, b.failures().size());
                counts.setInt(4, b.splits().size());
                counts.setInt(5, added);
                counts.setObject(6, b.planId());
                counts.addBatch();
            }
            cp.executeBatch();
            splits.executeBatch();
            fails.executeBatch();
            counts.executeBatch();
        }
    }

    /** A completing plan's stage roots, its kinds' statistics, and its end. */
    private static void complete(Connection c, List<Completion> completions) throws SQLException {
        if (completions.isEmpty()) {
            return;
        }
        try (PreparedStatement roots = c.prepareStatement(
                "UPDATE hxo.stages SET root = ? WHERE plan_id = ? AND stage_id = ?");
                PreparedStatement stats = c.prepareStatement("""
                        INSERT INTO hxo.kind_stats (kind, executor, shards, mean_ms, p95_ms, items, bytes, sized_shards)
                        VALUES (?, ?, ?, ?, ?, ?, ?, ?)
                        ON CONFLICT (kind, executor) DO UPDATE SET
                            mean_ms = (kind_stats.mean_ms * kind_stats.shards + EXCLUDED.mean_ms * EXCLUDED.shards)
                                      / (kind_stats.shards + EXCLUDED.shards),
                            p95_ms = GREATEST(EXCLUDED.p95_ms, kind_stats.p95_ms * 0.8),
                            shards = kind_stats.shards + EXCLUDED.shards,
                            items = kind_stats.items + EXCLUDED.items,
                            bytes = kind_stats.bytes + EXCLUDED.bytes,
                            sized_shards = kind_stats.sized_shards + EXCLUDED.sized_shards,
                            updated_at = now()""");
                PreparedStatement ends = c.prepareStatement("""
                        UPDATE hxo.plans SET status = 'completed', merkle_root = ?, error = NULL, finished_at = ?
                        WHERE plan_id = ?""")) {
            List<KindStat> kinds = new ArrayList<>();
            for (Completion done : completions) {
                for (Map.Entry<String, String> root : done.stageRoots().entrySet()) {
                    roots.setString(1, root.getValue());
                    roots.setObject(2, done.planId());
                    roots.setString(3, root.getKey());
                    roots.addBatch();
                }
                kinds.addAll(done.kindStats());
                ends.setString(1, done.merkleRoot());
                ends.setTimestamp(2, Timestamp.from(done.at()));
                ends.setObject(3, done.planId());
                ends.addBatch();
            }
            // In key order, so two planners completing plans of the same kinds lock their rows in the
            // same order and cannot deadlock.
            kinds.sort(Comparator.comparing(KindStat::kind).thenComparing(KindStat::executor));
            for (KindStat k : kinds) {
                stats.setString(1, k.kind());
                stats.setString(2, k.executor());
                stats.setLong(3, k.shards());
                stats.setDouble(4, k.meanMs());
                stats.setDouble(5, k.p95Ms());
                stats.setLong(6, k.items());
                stats.setLong(7, k.bytes());
                stats.setLong(8, k.items() > 0 ? k.shards() : 0);
                stats.addBatch();
            }
            roots.executeBatch();
            stats.executeBatch();
            ends.executeBatch();
        }
    }

    private static void insertResults(Connection c, List<ResultRow> rows) throws SQLException {
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
    private static void insertEffects(Connection c, List<PlanCheckpoint> batch) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO hxo.effect_results (plan_id, cas_id, output_digest, output, kind, executor, executor_version)
                VALUES (?, ?, ?, ?::jsonb, ?, ?, ?)
                ON CONFLICT (plan_id, cas_id) DO UPDATE SET output_digest = EXCLUDED.output_digest,
                    output = EXCLUDED.output, created_at = now()""")) {
            int n = 0;
            for (PlanCheckpoint b : batch) {
                for (ResultRow r : b.results()) {
                    if (!r.effect()) {
                        continue;
                    }
                    ps.setObject(1, b.planId());
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
        return query("""
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
        update("""
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
        each("""
                SELECT e.cas_id, e.output_digest FROM unnest(?::bytea[]) AS k(id)
                JOIN hxo.effect_results e ON e.plan_id = ? AND e.cas_id = k.id""",
                ps -> {
                    ps.setArray(1, ps.getConnection().createArrayOf("bytea", casIds.toArray(new byte[0][])));
                    ps.setObject(2, planId);
                },
                rs -> found.put(io.hxo.contracts.hash.Hex.of(rs.getBytes(1)), new StoredResult(rs.getBytes(2), new String[0])));
        return found;
    }

    private static StoredPlan row(ResultSet rs) throws SQLException {
        return new StoredPlan(rs.getObject("plan_id", UUID.class), rs.getString("name"),
                Json.tree(rs.getString("spec").getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                rs.getString("status"), rs.getString("hash_alg"), rs.getInt("owner_partition"),
                rs.getLong("total_shards"), rs.getLong("done_shards"), rs.getLong("cached_shards"),
                rs.getLong("failed_shards"), rs.getLong("split_shards"), rs.getString("merkle_root"),
                rs.getString("error"), instant(rs, "created_at"), instant(rs, "started_at"),
                instant(rs, "finished_at"), rs.getString("certificate") == null ? null
                        : Json.tree(rs.getString("certificate").getBytes(java.nio.charset.StandardCharsets.UTF_8)));
    }

    private static Instant instant(ResultSet rs, String col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static byte[] gzipInputs(ValidatedPlan.Stage s) {
        List<JsonNode> inputs = new ArrayList<>(s.shards().size());
        for (int i = 0; i < s.shards().size(); i++) {
            inputs.add(s.shards().input(i));
        }
        return gzip(inputs);
    }

    private static byte[] gzip(List<JsonNode> inputs) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (GZIPOutputStream gz = new GZIPOutputStream(bytes)) {
            gz.write(Json.bytes(inputs));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return bytes.toByteArray();
    }

    static List<JsonNode> gunzip(byte[] data) {
        try (java.util.zip.GZIPInputStream in = new java.util.zip.GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
            List<JsonNode> out = new ArrayList<>();
            Json.tree(in.readAllBytes()).forEach(out::add);
            return out;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** Stored shard inputs of a stage (for partitioners whose inputs cannot be re-derived), by stage id. */
    public Map<String, List<JsonNode>> storedInputs(UUID planId) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        each("SELECT stage_id, inputs FROM hxo.stages WHERE plan_id = ? AND inputs IS NOT NULL",
                ps -> ps.setObject(1, planId), rs -> out.put(rs.getString(1), gunzip(rs.getBytes(2))));
        return out;
    }

    /** Where a stage's original shards sit among the plan's slots. */
    public record StageLayout(int firstLeaf, int shardCount) {
    }

    /** A plan's hash algorithm and its stages' places among the slots, in stage order. */
    public record Layout(String hashAlg, List<StageLayout> stages) {
    }

    /** The plan's layout in one read (empty for an unknown plan): all a root recomputation needs from the plan. */
    public Optional<Layout> layout(UUID planId) {
        String[] alg = {null};
        List<StageLayout> stages = new ArrayList<>();
        each("""
                SELECT p.hash_alg, s.first_leaf, s.shard_count FROM hxo.plans p
                LEFT JOIN hxo.stages s ON s.plan_id = p.plan_id WHERE p.plan_id = ? ORDER BY s.position""",
                ps -> ps.setObject(1, planId), rs -> {
                    alg[0] = rs.getString(1);
                    if (rs.getObject(2) != null) {
                        stages.add(new StageLayout(rs.getInt(2), rs.getInt(3)));
                    }
                });
        return alg[0] == null ? Optional.empty() : Optional.of(new Layout(alg[0], stages));
    }

    /** A split's place in the slot tree, without its children's inputs. */
    public record SplitShape(int parentSlot, int firstChild, int childCount) {
    }

    public List<SplitShape> splitShapes(UUID planId) {
        List<SplitShape> out = new ArrayList<>();
        each("SELECT parent_slot, first_child, child_count FROM hxo.splits WHERE plan_id = ? ORDER BY seq",
                ps -> ps.setObject(1, planId), rs -> out.add(new SplitShape(rs.getInt(1), rs.getInt(2), rs.getInt(3))));
        return out;
    }

    public List<Split> splits(UUID planId) {
        List<Split> out = new ArrayList<>();
        each("""
                SELECT seq, parent_slot, first_child, child_count, reason, inputs FROM hxo.splits
                WHERE plan_id = ? ORDER BY seq""", ps -> ps.setObject(1, planId),
                rs -> out.add(new Split(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
                        gunzip(rs.getBytes(6)))));
        return out;
    }

    public List<Failure> failures(UUID planId) {
        List<Failure> out = new ArrayList<>();
        each("SELECT slot, stage_id, cas_id, attempts, error FROM hxo.failures WHERE plan_id = ? ORDER BY slot",
                ps -> ps.setObject(1, planId),
                rs -> out.add(new Failure(rs.getInt(1), rs.getString(2), rs.getBytes(3), rs.getInt(4), rs.getString(5))));
        return out;
    }

    /** Replay: the plan runs again; its failures are forgiven (the shards run anew) and counted no more. */
    public void reopen(UUID planId) {
        inTransaction(c -> {
            try (PreparedStatement del = c.prepareStatement("DELETE FROM hxo.failures WHERE plan_id = ?");
                    PreparedStatement upd = c.prepareStatement("""
                            UPDATE hxo.plans SET status = 'running', failed_shards = 0, error = NULL, finished_at = NULL,
                                                 merkle_root = NULL
                            WHERE plan_id = ?""")) {
                del.setObject(1, planId);
                del.executeUpdate();
                upd.setObject(1, planId);
                upd.executeUpdate();
            }
        });
    }

    public List<PlanSummary> list(String status, int limit, Instant before) {
        List<PlanSummary> out = new ArrayList<>();
        each("""
                SELECT plan_id, name, status, total_shards, done_shards, failed_shards, merkle_root, created_at, finished_at
                FROM hxo.plans
                WHERE (?::text IS NULL OR status = ?) AND (?::timestamptz IS NULL OR created_at < ?)
                ORDER BY created_at DESC LIMIT ?""", ps -> {
                    ps.setString(1, status);
                    ps.setString(2, status);
                    Timestamp t = before == null ? null : Timestamp.from(before);
                    ps.setTimestamp(3, t);
                    ps.setTimestamp(4, t);
                    ps.setInt(5, limit);
                }, rs -> out.add(new PlanSummary(rs.getObject(1, UUID.class), rs.getString(2), rs.getString(3),
                        rs.getLong(4), rs.getLong(5), rs.getLong(6), rs.getString(7), instant(rs, "created_at"),
                        instant(rs, "finished_at"))));
        return out;
    }

    /** The kind's history, when there is one. */
    public Optional<KindHistory> kindStats(String kind, String executor) {
        return query("SELECT shards, mean_ms, p95_ms, items, bytes, sized_shards FROM hxo.kind_stats"
                + " WHERE kind = ? AND executor = ?", ps -> {
            ps.setString(1, kind);
            ps.setString(2, executor);
        }, rs -> new KindHistory(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6)));
    }

    // ---- small JDBC helpers

    @FunctionalInterface
    interface SqlConsumer<T> {
        void accept(T t) throws SQLException;
    }

    @FunctionalInterface
    interface SqlFunction<T, R> {
        R apply(T t) throws SQLException;
    }

    private void inTransaction(SqlConsumer<Connection> work) {
        try (Connection c = ds.getConnection()) {
            boolean auto = c.getAutoCommit();
            c.setAutoCommit(false);
            try {
                work.accept(c);
                c.commit();
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            } finally {
                c.setAutoCommit(auto);
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private void update(String sql, SqlConsumer<PreparedStatement> bind) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind.accept(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private <T> Optional<T> query(String sql, SqlConsumer<PreparedStatement> bind, SqlFunction<ResultSet, T> map) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind.accept(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.ofNullable(map.apply(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private void each(String sql, SqlConsumer<PreparedStatement> bind, SqlConsumer<ResultSet> row) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            bind.accept(ps);
            ps.setFetchSize(500);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    row.accept(rs);
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** A database failure; the message that caused it is not acknowledged and will be redelivered. */
    public static class StoreException extends RuntimeException {
        public StoreException(SQLException e) {
            super(e.getMessage(), e);
        }
    }
}
