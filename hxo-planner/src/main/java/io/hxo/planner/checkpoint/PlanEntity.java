package io.hxo.planner.checkpoint;

import com.fasterxml.jackson.databind.JsonNode;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.DynamicUpdate;
import org.hibernate.annotations.JdbcTypeCode;
import org.hibernate.type.SqlTypes;

/**
 * A plan row ({@code hxo.plans}, V1): what was submitted, its state and decision. The counters are
 * advanced by the checkpoint transaction in plain SQL, so an update here writes only the columns it
 * changed ({@link DynamicUpdate}) and never a stale counter. Its queries are named, so Hibernate
 * parses them once at start, not on the event loop of their first call.
 */
@Entity
@Table(schema = "hxo", name = "plans")
@DynamicUpdate
@NamedQuery(name = "PlanEntity.byIdempotencyKey", query = "from PlanEntity where idempotencyKey = :key")
@NamedQuery(name = "PlanEntity.unfinished", query = "from PlanEntity where status in ('accepted', 'running')"
        + " and ownerPartition in :partitions order by createdAt")
@NamedQuery(name = "PlanEntity.undecided", query = "from PlanEntity where status = 'completed'"
        + " and ownerPartition in :partitions and finishedAt > :after order by finishedAt desc")
@NamedQuery(name = "PlanEntity.markRunning", query = "update PlanEntity set status = 'running',"
        + " startedAt = coalesce(startedAt, :at) where planId = :planId")
@NamedQuery(name = "PlanEntity.finish", query = "update PlanEntity set status = :status, error = :error,"
        + " finishedAt = :at where planId = :planId")
public class PlanEntity extends PanacheEntityBase {
    @Id
    @Column(name = "plan_id")
    public UUID planId;
    public String name;
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode spec;
    public String status;
    @Column(name = "hash_alg")
    public String hashAlg;
    @Column(name = "owner_partition")
    public int ownerPartition;
    @Column(name = "idempotency_key")
    public String idempotencyKey;
    @Column(name = "total_shards")
    public long totalShards;
    @Column(name = "done_shards")
    public long doneShards;
    @Column(name = "cached_shards")
    public long cachedShards;
    @Column(name = "failed_shards")
    public long failedShards;
    @Column(name = "split_shards")
    public long splitShards;
    @Column(name = "merkle_root")
    public String merkleRoot;
    public String error;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    @JdbcTypeCode(SqlTypes.JSON)
    public JsonNode certificate;
}
