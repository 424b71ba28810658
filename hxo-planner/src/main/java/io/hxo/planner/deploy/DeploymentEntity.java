package io.hxo.planner.deploy;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.UUID;
import org.hibernate.annotations.Formula;

/**
 * A row of {@code hxo.deployments}: one per deploy plan, recorded when the plan is certified. What the
 * rollback points need from the plan (its status, its owner's partition, its certificate) is read from
 * {@code hxo.plans}, the one place a certificate is written, so a deployment never misses the
 * certificate its plan has (V4's own {@code certificate} column is no longer filled).
 */
@Entity
@Table(schema = "hxo", name = "deployments")
public class DeploymentEntity extends PanacheEntityBase {
    @Id
    @Column(name = "deployment_id")
    public UUID deploymentId;

    @Column(name = "plan_id", nullable = false, updatable = false)
    public UUID planId;

    @Column(nullable = false)
    public String name;

    @Column(name = "merkle_root", nullable = false)
    public String merkleRoot;

    @Column(name = "rollback_of")
    public UUID rollbackOf;

    @Column(name = "hook_status")
    public String hookStatus;

    @Column(name = "finished_at", nullable = false)
    public Instant finishedAt;

    /** When it went out on {@code deploy.platform.success}; null until the broker had it. */
    @Column(name = "announced_at")
    public Instant announcedAt;

    /** Its plan's status ({@code certified} makes it a rollback point). */
    @Formula("(SELECT p.status FROM hxo.plans p WHERE p.plan_id = plan_id)")
    public String planStatus;

    /** The partition of its plan's owner (which instance announces it again). */
    @Formula("(SELECT p.owner_partition FROM hxo.plans p WHERE p.plan_id = plan_id)")
    public Integer planPartition;

    /** Its plan's certificate as JSON text, only while the plan is certified (jsonb read as text). */
    @Formula("(SELECT jsonb_pretty(p.certificate) FROM hxo.plans p WHERE p.plan_id = plan_id AND p.status = 'certified')")
    public String certificate;
}
