package io.hxo.planner.deploy;

import io.hxo.planner.checkpoint.StoreException;
import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.checkpoint.PlanStore;
import jakarta.enterprise.context.ApplicationScoped;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import javax.sql.DataSource;

/** Deployments (rollback points) in schema {@code hxo}. */
@ApplicationScoped
public class DeploymentStore {
    /**
     * A deployment with its plan's certificate. The plan's row is the one place a certificate is
     * written (the deployment's own {@code certificate} column from V4 is no longer filled), so a
     * deployment can never miss the certificate its plan has.
     */
    private static final String SELECT = """
            SELECT d.deployment_id, d.plan_id, d.name, d.merkle_root, d.rollback_of, d.hook_status, d.finished_at,
                   CASE WHEN p.status = 'certified' THEN p.certificate END AS certificate
            FROM hxo.deployments d LEFT JOIN hxo.plans p ON p.plan_id = d.plan_id""";

    private final DataSource ds;

    public DeploymentStore(DataSource ds) {
        this.ds = ds;
    }

    /** A rollback point as listed to operators; {@code certificate} is null unless its plan is certified. */
    public record Deployment(UUID deploymentId, UUID planId, String name, String merkleRoot, JsonNode certificate,
            UUID rollbackOf, String hookStatus, Instant finishedAt) {

        public boolean certified() {
            return certificate != null;
        }
    }

    /**
     * Records a deployment, once per plan, and returns the plan's deployment while it has not been
     * announced: this one, just recorded, or one recorded before whose announcement never went out
     * (its planner stopped in between). Empty once the plan's deployment has been announced.
     */
    public Optional<Deployment> record(Deployment d) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                WITH added AS (
                    INSERT INTO hxo.deployments (deployment_id, plan_id, name, merkle_root, rollback_of, finished_at)
                    VALUES (?, ?, ?, ?, ?, ?) ON CONFLICT (plan_id) DO NOTHING
                    RETURNING deployment_id, name, merkle_root, rollback_of, finished_at, announced_at)
                SELECT * FROM added
                UNION ALL SELECT deployment_id, name, merkle_root, rollback_of, finished_at, announced_at
                FROM hxo.deployments WHERE plan_id = ?""")) {
            ps.setObject(1, d.deploymentId());
            ps.setObject(2, d.planId());
            ps.setString(3, d.name());
            ps.setString(4, d.merkleRoot());
            ps.setObject(5, d.rollbackOf());
            ps.setTimestamp(6, Timestamp.from(d.finishedAt()));
            ps.setObject(7, d.planId());
            try (ResultSet rs = ps.executeQuery()) {
                if (!rs.next() || rs.getTimestamp(6) != null) {
                    return Optional.empty();
                }
                return Optional.of(new Deployment(rs.getObject(1, UUID.class), d.planId(), rs.getString(2),
                        rs.getString(3), null, rs.getObject(4, UUID.class), null, rs.getTimestamp(5).toInstant()));
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    /** Notes that the deployment went out on {@code deploy.platform.success}. */
    public void announced(UUID deploymentId, Instant at) {
        exec("UPDATE hxo.deployments SET announced_at = ? WHERE deployment_id = ?", ps -> {
            ps.setTimestamp(1, Timestamp.from(at));
            ps.setObject(2, deploymentId);
        });
    }

    public void hookResult(UUID deploymentId, String status) {
        exec("UPDATE hxo.deployments SET hook_status = ? WHERE deployment_id = ?", ps -> {
            ps.setString(1, status);
            ps.setObject(2, deploymentId);
        });
    }

    /** The rollback points: deployments of certified plans, newest first. */
    public List<Deployment> list(int limit) {
        return many(SELECT + " WHERE p.status = 'certified' ORDER BY d.finished_at DESC LIMIT ?", ps -> ps.setInt(1, limit));
    }

    /**
     * Deployments of certified plans of these partitions, recorded since {@code since}, whose
     * announcement never reached the broker (the planner stopped, or the broker was away).
     */
    public List<Deployment> unannounced(java.util.Collection<Integer> partitions, Instant since) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        return many(SELECT + " WHERE p.status = 'certified' AND d.announced_at IS NULL AND d.finished_at > ?"
                + " AND p.owner_partition = ANY(?) ORDER BY d.finished_at", ps -> {
            ps.setTimestamp(1, Timestamp.from(since));
            ps.setArray(2, ps.getConnection().createArrayOf("int4", partitions.toArray()));
        });
    }

    private List<Deployment> many(String sql, Binder binder) {
        List<Deployment> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(row(rs));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
        return out;
    }

    public Optional<Deployment> find(UUID deploymentId) {
        return first(SELECT + " WHERE d.deployment_id = ?", ps -> ps.setObject(1, deploymentId));
    }

    /** The latest certified deployment whose plan ended with this Merkle root (its manifest root). */
    public Optional<Deployment> findByRoot(String merkleRoot) {
        return first(SELECT + " WHERE d.merkle_root = ? AND p.status = 'certified' ORDER BY d.finished_at DESC LIMIT 1",
                ps -> ps.setString(1, merkleRoot));
    }

    private Optional<Deployment> first(String sql, Binder binder) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(row(rs)) : Optional.empty();
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    private static Deployment row(ResultSet rs) throws SQLException {
        String cert = rs.getString("certificate");
        return new Deployment(rs.getObject("deployment_id", UUID.class), rs.getObject("plan_id", UUID.class),
                rs.getString("name"), rs.getString("merkle_root"),
                cert == null ? null : Json.tree(cert.getBytes(java.nio.charset.StandardCharsets.UTF_8)),
                rs.getObject("rollback_of", UUID.class), rs.getString("hook_status"),
                rs.getTimestamp("finished_at").toInstant());
    }

    /** Where CI reported a plan's result was deployed: a platform, its service, the platform's deploy id. */
    public record PlatformDeploy(String platform, String serviceId, String deployId) {
    }

    /** Records where a plan was deployed (the latest report per platform service wins). */
    public void platformDeployed(UUID planId, PlatformDeploy p) {
        exec("""
                INSERT INTO hxo.platform_deploys (plan_id, platform, service_id, deploy_id) VALUES (?, ?, ?, ?)
                ON CONFLICT (plan_id, platform, service_id) DO UPDATE SET deploy_id = EXCLUDED.deploy_id,
                    reported_at = now()""", ps -> {
            ps.setObject(1, planId);
            ps.setString(2, p.platform());
            ps.setString(3, p.serviceId());
            ps.setString(4, p.deployId());
        });
    }

    public List<PlatformDeploy> platformDeploys(UUID planId) {
        List<PlatformDeploy> out = new ArrayList<>();
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(
                "SELECT platform, service_id, deploy_id FROM hxo.platform_deploys WHERE plan_id = ? ORDER BY platform, service_id")) {
            ps.setObject(1, planId);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    out.add(new PlatformDeploy(rs.getString(1), rs.getString(2), rs.getString(3)));
                }
            }
        } catch (SQLException e) {
            throw new StoreException(e);
        }
        return out;
    }

    /** Claims the roll-back of one platform service for a rollback deployment: false when it was claimed before. */
    public boolean claimPlatformRollback(UUID rollbackDeployment, PlatformDeploy p) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement("""
                INSERT INTO hxo.platform_rollbacks (deployment_id, platform, service_id, deploy_id, status)
                VALUES (?, ?, ?, ?, 'requested') ON CONFLICT DO NOTHING""")) {
            ps.setObject(1, rollbackDeployment);
            ps.setString(2, p.platform());
            ps.setString(3, p.serviceId());
            ps.setString(4, p.deployId());
            return ps.executeUpdate() == 1;
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }

    public void platformRollbackResult(UUID rollbackDeployment, PlatformDeploy p, String status) {
        exec("UPDATE hxo.platform_rollbacks SET status = ?, updated_at = now() WHERE deployment_id = ? AND platform = ?"
                + " AND service_id = ?", ps -> {
            ps.setString(1, status);
            ps.setObject(2, rollbackDeployment);
            ps.setString(3, p.platform());
            ps.setString(4, p.serviceId());
        });
    }

    @FunctionalInterface
    interface Binder {
        void bind(PreparedStatement ps) throws SQLException;
    }

    private void exec(String sql, Binder binder) {
        try (Connection c = ds.getConnection(); PreparedStatement ps = c.prepareStatement(sql)) {
            binder.bind(ps);
            ps.executeUpdate();
        } catch (SQLException e) {
            throw new StoreException(e);
        }
    }
}
