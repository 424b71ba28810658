package io.hxo.planner.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.PlanState;
import io.hxo.planner.plan.ValidatedPlan;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Parameters;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.LockModeType;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/**
 * The planner's plans in schema {@code hxo}: a plan, its stages and their inputs, its state and
 * decision, and the kinds' history. Plans and stages are Panache entities ({@link PlanEntity},
 * {@link StageEntity}), each change in its own transaction; the kinds' history is read through the
 * reactive client. Every change is committed before the planner acknowledges the message that
 * caused it. The calls wait for the database: callers are the owner, query and worker threads,
 * never an event loop.
 */
@ApplicationScoped
public class PlanStore {
    private final Sql sql;

    public PlanStore(Pool pool) {
        this.sql = new Sql(pool);
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
        private static Decided of(PlanEntity p) {
            return new Decided(p.name, p.totalShards, p.merkleRoot, p.hashAlg, p.spec);
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
        PlanEntity p = new PlanEntity();
        p.planId = planId;
        p.name = plan.name();
        p.spec = plan.normalized();
        p.status = (startedAt == null ? PlanState.ACCEPTED : PlanState.RUNNING).wire();
        p.hashAlg = hashAlg;
        p.ownerPartition = partition;
        p.idempotencyKey = plan.idempotencyKey();
        p.totalShards = plan.totalShards();
        p.requestedBy = requestedBy;
        p.createdAt = Instant.now();
        p.startedAt = startedAt;
        List<StageEntity> stages = new ArrayList<>();
        int pos = 0;
        for (ValidatedPlan.Stage s : plan.stages()) {
            StageEntity st = new StageEntity();
            st.planId = planId;
            st.stageId = s.id();
            st.position = pos++;
            st.kind = s.kind();
            st.partitioner = s.partitioner();
            st.executor = s.executor();
            st.executorVersion = s.executorVersion();
            st.firstLeaf = s.firstLeaf();
            st.shardCount = s.shards().size();
            st.inputs = s.shards().derivedFromConfig() ? null : gzipInputs(s);
            stages.add(st);
        }
        // The plan row first: the stages refer to it.
        Sql.panache(() -> p.persistAndFlush().chain(() -> StageEntity.persist(stages)));
    }

    public Optional<UUID> planByIdempotencyKey(String key) {
        return Optional.ofNullable(Sql.panache(() -> PlanEntity.<PlanEntity>find("#PlanEntity.byIdempotencyKey",
                Parameters.with("key", key).map()).firstResult().map(p -> p == null ? null : p.planId)));
    }

    public boolean exists(UUID planId) {
        return plan(planId).isPresent();
    }

    /** The plan row, read in autocommit (one round trip: status reads and the owner's loads call it often). */
    public Optional<StoredPlan> plan(UUID planId) {
        return Optional.ofNullable(Sql.panacheRead(() -> PlanEntity.<PlanEntity>findById(planId)
                .map(p -> p == null ? null : stored(p))));
    }

    /** A stored plan with the roots its stages have so far, by stage id. */
    public record PlanWithRoots(StoredPlan plan, Map<String, String> stageRoots) {
    }

    private static final String WITH_ROOTS_SQL = """
            SELECT plan_id, name, spec::text, status, hash_alg, owner_partition, total_shards, done_shards,
                   cached_shards, failed_shards, split_shards, merkle_root, error, created_at, started_at,
                   finished_at, certificate::text,
                   ARRAY(SELECT s.stage_id FROM hxo.stages s WHERE s.plan_id = p.plan_id AND s.root IS NOT NULL
                         ORDER BY s.position) AS stage_ids,
                   ARRAY(SELECT s.root FROM hxo.stages s WHERE s.plan_id = p.plan_id AND s.root IS NOT NULL
                         ORDER BY s.position) AS roots
            FROM hxo.plans p WHERE p.plan_id = $1""";

    /**
     * A finished plan's status read (the gateway asks for it up to thousands of times a second): the
     * plan row and its stage roots in one statement on the reactive client, each jsonb column parsed
     * once from its text. Through Hibernate the same read was two transactions, and each jsonb column
     * was decoded by the client, written out again, parsed into a tree and deep-copied for the
     * session's snapshot (docs/BENCHMARKS.md, gateway status reads). Writes and every other read of
     * plans stay on {@link PlanEntity}.
     */
    public Optional<PlanWithRoots> withRoots(UUID planId) {
        return sql.first(WITH_ROOTS_SQL, Tuple.of(planId), r -> {
            Map<String, String> roots = new HashMap<>();
            String[] ids = r.getArrayOfStrings("stage_ids");
            String[] values = r.getArrayOfStrings("roots");
            for (int i = 0; i < ids.length; i++) {
                roots.put(ids[i], values[i]);
            }
            StoredPlan plan = new StoredPlan(r.getUUID("plan_id"), r.getString("name"), tree(r.getString("spec")),
                    r.getString("status"), r.getString("hash_alg"), r.getInteger("owner_partition"),
                    r.getLong("total_shards"), r.getLong("done_shards"), r.getLong("cached_shards"),
                    r.getLong("failed_shards"), r.getLong("split_shards"), r.getString("merkle_root"),
                    r.getString("error"), Sql.instant(r, "created_at"), Sql.instant(r, "started_at"),
                    Sql.instant(r, "finished_at"), tree(r.getString("certificate")));
            return new PlanWithRoots(plan, roots);
        });
    }

    private static JsonNode tree(String json) {
        return json == null ? null : Json.tree(json.getBytes(StandardCharsets.UTF_8));
    }

    public List<UUID> unfinishedPlans(Collection<Integer> partitions) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        List<PlanEntity> found = Sql.panache(() -> PlanEntity.list("#PlanEntity.unfinished",
                Parameters.with("partitions", List.copyOf(partitions)).map()));
        return found.stream().map(p -> p.planId).toList();
    }

    /** The completed, undecided plans of these partitions that finished after {@code finishedAfter}, newest first. */
    public List<Undecided> undecidedPlans(Collection<Integer> partitions, Instant finishedAfter) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        List<PlanEntity> found = Sql.panache(() -> PlanEntity.list("#PlanEntity.undecided",
                Parameters.with("partitions", List.copyOf(partitions)).and("after", finishedAfter).map()));
        return found.stream().map(p -> new Undecided(p.planId, p.totalShards, p.merkleRoot, p.finishedAt)).toList();
    }

    public void markRunning(UUID planId, Instant at) {
        Sql.panache(() -> PlanEntity.update("#PlanEntity.markRunning",
                Parameters.with("at", at).and("planId", planId).map()));
    }

    /** Ends a plan without a root (halted, aborted, timed out); a completion goes through {@link CheckpointStore#checkpoint}. */
    public void finish(UUID planId, PlanState state, String error, Instant at) {
        Sql.panache(() -> PlanEntity.update("#PlanEntity.finish", Parameters.with("status", state.wire())
                .and("error", error).and("at", at).and("planId", planId).map()));
    }

    /**
     * Records the consensus decision on a completed plan; empty when the plan is unknown or was
     * already decided. Returns what the announcement needs, so no second read follows. The row is
     * locked while it is decided, so two decisions arriving at once record one.
     */
    public Optional<Decided> certify(UUID planId, PlanState status, JsonNode certificate) {
        return Optional.ofNullable(Sql.panache(() -> PlanEntity.<PlanEntity>findById(planId,
                LockModeType.PESSIMISTIC_WRITE).map(p -> {
                    if (p == null || !PlanState.COMPLETED.wire().equals(p.status)) {
                        return null;
                    }
                    p.status = status.wire();
                    p.certificate = certificate;
                    return Decided.of(p);
                })));
    }

    /**
     * A plan already decided with exactly this outcome and certificate (a redelivered decision). The
     * certificates are compared as JSON values (their RFC 8785 forms), as jsonb equality did: a number
     * read back from the column is the same value whatever Java type the sender's tree held it in.
     */
    public Optional<Decided> decided(UUID planId, PlanState status, JsonNode certificate) {
        String wanted = Jcs.canonicalString(certificate);
        return Optional.ofNullable(Sql.panache(() -> PlanEntity.<PlanEntity>findById(planId)
                .map(p -> p != null && status.wire().equals(p.status) && p.certificate != null
                        && wanted.equals(Jcs.canonicalString(p.certificate)) ? Decided.of(p) : null)));
    }

    /** Stored shard inputs of a stage (for partitioners whose inputs cannot be re-derived), by stage id. */
    public Map<String, List<JsonNode>> storedInputs(UUID planId) {
        Map<String, List<JsonNode>> out = new HashMap<>();
        stages(planId).stream().filter(s -> s.inputs != null).forEach(s -> out.put(s.stageId, Gzip.gunzip(s.inputs)));
        return out;
    }

    /** The plan's layout in one read (empty for an unknown plan): all a root recomputation needs from the plan. */
    public Optional<Layout> layout(UUID planId) {
        return Optional.ofNullable(Sql.panache(() -> PlanEntity.<PlanEntity>findById(planId).chain(p -> p == null
                ? Uni.createFrom().nullItem()
                : ofPlan(planId).map(stages -> new Layout(
                        p.hashAlg, stages.stream().map(s -> new StageLayout(s.firstLeaf, s.shardCount)).toList())))));
    }

    /** Replay: the plan runs again; its failures are forgiven (the shards run anew) and counted no more. */
    public void reopen(UUID planId) {
        sql.inTransaction(c -> c.preparedQuery("DELETE FROM hxo.failures WHERE plan_id = $1").execute(Tuple.of(planId))
                .chain(() -> c.preparedQuery("""
                        UPDATE hxo.plans SET status = 'running', failed_shards = 0, error = NULL, finished_at = NULL,
                                             merkle_root = NULL
                        WHERE plan_id = $1""").execute(Tuple.of(planId))));
    }

    public List<PlanSummary> list(String status, int limit, Instant before) {
        StringBuilder where = new StringBuilder("1 = 1");
        Parameters params = new Parameters();
        if (status != null) {
            where.append(" and status = :status");
            params.and("status", status);
        }
        if (before != null) {
            where.append(" and createdAt < :before");
            params.and("before", before);
        }
        List<PlanEntity> found = Sql.panache(() -> PlanEntity.<PlanEntity>find(where.toString(),
                Sort.descending("createdAt"), params.map()).page(Page.ofSize(limit)).list());
        return found.stream().map(p -> new PlanSummary(p.planId, p.name, p.status, p.totalShards, p.doneShards,
                p.failedShards, p.merkleRoot, p.createdAt, p.finishedAt)).toList();
    }

    /** The kind's history, when there is one. */
    public Optional<KindHistory> kindStats(String kind, String executor) {
        return sql.first("SELECT shards, mean_ms, p95_ms, items, bytes, sized_shards FROM hxo.kind_stats"
                + " WHERE kind = $1 AND executor = $2", Tuple.of(kind, executor),
                r -> new KindHistory(r.getLong(0), r.getDouble(1), r.getDouble(2), r.getLong(3), r.getLong(4),
                        r.getLong(5)));
    }

    /** A plan's stages in order. */
    private static List<StageEntity> stages(UUID planId) {
        return Sql.panache(() -> ofPlan(planId));
    }

    private static Uni<List<StageEntity>> ofPlan(UUID planId) {
        return StageEntity.list("#StageEntity.ofPlan", Parameters.with("planId", planId).map());
    }

    private static StoredPlan stored(PlanEntity p) {
        return new StoredPlan(p.planId, p.name, p.spec, p.status, p.hashAlg, p.ownerPartition, p.totalShards,
                p.doneShards, p.cachedShards, p.failedShards, p.splitShards, p.merkleRoot, p.error, p.createdAt,
                p.startedAt, p.finishedAt, p.certificate);
    }

    private static byte[] gzipInputs(ValidatedPlan.Stage s) {
        List<JsonNode> inputs = new ArrayList<>(s.shards().size());
        for (int i = 0; i < s.shards().size(); i++) {
            inputs.add(s.shards().input(i));
        }
        return Gzip.gzip(inputs);
    }
}
