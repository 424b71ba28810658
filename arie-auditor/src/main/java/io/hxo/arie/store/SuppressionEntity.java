package io.hxo.arie.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/** A finding an operator accepted, by fingerprint, with the reason ({@code arie.suppressions}). */
@Entity
@Table(schema = "arie", name = "suppressions")
public class SuppressionEntity extends PanacheEntityBase {
    @Id
    public String fingerprint;
    public String reason;
    @Column(name = "suppressed_by")
    public String suppressedBy;
    @Column(name = "suppressed_at")
    public Instant suppressedAt;
}
