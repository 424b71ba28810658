package io.hxo.planner.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.PlanState;
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
 * The planner's plans in schema {@code hxo}: a plan, its stages and their inputs, its state and
 * decision, and the kinds' history. Every change is committed before the planner acknowledges the
 * message that caused it.
 */
@ApplicationScoped
public class PlanStore {
    private final Sql sql;

    public PlanStore(DataSource ds) {
        this.sql = new Sql(ds);
    }

    /** A plan row as stored. */
    public record StoredPlan(UUID planId, String name, JsonNode spec, String status, String hashAlg, int partition,
            long totalShards, long done, long cached, long failed, long split, String merkleRoot, String error,
            Instant createdAt, Instant startedAt, Instant finishedAt, JsonNode certificate) {
    }

    /** A row of the plan list. */
    public record PlanSummary(UUID planId, String name, String status, long totalShards, long done, long failed,
            String merkleRoot, Instant createdAt, Instant finishedAt) {
    }

    /** A completed plan still waiting for its consensus decision. */
    public record Undecided(UUID planId, long totalShards, String merkleRoot, Instant finishedAt) {
    }

    /** What a decided plan announces: the columns its {@code hxo.plan} event carries, and its spec (is it a deployment?). */
    public record Decided(String name, long totalShards, String merkleRoot, String hashAlg, JsonNode spec) {
        private static final String COLUMNS = "name, total_shards, merkle_root, hash_alg, spec";

        private static Decided of(ResultSet rs) throws SQLException {
            return new Decided(rs.getString(1), rs.getLong(2), rs.getString(3), rs.getString(4),
                    Json.tree(rs.getString(5).getBytes(java.nio.charset.StandardCharsets.UTF_8)));
        }
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

    /** Where a stage's original shards sit among the plan's slots. */
    public record StageLayout(int firstLeaf, int shardCount) {
    }

    /** A plan's hash algorithm and its stages' places among the slots, in stage order. */
    public record Layout(String hashAlg, List<StageLayout> stages) {
    }

    /**
     * Stores a new plan with its stages: {@code accepted}, or already {@code running} since
     * {@code startedAt} when it is submitted to start. Starting in the same transaction leaves no
     * moment where a plan the caller was told is running sits in the store as merely accepted (a crash
     * there would leave it waiting for a start nobody sends; a running plan is resumed).
     */
    public void insertPlan(UUID planId, ValidatedPlan plan, String hashAlg, int partition, String requestedBy,
            Instant startedAt) {
        sql.inTransaction(c -> {
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO hxo.plans (plan_id, name, spec, status, hash_alg, owner_partition, idempotency_key,
                                           total_shards, requested_by, started_at)
                    VALUES (?, ?, ?::jsonb, ?, ?, ?, ?, ?, ?, ?)""")) {
                ps.setObject(1, planId);
                ps.setString(2, plan.name());
                ps.setString(3, Json.text(plan.normalized()));
                ps.setString(4, (startedAt == null ? PlanState.ACCEPTED : PlanState.RUNNING).wire());
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
        return sql.query("SELECT plan_id FROM hxo.plans WHERE idempotency_key = ?", ps -> ps.setString(1, key),
                rs -> rs.getObject(1, UUID.class));
    }

    public boolean exists(UUID planId) {
        return sql.query("SELECT 1 FROM hxo.plans WHERE plan_id = ?", ps -> ps.setObject(1, planId), rs -> true)
                .isPresent();
    }

    public Optional<StoredPlan> plan(UUID planId) {
        return sql.query("SELECT * FROM hxo.plans WHERE plan_id = ?", ps -> ps.setObject(1, planId), PlanStore::row);
    }

    /** Stage roots stored so far, by stage id. */
    public Map<String, String> stageRoots(UUID planId) {
        Map<String, String> roots = new HashMap<>();
        sql.each("SELECT stage_id, root FROM hxo.stages WHERE plan_id = ? AND root IS NOT NULL",
                ps -> ps.setObject(1, planId), rs -> roots.put(rs.getString(1), rs.getString(2)));
        return roots;
    }

    public List<UUID> unfinishedPlans(Collection<Integer> partitions) {
        List<UUID> ids = new ArrayList<>();
        if (partitions.isEmpty()) {
            return ids;
        }
        sql.each("""
                SELECT plan_id FROM hxo.plans
                WHERE status IN ('accepted', 'running') AND owner_partition = ANY(?) ORDER BY created_at""",
                ps -> ps.setArray(1, ps.getConnection().createArrayOf("int4", partitions.toArray())),
                rs -> ids.add(rs.getObject(1, UUID.class)));
        return ids;
    }

    /** The completed, undecided plans of these partitions that finished after {@code finishedAfter}, newest first. */
    public List<Undecided> undecidedPlans(Collection<Integer> partitions, Instant finishedAfter) {
        List<Undecided> plans = new ArrayList<>();
        if (partitions.isEmpty()) {
            return plans;
        }
        sql.each("""
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
        sql.update("UPDATE hxo.plans SET status = 'running', started_at = COALESCE(started_at, ?) WHERE plan_id = ?",
                ps -> {
                    ps.setTimestamp(1, Timestamp.from(at));
                    ps.setObject(2, planId);
                });
    }

    /** Ends a plan without a root (halted, aborted, timed out); a completion goes through {@link #checkpoint}. */
    public void finish(UUID planId, PlanState state, String error, Instant at) {
        sql.update("UPDATE hxo.plans SET status = ?, error = ?, finished_at = ? WHERE plan_id = ?", ps -> {
            ps.setString(1, state.wire());
            ps.setString(2, error);
            ps.setTimestamp(3, Timestamp.from(at));
            ps.setObject(4, planId);
        });
    }

    /**
     * Records the consensus decision on a completed plan; empty when the plan is unknown or was
     * already decided. Returns what the announcement needs, so no second read follows.
     */
    public Optional<Decided> certify(UUID planId, PlanState status, JsonNode certificate) {
        return sql.query("UPDATE hxo.plans SET status = ?, certificate = ?::jsonb WHERE plan_id = ? AND status = 'completed'"
                + " RETURNING " + Decided.COLUMNS, ps -> {
            ps.setString(1, status.wire());
            ps.setString(2, Json.text(certificate));
            ps.setObject(3, planId);
        }, Decided::of);
    }

    /** A plan already decided with exactly this outcome and certificate (a redelivered decision). */
    public Optional<Decided> decided(UUID planId, PlanState status, JsonNode certificate) {
        return sql.query("SELECT " + Decided.COLUMNS + " FROM hxo.plans WHERE plan_id = ? AND status = ? AND certificate = ?::jsonb",
                ps -> {
                    ps.setObject(1, planId);
                    ps.setString(2, status.wire());
                    ps.setString(3, Json.text(certificate));
                }, Decided::of);
    }

    /** Stored shard inputs of a stage (for partitioners whose inputs cannot be re-derived), by stage id. */
    public Map<String, List<JsonNode>> storedInputs(UUID planId) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        sql.each("SELECT stage_id, inputs FROM hxo.stages WHERE plan_id = ? AND inputs IS NOT NULL",
                ps -> ps.setObject(1, planId), rs -> out.put(rs.getString(1), Gzip.gunzip(rs.getBytes(2))));
        return out;
    }

    /** The plan's layout in one read (empty for an unknown plan): all a root recomputation needs from the plan. */
    public Optional<Layout> layout(UUID planId) {
        String[] alg = {null};
        List<StageLayout> stages = new ArrayList<>();
        sql.each("""
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

    /** Replay: the plan runs again; its failures are forgiven (the shards run anew) and counted no more. */
    public void reopen(UUID planId) {
        sql.inTransaction(c -> {
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
        sql.each("""
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
        return sql.query("SELECT shards, mean_ms, p95_ms, items, bytes, sized_shards FROM hxo.kind_stats"
                + " WHERE kind = ? AND executor = ?", ps -> {
            ps.setString(1, kind);
            ps.setString(2, executor);
        }, rs -> new KindHistory(rs.getLong(1), rs.getDouble(2), rs.getDouble(3), rs.getLong(4), rs.getLong(5),
                rs.getLong(6)));
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
        return Gzip.gzip(inputs);
    }
}
