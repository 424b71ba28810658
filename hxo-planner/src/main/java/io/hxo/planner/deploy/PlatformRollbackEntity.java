package io.hxo.planner.deploy;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/**
 * A row of {@code hxo.platform_rollbacks}: a platform call a certified rollback made, claimed (inserted)
 * before the call so that an announcement repeated after a stop does not roll a service back twice.
 */
@Entity
@Table(schema = "hxo", name = "platform_rollbacks")
@IdClass(PlatformRollbackEntity.Key.class)
public class PlatformRollbackEntity extends PanacheEntityBase {
    @Id
    @Column(name = "deployment_id")
    public UUID deploymentId;

    @Id
    public String platform;

    @Id
    @Column(name = "service_id")
    public String serviceId;

    @Column(name = "deploy_id", nullable = false)
    public String deployId;

    /** {@code requested}, then the platform's answer. */
    @Column(nullable = false)
    public String status;

    @Column(name = "updated_at", nullable = false)
    public Instant updatedAt;

    /** The primary key: one call per rollback deployment and platform service. */
    public static class Key implements Serializable {
        public UUID deploymentId;
        public String platform;
        public String serviceId;

        public Key() {
        }

        public Key(UUID deploymentId, String platform, String serviceId) {
            this.deploymentId = deploymentId;
            this.platform = platform;
            this.serviceId = serviceId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(deploymentId, k.deploymentId)
                    && Objects.equals(platform, k.platform) && Objects.equals(serviceId, k.serviceId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(deploymentId, platform, serviceId);
        }
    }
}
