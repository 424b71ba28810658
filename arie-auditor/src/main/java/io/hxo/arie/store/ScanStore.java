package io.hxo.arie.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.arie.report.AuditReport;
import io.hxo.arie.report.ReportedFinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.payload.Events;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Row;
import io.vertx.mutiny.sqlclient.SqlConnection;
import io.vertx.mutiny.sqlclient.Tuple;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * ARIE's tables (schema {@code arie}): scans, their findings, suppressions, certificates seen, and
 * the instances that run scans. Record-like state goes through Panache entities
 * ({@link ScanEntity}, {@link FindingEntity}, {@link SuppressionEntity}, {@link CertificateEntity});
 * a finished scan's findings batch with its JSON documents, the report read and the instance
 * sweeps are plain SQL on the reactive client. Every call returns a {@link Uni}; a failure reaches
 * the caller as {@link StoreException}. Code on a worker or the scan thread waits through
 * hxo-runtime's {@code Awaiting.onContext} with {@link StoreException#of}.
 */
@ApplicationScoped
public class ScanStore {
    /** A scan row as the report query needs it. */
    public record StoredScan(String id, String trigger, String requestedBy, boolean readOnly, String workspace,
            String deployment, String status, Instant createdAt, Instant startedAt, Instant finishedAt, String error,
            JsonNode summary, JsonNode report, JsonNode sarif) {
    }

    /** A scan failed because the instance that queued it stopped. */
    public record Abandoned(String id, String trigger, boolean readOnly, String error) {
    }

    /** A certified plan as ARIE stored it. */
    public record CertifiedPlan(String planId, String merkleRoot, long leafCount, String hashAlg) {
    }

    private static final String ALIVE = """
            INSERT INTO arie.instances (instance, seen_at) VALUES ($1, now())
            ON CONFLICT (instance) DO UPDATE SET seen_at = EXCLUDED.seen_at""";

    private static final String FAIL_ABANDONED = """
            UPDATE arie.scans s SET status = 'failed', finished_at = $1,
                error = 'interrupted: arie-auditor instance ' || coalesce(s.instance, '(unknown)')
                        || ' stopped before the scan finished'
            WHERE s.status IN ('queued', 'running') AND CASE
                WHEN s.instance IS NULL THEN s.created_at < now() - interval '1 hour'
                WHEN s.instance = $2 THEN s.created_at < $3
                ELSE NOT EXISTS (SELECT 1 FROM arie.instances i
                    WHERE i.instance = s.instance AND i.seen_at >= now() - make_interval(secs => $4)) END
            RETURNING s.id, s.trigger, s.read_only, s.error""";

    /** The JSON documents travel as text and are cast on the server (a String bound to jsonb would become a JSON string). */
    private static final String DONE = """
            UPDATE arie.scans SET status = 'done', finished_at = $1,
                summary = $2::text::jsonb, report = $3::text::jsonb, sarif = $4::text::jsonb
            WHERE id = $5 AND status IN ('queued', 'running')""";

    private static final String INSERT_FINDING = """
            INSERT INTO arie.findings (scan_id, fingerprint, rule_id, severity, file, line, service, fact, message,
                                       baseline, suppressed)
            VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9, $10, $11) ON CONFLICT DO NOTHING""";

    private static final String SUPPRESS = """
            INSERT INTO arie.suppressions (fingerprint, reason, suppressed_by, suppressed_at) VALUES ($1, $2, $3, $4)
            ON CONFLICT (fingerprint) DO UPDATE
            SET reason = EXCLUDED.reason, suppressed_by = EXCLUDED.suppressed_by, suppressed_at = EXCLUDED.suppressed_at""";

    private static final String FIND = """
            SELECT id, trigger, requested_by, read_only, workspace, deployment, status, created_at, started_at,
                   finished_at, error, summary::text, report::text, sarif::text
            FROM arie.scans""";

    private final Pool pool;

    public ScanStore(Pool pool) {
        this.pool = pool;
    }

    /**
     * Stores a scan as queued by {@code instance}, after recording that instance as alive now: no
     * reaper can take the scan for abandoned before the instance's first tick.
     */
    public Uni<Void> create(String id, Arie.ScanRequest req, String instance, Instant at) {
        return guarded(alive(instance).chain(() -> Panache.withTransaction(() -> {
            ScanEntity scan = new ScanEntity();
            scan.id = id;
            scan.trigger = req.trigger();
            scan.requestedBy = req.requestedBy();
            scan.readOnly = req.readOnly();
            scan.workspace = req.workspace();
            scan.deployment = req.deployment();
            scan.status = Arie.QUEUED;
            scan.createdAt = at;
            scan.instance = instance;
            return scan.persist();
        })).replaceWithVoid());
    }

    /** Records that this instance is alive now (database clock). */
    public Uni<Void> alive(String instance) {
        return guarded(pool.preparedQuery(ALIVE).execute(Tuple.of(instance)).replaceWithVoid());
    }

    /**
     * Fails the queued and running scans nobody will finish, and forgets instances not seen for a day;
     * returns the scans it failed. Those are the scans of an instance not seen for {@code stale} (by
     * the database clock), this instance's own from before {@code selfStartedAt} (a restart under a
     * fixed {@code HXO_INSTANCE_ID}), and scans without an instance (queued by a version before V4)
     * after an hour, so a rolling upgrade does not fail the old version's running scans.
     */
    public Uni<List<Abandoned>> failAbandoned(String self, Instant selfStartedAt, Duration stale, Instant at) {
        return guarded(pool.withTransaction(conn -> conn.preparedQuery(FAIL_ABANDONED)
                .execute(Tuple.of(ts(at), self, ts(selfStartedAt), stale.toMillis() / 1000.0))
                .map(rows -> {
                    List<Abandoned> out = new ArrayList<>();
                    for (Row r : rows) {
                        out.add(new Abandoned(r.getString(0), r.getString(1), r.getBoolean(2), r.getString(3)));
                    }
                    return out;
                })
                .call(() -> conn.query("DELETE FROM arie.instances WHERE seen_at < now() - interval '1 day'")
                        .execute())));
    }

    /**
     * Marks a queued scan running.
     *
     * @return false when the scan is no longer queued (failed as abandoned meanwhile): it must not run
     */
    public Uni<Boolean> running(String id, Instant at) {
        return guarded(Panache.withTransaction(() -> ScanEntity.update(
                "status = 'running', startedAt = ?1 where id = ?2 and status = 'queued'", at, id))
                .map(n -> n == 1));
    }

    /**
     * Fails an unfinished scan.
     *
     * @return false when the scan had already ended (an abandoned scan is failed once)
     */
    public Uni<Boolean> failed(String id, String error, Instant at) {
        return guarded(Panache.withTransaction(() -> ScanEntity.update(
                "status = 'failed', error = ?1, finishedAt = ?2 where id = ?3 and status in ('queued', 'running')",
                error, at, id))
                .map(n -> n == 1));
    }

    /**
     * The finished scan: its report, SARIF, summary and every finding, in one transaction; nothing
     * when the scan has ended meanwhile (failed as abandoned while it ran: its outcome was announced).
     * The scan's row is updated first, so a scan that is no longer unfinished gets no findings.
     *
     * @return whether the scan was stored as done
     */
    public Uni<Boolean> done(String id, AuditReport report, Object summary, String sarif) {
        List<ReportedFinding> all = new ArrayList<>(report.findings());
        all.addAll(report.suppressed());
        List<Tuple> rows = new ArrayList<>(all.size());
        for (ReportedFinding f : all) {
            rows.add(Tuple.tuple().addString(id).addString(f.fingerprint()).addString(f.ruleId())
                    .addString(f.severity().wireName()).addString(f.location().file())
                    .addInteger(f.location().line()).addString(f.location().service())
                    .addString(f.location().fact()).addString(f.message()).addString(f.baseline().wireName())
                    .addBoolean(f.suppressedBecause() != null));
        }
        Tuple scan = Tuple.tuple().addOffsetDateTime(ts(report.finishedAt())).addString(Json.text(summary))
                .addString(Json.text(report)).addString(sarif).addString(id);
        return guarded(pool.withTransaction(conn -> conn.preparedQuery(DONE).execute(scan)
                .chain(updated -> updated.rowCount() == 0 ? Uni.createFrom().item(false)
                        : insertFindings(conn, rows).replaceWith(true))));
    }

    private static Uni<Void> insertFindings(SqlConnection conn, List<Tuple> rows) {
        // One pipelined batch: the statement is parsed once and the rows go without a round trip each.
        return rows.isEmpty() ? Uni.createFrom().voidItem()
                : conn.preparedQuery(INSERT_FINDING).executeBatch(rows).replaceWithVoid();
    }

    /** The baseline: every fingerprint of the latest finished scan that was not read-only. */
    public Uni<List<String>> baseline() {
        return guarded(Panache.withSession(() -> ScanEntity
                .<ScanEntity>find("status = 'done' and readOnly = false", Sort.descending("finishedAt", "createdAt"))
                .firstResult()
                .chain(latest -> latest == null ? Uni.createFrom().item(List.<String>of())
                        : FindingEntity.<FindingEntity>list("scanId", latest.id)
                                .map(found -> found.stream().map(f -> f.fingerprint).toList()))));
    }

    /** Every suppression: fingerprint to reason. */
    public Uni<Map<String, String>> suppressions() {
        return guarded(Panache.withSession(() -> SuppressionEntity.<SuppressionEntity>listAll()).map(all -> {
            Map<String, String> out = new HashMap<>();
            all.forEach(s -> out.put(s.fingerprint, s.reason));
            return out;
        }));
    }

    /**
     * Accepts a finding by fingerprint; a second suppression of the same fingerprint replaces the first.
     * One upsert, not a read then a persist: two suppressions of a new fingerprint at once (two
     * instances, or two commands in flight) both saw no row and the second insert failed.
     */
    public Uni<Void> suppress(String fingerprint, String reason, String by, Instant at) {
        return guarded(pool.preparedQuery(SUPPRESS)
                .execute(Tuple.of(fingerprint, reason, by, at.atOffset(ZoneOffset.UTC)))
                .replaceWithVoid());
    }

    /** The scan with this id, or the latest one when {@code id} is null. */
    public Uni<Optional<StoredScan>> find(String id) {
        Uni<io.vertx.mutiny.sqlclient.RowSet<Row>> rows = id == null
                ? pool.query(FIND + " ORDER BY created_at DESC LIMIT 1").execute()
                : pool.preparedQuery(FIND + " WHERE id = $1").execute(Tuple.of(id));
        return guarded(rows.map(found -> {
            if (found.size() == 0) {
                return Optional.empty();
            }
            Row r = found.iterator().next();
            return Optional.of(new StoredScan(r.getString(0), r.getString(1), r.getString(2), r.getBoolean(3),
                    r.getString(4), r.getString(5), r.getString(6), instant(r, 7), instant(r, 8), instant(r, 9),
                    r.getString(10), json(r, 11), json(r, 12), json(r, 13)));
        }));
    }

    /** Keeps a certificate ARIE read on {@code hxo.aggregate.finalized}; the latest one of a plan wins. */
    public Uni<Void> certificate(Events.Certificate cert, Instant at) {
        return guarded(Panache.withTransaction(() -> CertificateEntity.<CertificateEntity>findById(cert.planId())
                .chain(found -> {
                    CertificateEntity c = found == null ? new CertificateEntity() : found;
                    c.planId = cert.planId();
                    c.merkleRoot = cert.merkleRoot();
                    c.leafCount = cert.leafCount();
                    c.hashAlg = cert.hashAlg();
                    c.outcome = cert.outcome();
                    c.decidedAt = cert.decidedAt();
                    c.receivedAt = at;
                    return found == null ? c.persist() : Uni.createFrom().item(c);
                })).replaceWithVoid());
    }

    /** Every certified plan ARIE has kept, oldest first. */
    public Uni<List<CertifiedPlan>> certified() {
        return guarded(Panache.withSession(() -> CertificateEntity.<CertificateEntity>list("order by receivedAt"))
                .map(all -> all.stream().map(c -> new CertifiedPlan(c.planId, c.merkleRoot, c.leafCount, c.hashAlg))
                        .toList()));
    }

    private static <T> Uni<T> guarded(Uni<T> call) {
        return call.onFailure(f -> !(f instanceof StoreException)).transform(StoreException::new);
    }

    private static OffsetDateTime ts(Instant at) {
        return at == null ? null : OffsetDateTime.ofInstant(at, ZoneOffset.UTC);
    }

    private static Instant instant(Row r, int col) {
        OffsetDateTime t = r.getOffsetDateTime(col);
        return t == null ? null : t.toInstant();
    }

    private static JsonNode json(Row r, int col) {
        String text = r.getString(col);
        return text == null ? null : Json.tree(text.getBytes(StandardCharsets.UTF_8));
    }
}
