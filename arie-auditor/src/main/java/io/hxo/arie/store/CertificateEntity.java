package io.hxo.arie.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A certificate ARIE read on {@code hxo.aggregate.finalized} ({@code arie.certificates}); the
 * latest one of a plan wins. The integrity rules check every plan kept here.
 */
@Entity
@Table(schema = "arie", name = "certificates")
public class CertificateEntity extends PanacheEntityBase {
    @Id
    @Column(name = "plan_id")
    public String planId;
    @Column(name = "merkle_root")
    public String merkleRoot;
    @Column(name = "leaf_count")
    public long leafCount;
    @Column(name = "hash_alg")
    public String hashAlg;
    public String outcome;
    @Column(name = "decided_at")
    public Instant decidedAt;
    @Column(name = "received_at")
    public Instant receivedAt;
}
