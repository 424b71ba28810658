package io.hxo.arie.store;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.arie.report.AuditReport;
import io.hxo.arie.report.ReportedFinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.payload.Events;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.sql.Types;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.sql.DataSource;

/** ARIE's tables (schema {@code arie}): scans, their findings, suppressions, certificates seen. */
@ApplicationScoped
public class ScanStore {
    /** Findings are inserted in batches of this many rows. */
    static final int BATCH = 500;

    /** A scan row as the report query needs it. */
    public record StoredScan(String id, String trigger, String requestedBy, boolean readOnly, String workspace,
            String deployment, String status, Instant createdAt, Instant startedAt, Instant finishedAt, String error, JsonNode summary,
            JsonNode report, JsonNode sarif) {
    }

    private final DataSource ds;

    public ScanStore(DataSource ds) {
        this.ds = ds;
    }

    /**
     * Stores a scan as queued by {@code instance}, and that instance as alive now (in the same
     * statement, so no reaper can take the scan for abandoned before the instance's first tick).
     */
    public void create(String id, Arie.ScanRequest req, String instance, Instant at) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH seen AS (%s)
                INSERT INTO arie.scans (id, trigger, requested_by, read_only, workspace, deployment, status, created_at,
                                        instance)
                VALUES (?, ?, ?, ?, ?, ?, 'queued', ?, ?)""".formatted(ALIVE))) {
            ps.setString(1, instance);
            ps.setString(2, id);
            ps.setString(3, req.trigger());
            ps.setString(4, req.requestedBy());
            ps.setBoolean(5, req.readOnly());
            ps.setString(6, req.workspace());
            ps.setString(7, req.deployment());
            ps.setTimestamp(8, Timestamp.from(at));
            ps.setString(9, instance);
            ps.executeUpdate();
        }
    }

    private static final String ALIVE = """
            INSERT INTO arie.instances (instance, seen_at) VALUES (?, now())
            ON CONFLICT (instance) DO UPDATE SET seen_at = EXCLUDED.seen_at""";

    /** Records that this instance is alive now (database clock). */
    public void alive(String instance) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(ALIVE)) {
            ps.setString(1, instance);
            ps.executeUpdate();
        }
    }

    /** A scan failed because the instance that queued it stopped. */
    public record Abandoned(String id, String trigger, boolean readOnly, String error) {
    }

    /**
     * Fails the queued and running scans nobody will finish, and forgets instances not seen for a day;
     * returns the scans it failed. Those are the scans of an instance not seen for {@code stale} (by
     * the database clock), this instance's own from before {@code selfStartedAt} (a restart under a
     * fixed {@code HXO_INSTANCE_ID}), and scans without an instance (queued by a version before V4)
     * after an hour, so a rolling upgrade does not fail the old version's running scans.
     */
    public List<Abandoned> failAbandoned(String self, Instant selfStartedAt, java.time.Duration stale, Instant at)
            throws SQLException {
        List<Abandoned> out = new ArrayList<>();
        try (Connection c = ds.getConnection()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    UPDATE arie.scans s SET status = 'failed', finished_at = ?,
                        error = 'interrupted: arie-auditor instance ' || coalesce(s.instance, '(unknown)')
                                || ' stopped before the scan finished'
                    WHERE s.status IN ('queued', 'running') AND CASE
                        WHEN s.instance IS NULL THEN s.created_at < now() - interval '1 hour'
                        WHEN s.instance = ? THEN s.created_at < ?
                        ELSE NOT EXISTS (SELECT 1 FROM arie.instances i
                            WHERE i.instance = s.instance AND i.seen_at >= now() - make_interval(secs => ?)) END
                    RETURNING s.id, s.trigger, s.read_only, s.error""")) {
                ps.setTimestamp(1, Timestamp.from(at));
                ps.setString(2, self);
                ps.setTimestamp(3, Timestamp.from(selfStartedAt));
                ps.setDouble(4, stale.toMillis() / 1000.0);
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        out.add(new Abandoned(rs.getString(1), rs.getString(2), rs.getBoolean(3), rs.getString(4)));
                    }
                }
            }
            try (PreparedStatement ps = c.prepareStatement(
                    "DELETE FROM arie.instances WHERE seen_at < now() - interval '1 day'")) {
                ps.executeUpdate();
            }
        }
        return out;
    }

    /**
     * Marks a queued scan running.
     *
     * @return false when the scan is no longer queued (failed as abandoned meanwhile): it must not run
     */
    public boolean running(String id, Instant at) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "UPDATE arie.scans SET status = 'running', started_at = ? WHERE id = ? AND status = 'queued'")) {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setString(2, id);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * Fails an unfinished scan.
     *
     * @return false when the scan had already ended (an abandoned scan is failed once)
     */
    public boolean failed(String id, String error, Instant at) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("UPDATE arie.scans"
                + " SET status = 'failed', error = ?, finished_at = ? WHERE id = ? AND status IN ('queued', 'running')")) {
            ps.setString(1, error);
            ps.setTimestamp(2, Timestamp.from(at));
            ps.setString(3, id);
            return ps.executeUpdate() == 1;
        }
    }

    /**
     * The finished scan: its report, SARIF, summary and every finding, in one transaction; nothing
     * when the scan has ended meanwhile (failed as abandoned while it ran: its outcome was announced).
     *
     * @return whether the scan was stored as done
     */
    public boolean done(String id, AuditReport report, Object summary, String sarif) throws SQLException {
        try (Connection c = ds.getConnection()) {
            c.setAutoCommit(false);
            try {
                try (PreparedStatement ps = c.prepareStatement("INSERT INTO arie.findings (scan_id, fingerprint, rule_id,"
                        + " severity, file, line, service, fact, message, baseline, suppressed)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?) ON CONFLICT DO NOTHING")) {
                    int n = 0;
                    List<ReportedFinding> all = new ArrayList<>(report.findings());
                    all.addAll(report.suppressed());
                    for (ReportedFinding f : all) {
                        ps.setString(1, id);
                        ps.setString(2, f.fingerprint());
                        ps.setString(3, f.ruleId());
                        ps.setString(4, f.severity().wireName());
                        ps.setString(5, f.location().file());
                        if (f.location().line() == null) {
                            ps.setNull(6, Types.INTEGER);
                        } else {
                            ps.setInt(6, f.location().line());
                        }
                        ps.setString(7, f.location().service());
                        ps.setString(8, f.location().fact());
                        ps.setString(9, f.message());
                        ps.setString(10, f.baseline().wireName());
                        ps.setBoolean(11, f.suppressedBecause() != null);
                        ps.addBatch();
                        if (++n % BATCH == 0) {
                            ps.executeBatch();
                        }
                    }
                    if (n % BATCH != 0) {
                        ps.executeBatch();
                    }
                }
                try (PreparedStatement ps = c.prepareStatement("UPDATE arie.scans SET status = 'done', finished_at = ?,"
                        + " summary = ?::jsonb, report = ?::jsonb, sarif = ?::jsonb"
                        + " WHERE id = ? AND status IN ('queued', 'running')")) {
                    ps.setTimestamp(1, Timestamp.from(report.finishedAt()));
                    ps.setString(2, Json.text(summary));
                    ps.setString(3, Json.text(report));
                    ps.setString(4, sarif);
                    ps.setString(5, id);
                    if (ps.executeUpdate() == 0) {
                        c.rollback();
                        return false;
                    }
                }
                c.commit();
                return true;
            } catch (SQLException | RuntimeException e) {
                c.rollback();
                throw e;
            }
        }
    }

    /** The baseline: every fingerprint of the latest finished scan that was not read-only. */
    public List<String> baseline() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT fingerprint FROM arie.findings WHERE scan_id = (SELECT id FROM arie.scans WHERE status = 'done'"
                        + " AND NOT read_only ORDER BY finished_at DESC, created_at DESC LIMIT 1)")) {
            List<String> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(rs.getString(1));
                }
            }
            return out;
        }
    }

    public Map<String, String> suppressions() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT fingerprint, reason FROM arie.suppressions")) {
            Map<String, String> out = new HashMap<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.put(rs.getString(1), rs.getString(2));
                }
            }
            return out;
        }
    }

    public void suppress(String fingerprint, String reason, String by, Instant at) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO arie.suppressions (fingerprint, reason, suppressed_by, suppressed_at) VALUES (?, ?, ?, ?)"
                        + " ON CONFLICT (fingerprint) DO UPDATE SET reason = EXCLUDED.reason,"
                        + " suppressed_by = EXCLUDED.suppressed_by, suppressed_at = EXCLUDED.suppressed_at")) {
            ps.setString(1, fingerprint);
            ps.setString(2, reason);
            ps.setString(3, by);
            ps.setTimestamp(4, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /** The scan with this id, or the latest one when {@code id} is null. */
    public Optional<StoredScan> find(String id) throws SQLException {
        String sql = "SELECT id, trigger, requested_by, read_only, workspace, status, created_at, started_at,"
                + " finished_at, error, summary, report, sarif, deployment FROM arie.scans "
                + (id == null ? "ORDER BY created_at DESC LIMIT 1" : "WHERE id = ?");
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            if (id != null) {
                ps.setString(1, id);
            }
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next()) {
                    return Optional.empty();
                }
                return Optional.of(new StoredScan(rs.getString(1), rs.getString(2), rs.getString(3),
                        rs.getBoolean(4), rs.getString(5), rs.getString(14), rs.getString(6), instant(rs, 7), instant(rs, 8),
                        instant(rs, 9), rs.getString(10), json(rs, 11), json(rs, 12), json(rs, 13)));
            }
        }
    }

    /** Keeps a certificate ARIE read on {@code hxo.aggregate.finalized}; the latest one of a plan wins. */
    public void certificate(Events.Certificate cert, Instant at) throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "INSERT INTO arie.certificates (plan_id, merkle_root, leaf_count, hash_alg, outcome, decided_at, received_at)"
                        + " VALUES (?, ?, ?, ?, ?, ?, ?) ON CONFLICT (plan_id) DO UPDATE SET"
                        + " merkle_root = EXCLUDED.merkle_root, leaf_count = EXCLUDED.leaf_count,"
                        + " hash_alg = EXCLUDED.hash_alg, outcome = EXCLUDED.outcome,"
                        + " decided_at = EXCLUDED.decided_at, received_at = EXCLUDED.received_at")) {
            ps.setString(1, cert.planId());
            ps.setString(2, cert.merkleRoot());
            ps.setLong(3, cert.leafCount());
            ps.setString(4, cert.hashAlg());
            ps.setString(5, cert.outcome());
            ps.setTimestamp(6, cert.decidedAt() == null ? null : Timestamp.from(cert.decidedAt()));
            ps.setTimestamp(7, Timestamp.from(at));
            ps.executeUpdate();
        }
    }

    /** A certified plan as ARIE stored it. */
    public record CertifiedPlan(String planId, String merkleRoot, long leafCount, String hashAlg) {
    }

    public List<CertifiedPlan> certified() throws SQLException {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT plan_id, merkle_root, leaf_count, hash_alg FROM arie.certificates ORDER BY received_at")) {
            List<CertifiedPlan> out = new ArrayList<>();
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new CertifiedPlan(rs.getString(1), rs.getString(2), rs.getLong(3), rs.getString(4)));
                }
            }
            return out;
        }
    }

    private static Instant instant(ResultSet rs, int col) throws SQLException {
        Timestamp t = rs.getTimestamp(col);
        return t == null ? null : t.toInstant();
    }

    private static JsonNode json(ResultSet rs, int col) throws SQLException {
        String text = rs.getString(col);
        return text == null ? null : Json.tree(text.getBytes(java.nio.charset.StandardCharsets.UTF_8));
    }
}
