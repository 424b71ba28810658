package io.hxo.arie.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;
import java.util.Objects;

/**
 * One finding of a finished scan ({@code arie.findings}), suppressed ones included. Rows are
 * written in one batch per scan by {@link ScanStore#done} (the reactive client); the baseline is
 * read through this entity.
 */
@Entity
@Table(schema = "arie", name = "findings")
@IdClass(FindingEntity.Key.class)
public class FindingEntity extends PanacheEntityBase {
    @Id
    @Column(name = "scan_id")
    public String scanId;
    @Id
    public String fingerprint;
    @Column(name = "rule_id")
    public String ruleId;
    public String severity;
    public String file;
    public Integer line;
    public String service;
    public String fact;
    public String message;
    /** {@code new} or {@code existing}. */
    public String baseline;
    public boolean suppressed;

    /** The primary key: a fingerprint is reported once per scan. */
    public static class Key implements Serializable {
        public String scanId;
        public String fingerprint;

        public Key() {
        }

        public Key(String scanId, String fingerprint) {
            this.scanId = scanId;
            this.fingerprint = fingerprint;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Key k && Objects.equals(scanId, k.scanId) && Objects.equals(fingerprint, k.fingerprint);
        }

        @Override
        public int hashCode() {
            return Objects.hash(scanId, fingerprint);
        }
    }
}
