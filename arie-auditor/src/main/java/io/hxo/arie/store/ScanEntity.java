package io.hxo.arie.store;

import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;

/**
 * A scan's lifecycle row ({@code arie.scans}): queued, running, then done or failed. Its JSON
 * documents (summary, report, SARIF) are not mapped here: {@link ScanStore#done} writes them with
 * the findings batch, and the report query reads them as text, both on the reactive client.
 */
@Entity
@Table(schema = "arie", name = "scans")
public class ScanEntity extends PanacheEntityBase {
    @Id
    public String id;
    public String trigger;
    @Column(name = "requested_by")
    public String requestedBy;
    @Column(name = "read_only")
    public boolean readOnly;
    public String workspace;
    public String deployment;
    public String status;
    @Column(name = "created_at")
    public Instant createdAt;
    @Column(name = "started_at")
    public Instant startedAt;
    @Column(name = "finished_at")
    public Instant finishedAt;
    public String error;
    /** The instance that queued the scan and runs it; null for scans of a version before V4. */
    public String instance;
}
