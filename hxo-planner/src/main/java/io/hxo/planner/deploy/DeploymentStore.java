package io.hxo.planner.deploy;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.db.Db;
import io.hxo.runtime.blocking.Awaiting;
import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.panache.common.Page;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Deployments (rollback points), where CI deployed them, and the platform roll-backs they made, in
 * schema {@code hxo}: Panache entities ({@link DeploymentEntity}, {@link PlatformDeployEntity},
 * {@link PlatformRollbackEntity}) on Hibernate Reactive. Callers are blocking threads (the owner
 * thread, {@code @Blocking} consumers): each method waits for its transaction ({@link Db#panache}).
 */
@ApplicationScoped
public class DeploymentStore {
    private static final String CERTIFIED = "certified";

    /** A rollback point as listed to operators; {@code certificate} is null unless its plan is certified. */
    public record Deployment(UUID deploymentId, UUID planId, String name, String merkleRoot, JsonNode certificate,
            UUID rollbackOf, String hookStatus, Instant finishedAt) {

        public boolean certified() {
            return certificate != null;
        }
    }

    /** Where CI reported a plan's result was deployed: a platform, its service, the platform's deploy id. */
    public record PlatformDeploy(String platform, String serviceId, String deployId) {
    }

    /**
     * Records a deployment, once per plan, and returns the plan's deployment while it has not been
     * announced: this one, just recorded, or one recorded before whose announcement never went out
     * (its planner stopped in between). Empty once the plan's deployment has been announced.
     */
    public Optional<Deployment> record(Deployment d) {
        DeploymentEntity row = Awaiting.onContext(() -> Panache.withTransaction(
                () -> byPlan(d.planId()).onItem().ifNull().switchTo(() -> entity(d).<DeploymentEntity>persist()))
                // another instance recorded the plan's deployment at the same moment (plan_id is unique): read it
                .onFailure(Db::duplicate).recoverWithUni(() -> Panache.withSession(() -> byPlan(d.planId()))),
                StoreException.about("record deployment"));
        if (row == null || row.announcedAt != null) {
            return Optional.empty();
        }
        return Optional.of(new Deployment(row.deploymentId, row.planId, row.name, row.merkleRoot, null, row.rollbackOf,
                null, row.finishedAt));
    }

    private static Uni<DeploymentEntity> byPlan(UUID planId) {
        return DeploymentEntity.find("planId", planId).firstResult();
    }

    private static DeploymentEntity entity(Deployment d) {
        DeploymentEntity e = new DeploymentEntity();
        e.deploymentId = d.deploymentId();
        e.planId = d.planId();
        e.name = d.name();
        e.merkleRoot = d.merkleRoot();
        e.rollbackOf = d.rollbackOf();
        e.finishedAt = d.finishedAt();
        return e;
    }

    /** Notes that the deployment went out on {@code deploy.platform.success}. */
    public void announced(UUID deploymentId, Instant at) {
        Awaiting.onContext(() -> Panache.withTransaction(
                () -> DeploymentEntity.update("announcedAt = ?1 where deploymentId = ?2", at, deploymentId)),
                StoreException.about("note deployment announced"));
    }

    public void hookResult(UUID deploymentId, String status) {
        Awaiting.onContext(() -> Panache.withTransaction(
                () -> DeploymentEntity.update("hookStatus = ?1 where deploymentId = ?2", status, deploymentId)),
                StoreException.about("note hook result"));
    }

    /** The rollback points: deployments of certified plans, newest first. */
    public List<Deployment> list(int limit) {
        return rows(Awaiting.onContext(() -> Panache.withSession(() -> DeploymentEntity
                .<DeploymentEntity>find("planStatus = ?1", Sort.descending("finishedAt"), CERTIFIED)
                .page(Page.ofSize(limit)).list()), StoreException.about("list rollback points")));
    }

    /**
     * Deployments of certified plans of these partitions, recorded since {@code since}, whose
     * announcement never reached the broker (the planner stopped, or the broker was away).
     */
    public List<Deployment> unannounced(Collection<Integer> partitions, Instant since) {
        if (partitions.isEmpty()) {
            return List.of();
        }
        List<Integer> owned = List.copyOf(partitions);
        return rows(Awaiting.onContext(() -> Panache.withSession(() -> DeploymentEntity
                .<DeploymentEntity>list("planStatus = ?1 and announcedAt is null and finishedAt > ?2 and planPartition in ?3",
                        Sort.ascending("finishedAt"), CERTIFIED, since, owned)),
                        StoreException.about("find unannounced deployments")));
    }

    public Optional<Deployment> find(UUID deploymentId) {
        DeploymentEntity row = Awaiting.onContext(() -> Panache.withSession(
                () -> DeploymentEntity.<DeploymentEntity>findById(deploymentId)),
                StoreException.about("find deployment"));
        return Optional.ofNullable(row).map(DeploymentStore::row);
    }

    /** The latest certified deployment whose plan ended with this Merkle root (its manifest root). */
    public Optional<Deployment> findByRoot(String merkleRoot) {
        DeploymentEntity row = Awaiting.onContext(() -> Panache.withSession(() -> DeploymentEntity
                .<DeploymentEntity>find("merkleRoot = ?1 and planStatus = ?2", Sort.descending("finishedAt"), merkleRoot,
                        CERTIFIED)
                .<DeploymentEntity>firstResult()), StoreException.about("find deployment by root"));
        return Optional.ofNullable(row).map(DeploymentStore::row);
    }

    private static List<Deployment> rows(List<DeploymentEntity> entities) {
        List<Deployment> out = new ArrayList<>(entities.size());
        entities.forEach(e -> out.add(row(e)));
        return out;
    }

    private static Deployment row(DeploymentEntity e) {
        JsonNode cert = e.certificate == null ? null : Json.tree(e.certificate.getBytes(StandardCharsets.UTF_8));
        return new Deployment(e.deploymentId, e.planId, e.name, e.merkleRoot, cert, e.rollbackOf, e.hookStatus,
                e.finishedAt);
    }

    /** Records where a plan was deployed (the latest report per platform service wins). */
    public void platformDeployed(UUID planId, PlatformDeploy p) {
        Awaiting.onContext(() -> Panache.withTransaction(() -> PlatformDeployEntity
                .<PlatformDeployEntity>findById(new PlatformDeployEntity.Key(planId, p.platform(), p.serviceId()))
                .chain(found -> {
                    PlatformDeployEntity row = found != null ? found : new PlatformDeployEntity();
                    row.planId = planId;
                    row.platform = p.platform();
                    row.serviceId = p.serviceId();
                    row.deployId = p.deployId();
                    row.reportedAt = Instant.now();
                    return found != null ? Uni.createFrom().item(row) : row.<PlatformDeployEntity>persist();
                }))
                // the same report handled twice at once: the second attempt finds the first one's row
                .onFailure(Db::duplicate).retry().atMost(1), StoreException.about("record platform deploy"));
    }

    public List<PlatformDeploy> platformDeploys(UUID planId) {
        List<PlatformDeployEntity> rows = Awaiting.onContext(() -> Panache.withSession(
                () -> PlatformDeployEntity.list("planId", Sort.by("platform").and("serviceId"), planId)),
                StoreException.about("read platform deploys"));
        return rows.stream().map(r -> new PlatformDeploy(r.platform, r.serviceId, r.deployId)).toList();
    }

    /** Claims the roll-back of one platform service for a rollback deployment: false when it was claimed before. */
    public boolean claimPlatformRollback(UUID rollbackDeployment, PlatformDeploy p) {
        return Awaiting.onContext(() -> Panache.withTransaction(() -> PlatformRollbackEntity
                .<PlatformRollbackEntity>findById(new PlatformRollbackEntity.Key(rollbackDeployment, p.platform(),
                        p.serviceId()))
                .chain(found -> {
                    if (found != null) {
                        return Uni.createFrom().item(false);
                    }
                    PlatformRollbackEntity claim = new PlatformRollbackEntity();
                    claim.deploymentId = rollbackDeployment;
                    claim.platform = p.platform();
                    claim.serviceId = p.serviceId();
                    claim.deployId = p.deployId();
                    claim.status = "requested";
                    claim.updatedAt = Instant.now();
                    return claim.persist().replaceWith(true);
                }))
                // claimed by another instance between our read and our insert
                .onFailure(Db::duplicate).recoverWithItem(false), StoreException.about("claim platform rollback"));
    }

    public void platformRollbackResult(UUID rollbackDeployment, PlatformDeploy p, String status) {
        Awaiting.onContext(() -> Panache.withTransaction(() -> PlatformRollbackEntity.update(
                "status = ?1, updatedAt = ?2 where deploymentId = ?3 and platform = ?4 and serviceId = ?5", status,
                Instant.now(), rollbackDeployment, p.platform(), p.serviceId())),
                StoreException.about("note platform rollback"));
    }
}
