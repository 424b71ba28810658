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
 * A running plan's progress in schema {@code hxo}: checkpoints (packed leaves, one row per committed
 * batch), failures, splits, and the completion that ends a plan with its roots. One transaction per
 * batch of results, acknowledged only after it commits.
 */
@ApplicationScoped
public class CheckpointStore {
    private final Sql sql;

    public CheckpointStore(DataSource ds) {
        this.sql = new Sql(ds);
    }

    /** A shard that failed for good. */
    public record Failure(int slot, String stageId, byte[] casId, int attempts, String error) {
    }

    /** An autosplit: children that replace a parent shard. */
    public record Split(int seq, int parentSlot, int firstChild, int childCount, String reason, List<JsonNode> inputs) {
    }

    /** A split's place in the slot tree, without its children's inputs. */
    public record SplitShape(int parentSlot, int firstChild, int childCount) {
    }

    /** What one plan contributes to a checkpoint. */
    public record PlanCheckpoint(UUID planId, int seq, LeafBatch leaves, List<ResultStore.ResultRow> results, int done,
            int cached, List<Failure> failures, List<Split> splits) {
    }

    /**
     * A finished stage's shard durations, and the work (items, bytes) its run shards did, folded into
     * its kind's history when the plan completes.
     */
    public record KindStat(String kind, String executor, long shards, double meanMs, double p95Ms, long items,
            long bytes) {
    }

    /** A plan completing with its root: its stages' roots, its kinds' durations, and its end. */
    public record Completion(UUID planId, Map<String, String> stageRoots, List<KindStat> kindStats, String merkleRoot,
            Instant at) {
    }

    /** Reads every checkpointed leaf of a plan, and returns the next checkpoint sequence number. */
    public int readLeaves(UUID planId, Consumer<LeafBatch.Leaf> sink) {
        int[] next = {0};
        sql.each("SELECT seq, leaves FROM hxo.checkpoints WHERE plan_id = ? ORDER BY seq", ps -> {
            ps.setObject(1, planId);
            // Binary results from the first execution: as text, the driver would get every leaf blob
            // as hex and decode it (a tenth of the planner's CPU while it voted on a 1M plan).
            ps.unwrap(org.postgresql.PGStatement.class).setPrepareThreshold(-1);
        },
                rs -> {
                    next[0] = rs.getInt(1) + 1;
                    LeafBatch.read(rs.getInt(1), rs.getBytes(2), sink);
                });
        return next[0];
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
        sql.inTransaction(c -> {
            checkpoint(c, batch);
            complete(c, completions);
        });
    }

    private static void checkpoint(Connection c, List<PlanCheckpoint> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        // Two plans (or two shards) doing equal work in one batch share a CAS id: one row each id.
        Map<String, ResultStore.ResultRow> results = new java.util.LinkedHashMap<>();
        batch.forEach(b -> b.results().stream().filter(r -> !r.effect())
                .forEach(r -> results.put(io.hxo.contracts.hash.Hex.of(r.casId()), r)));
        if (!results.isEmpty()) {
            ResultStore.insertResults(c, new ArrayList<>(results.values()));
        }
        Map<UUID, List<ResultStore.ResultRow>> byPlan = new java.util.LinkedHashMap<>();
        batch.forEach(b -> byPlan.put(b.planId(), b.results()));
        ResultStore.insertEffects(c, byPlan);
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
                    splits.setBytes(7, Gzip.gzip(sp.inputs()));
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

    public List<SplitShape> splitShapes(UUID planId) {
        List<SplitShape> out = new ArrayList<>();
        sql.each("SELECT parent_slot, first_child, child_count FROM hxo.splits WHERE plan_id = ? ORDER BY seq",
                ps -> ps.setObject(1, planId), rs -> out.add(new SplitShape(rs.getInt(1), rs.getInt(2), rs.getInt(3))));
        return out;
    }

    public List<Split> splits(UUID planId) {
        List<Split> out = new ArrayList<>();
        sql.each("""
                SELECT seq, parent_slot, first_child, child_count, reason, inputs FROM hxo.splits
                WHERE plan_id = ? ORDER BY seq""", ps -> ps.setObject(1, planId),
                rs -> out.add(new Split(rs.getInt(1), rs.getInt(2), rs.getInt(3), rs.getInt(4), rs.getString(5),
                        Gzip.gunzip(rs.getBytes(6)))));
        return out;
    }

    public List<Failure> failures(UUID planId) {
        List<Failure> out = new ArrayList<>();
        sql.each("SELECT slot, stage_id, cas_id, attempts, error FROM hxo.failures WHERE plan_id = ? ORDER BY slot",
                ps -> ps.setObject(1, planId),
                rs -> out.add(new Failure(rs.getInt(1), rs.getString(2), rs.getBytes(3), rs.getInt(4), rs.getString(5))));
        return out;
    }
}
