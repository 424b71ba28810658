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

/** A row of {@code hxo.platform_deploys}: where CI reported a certified plan was deployed (latest report wins). */
@Entity
@Table(schema = "hxo", name = "platform_deploys")
@IdClass(PlatformDeployEntity.Key.class)
public class PlatformDeployEntity extends PanacheEntityBase {
    @Id
    @Column(name = "plan_id")
    public UUID planId;

    @Id
    public String platform;

    @Id
    @Column(name = "service_id")
    public String serviceId;

    @Column(name = "deploy_id", nullable = false)
    public String deployId;

    @Column(name = "reported_at", nullable = false)
    public Instant reportedAt;

    /** The primary key: one row per plan and platform service. */
    public static class Key implements Serializable {
        public UUID planId;
        public String platform;
        public String serviceId;

        public Key() {
        }

        public Key(UUID planId, String platform, String serviceId) {
            this.planId = planId;
            this.platform = platform;
            this.serviceId = serviceId;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(planId, k.planId) && Objects.equals(platform, k.platform)
                    && Objects.equals(serviceId, k.serviceId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(planId, platform, serviceId);
        }
    }
}
