package io.hxo.planner.checkpoint;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.NamedQuery;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;
import java.util.UUID;

/**
 * A stage row ({@code hxo.stages}, V1): its place among the plan's slots, its executor, the shard
 * inputs fixed at submit (gzip'd, or none when the partitioner derives them from the config), and
 * the root once the plan completes.
 */
@Entity
@Table(schema = "hxo", name = "stages")
@IdClass(StageEntity.Key.class)
@NamedQuery(name = "StageEntity.ofPlan", query = "from StageEntity where planId = :planId order by position")
public class StageEntity extends PanacheEntityBase {
    @Id
    @Column(name = "plan_id")
    public UUID planId;
    @Id
    @Column(name = "stage_id")
    public String stageId;
    public int position;
    public String kind;
    public String partitioner;
    public String executor;
    @Column(name = "executor_version")
    public String executorVersion;
    @Column(name = "first_leaf")
    public int firstLeaf;
    @Column(name = "shard_count")
    public int shardCount;
    public byte[] inputs;
    public String root;

    /** The stage's key: its plan and its id. */
    public static class Key implements Serializable {
        public UUID planId;
        public String stageId;

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(planId, k.planId) && Objects.equals(stageId, k.stageId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(planId, stageId);
        }
    }
}
