package io.hxo.planner.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.hash.Hex;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.RowSet;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.function.Consumer;

/**
 * A running plan's progress in schema {@code hxo}: checkpoints (packed leaves, one row per committed
 * batch), failures, splits, and the completion that ends a plan with its roots. One transaction per
 * batch of results on the reactive client, acknowledged only after it commits; its statements are
 * pipelined on the transaction's connection, so a checkpoint costs a few round trips whatever the
 * number of shards in it.
 */
@ApplicationScoped
public class CheckpointStore {
    /** Checkpoint rows read per round trip on resume: a row packs one batch of up to thousands of leaves. */
    static final int LEAF_ROWS_PER_READ = 32;

    private final Sql sql;

    public CheckpointStore(Pool pool) {
        this.sql = new Sql(pool);
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

    /**
     * Reads every checkpointed leaf of a plan, and returns the next checkpoint sequence number. The
     * rows come a few at a time (keyed on their sequence number), and each is unpacked on the calling
     * thread before the next is asked for: a 1M-shard plan's leaves are never all in memory twice.
     */
    public int readLeaves(UUID planId, Consumer<LeafBatch.Leaf> sink) {
        int next = 0;
        while (true) {
            RowSet<Row> rows = sql.rows("""
                    SELECT seq, leaves FROM hxo.checkpoints WHERE plan_id = $1 AND seq >= $2 ORDER BY seq LIMIT $3""",
                    Tuple.of(planId, next, LEAF_ROWS_PER_READ));
            for (Row r : rows) {
                next = r.getInteger(0) + 1;
                LeafBatch.read(r.getInteger(0), r.getBuffer(1).getBytes(), sink);
            }
            if (rows.size() < LEAF_ROWS_PER_READ) {
                return next;
            }
        }
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
        List<Statement> statements = new ArrayList<>();
        progress(batch, statements);
        complete(completions, statements);
        // All sent at once on the transaction's connection (pipelined): they touch different rows
        // or, for a plan's counters, add; PostgreSQL runs them in the order sent, and the first
        // failure aborts the transaction, which then rolls back.
        sql.inTransaction(c -> Uni.join().all(statements.stream().map(s -> s.run(c)).toList())
                .andFailFast().replaceWithVoid());
    }

    /** One statement of a checkpoint: a single execution or one batch of executions. */
    private record Statement(String sql, List<Tuple> rows) {
        Uni<RowSet<Row>> run(SqlConnection c) {
            return rows.size() == 1 ? c.preparedQuery(sql).execute(rows.get(0))
                    : c.preparedQuery(sql).executeBatch(rows);
        }
    }

    private static void add(List<Statement> statements, String sql, List<Tuple> rows) {
        if (!rows.isEmpty()) {
            statements.add(new Statement(sql, rows));
        }
    }

    private static void progress(List<PlanCheckpoint> batch, List<Statement> statements) {
        if (batch.isEmpty()) {
            return;
        }
        // Two plans (or two shards) doing equal work in one batch share a CAS id: one row each id.
        Map<String, ResultStore.ResultRow> results = new LinkedHashMap<>();
        batch.forEach(b -> b.results().stream().filter(r -> !r.effect())
                .forEach(r -> results.put(Hex.of(r.casId()), r)));
        if (!results.isEmpty()) {
            add(statements, ResultStore.INSERT_RESULTS, List.of(ResultStore.resultsTuple(new ArrayList<>(results.values()))));
        }
        List<Tuple> effects = new ArrayList<>();
        List<Tuple> leaves = new ArrayList<>();
        List<Tuple> splits = new ArrayList<>();
        List<Tuple> failures = new ArrayList<>();
        List<Tuple> counts = new ArrayList<>();
        for (PlanCheckpoint b : batch) {
            for (ResultStore.ResultRow r : b.results()) {
                if (r.effect()) {
                    effects.add(ResultStore.effectTuple(b.planId(), r));
                }
            }
            if (b.leaves().count() > 0) {
                leaves.add(Sql.row(b.planId(), b.seq(), b.leaves().count(), Sql.bytes(b.leaves().bytes())));
            }
            int added = 0;
            for (Split sp : b.splits()) {
                added += sp.childCount() - 1;
                splits.add(Sql.row(b.planId(), sp.seq(), sp.parentSlot(), sp.firstChild(), sp.childCount(),
                        sp.reason(), Sql.bytes(Gzip.gzip(sp.inputs()))));
            }
            for (Failure f : b.failures()) {
                failures.add(Sql.row(b.planId(), f.slot(), f.stageId(),
                        Sql.bytes(f.casId()), f.attempts(), f.error()));
            }
            counts.add(Sql.row(b.done(), b.cached(), b.failures().size(), b.splits().size(), added,
                    b.planId()));
        }
        add(statements, ResultStore.UPSERT_EFFECTS, effects);
        add(statements, "INSERT INTO hxo.checkpoints (plan_id, seq, leaf_count, leaves) VALUES ($1, $2, $3, $4)",
                leaves);
        add(statements, """
                INSERT INTO hxo.splits (plan_id, seq, parent_slot, first_child, child_count, reason, inputs)
                VALUES ($1, $2, $3, $4, $5, $6, $7)""", splits);
        add(statements, """
                INSERT INTO hxo.failures (plan_id, slot, stage_id, cas_id, attempts, error)
                VALUES ($1, $2, $3, $4, $5, $6)
                ON CONFLICT (plan_id, slot) DO UPDATE SET attempts = EXCLUDED.attempts,
                    error = EXCLUDED.error, failed_at = now()""", failures);
        add(statements, """
                UPDATE hxo.plans SET done_shards = done_shards + $1, cached_shards = cached_shards + $2,
                                     failed_shards = failed_shards + $3, split_shards = split_shards + $4,
                                     total_shards = total_shards + $5
                WHERE plan_id = $6""", counts);
    }

    /** A completing plan's stage roots, its kinds' statistics, and its end. */
    private static void complete(List<Completion> completions, List<Statement> statements) {
        if (completions.isEmpty()) {
            return;
        }
        List<Tuple> roots = new ArrayList<>();
        List<Tuple> ends = new ArrayList<>();
        List<KindStat> kinds = new ArrayList<>();
        for (Completion done : completions) {
            done.stageRoots().forEach((stage, root) -> roots.add(Sql.row(root, done.planId(), stage)));
            kinds.addAll(done.kindStats());
            ends.add(Sql.row(done.merkleRoot(), Sql.at(done.at()), done.planId()));
        }
        // In key order, so two planners completing plans of the same kinds lock their rows in the
        // same order and cannot deadlock.
        kinds.sort(Comparator.comparing(KindStat::kind).thenComparing(KindStat::executor));
        List<Tuple> stats = kinds.stream().map(k -> Sql.row(k.kind(), k.executor(), k.shards(), k.meanMs(),
                k.p95Ms(), k.items(), k.bytes(), k.items() > 0 ? k.shards() : 0L)).toList();
        add(statements, "UPDATE hxo.stages SET root = $1 WHERE plan_id = $2 AND stage_id = $3", roots);
        add(statements, """
                INSERT INTO hxo.kind_stats (kind, executor, shards, mean_ms, p95_ms, items, bytes, sized_shards)
                VALUES ($1, $2, $3, $4, $5, $6, $7, $8)
                ON CONFLICT (kind, executor) DO UPDATE SET
                    mean_ms = (kind_stats.mean_ms * kind_stats.shards + EXCLUDED.mean_ms * EXCLUDED.shards)
                              / (kind_stats.shards + EXCLUDED.shards),
                    p95_ms = GREATEST(EXCLUDED.p95_ms, kind_stats.p95_ms * 0.8),
                    shards = kind_stats.shards + EXCLUDED.shards,
                    items = kind_stats.items + EXCLUDED.items,
                    bytes = kind_stats.bytes + EXCLUDED.bytes,
                    sized_shards = kind_stats.sized_shards + EXCLUDED.sized_shards,
                    updated_at = now()""", stats);
        add(statements, """
                UPDATE hxo.plans SET status = 'completed', merkle_root = $1, error = NULL, finished_at = $2
                WHERE plan_id = $3""", ends);
    }

    public List<SplitShape> splitShapes(UUID planId) {
        return sql.list("SELECT parent_slot, first_child, child_count FROM hxo.splits WHERE plan_id = $1 ORDER BY seq",
                Tuple.of(planId), r -> new SplitShape(r.getInteger(0), r.getInteger(1), r.getInteger(2)));
    }

    public List<Split> splits(UUID planId) {
        return sql.list("""
                SELECT seq, parent_slot, first_child, child_count, reason, inputs FROM hxo.splits
                WHERE plan_id = $1 ORDER BY seq""", Tuple.of(planId),
                r -> new Split(r.getInteger(0), r.getInteger(1), r.getInteger(2), r.getInteger(3), r.getString(4),
                        Gzip.gunzip(r.getBuffer(5).getBytes())));
    }

    public List<Failure> failures(UUID planId) {
        return sql.list("SELECT slot, stage_id, cas_id, attempts, error FROM hxo.failures WHERE plan_id = $1 ORDER BY slot",
                Tuple.of(planId), r -> new Failure(r.getInteger(0), r.getString(1), r.getBuffer(2).getBytes(),
                        r.getInteger(3), r.getString(4)));
    }
}
