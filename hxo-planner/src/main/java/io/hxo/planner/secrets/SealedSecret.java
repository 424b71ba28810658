package io.hxo.planner.secrets;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;

/**
 * A row of {@code hxo.secrets}: a secret a plan gave literally, sealed (AES-256-GCM under a key derived
 * from the seed {@code keyId} names), stored once per fingerprint. Nothing else in the planner holds it.
 */
@Entity
@Table(schema = "hxo", name = "secrets")
public class SealedSecret extends PanacheEntityBase {
    @Id
    public String fingerprint;

    @Column(name = "key_id", nullable = false)
    public String keyId;

    @Column(nullable = false)
    public byte[] sealed;
}
