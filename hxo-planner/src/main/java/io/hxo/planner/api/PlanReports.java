package io.hxo.planner.api;

import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.payload.PlanStatus;
import io.hxo.contracts.payload.Reply;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.execute.PlanOwner;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

/** Status documents of stored plans, and the final report of a plan. */
@ApplicationScoped
public class PlanReports {
    private final PlanStore store;
    private final PlanOwner owner;

    public PlanReports(PlanStore store, PlanOwner owner) {
        this.store = store;
        this.owner = owner;
    }

    static PlanStatus stored(PlanStore.StoredPlan p, PlanStore store) {
        long pending = Math.max(0, p.totalShards() - p.done() - p.failed());
        Map<String, String> roots = store.stageRoots(p.planId());
        List<PlanStatus.StageStatus> stages = new ArrayList<>();
        for (var stage : p.spec().path("stages")) {
            String id = stage.path("id").asText();
            stages.add(new PlanStatus.StageStatus(id, stage.path("kind").asText(),
                    roots.containsKey(id) ? "completed" : p.status(), -1, null, roots.get(id), null));
        }
        return new PlanStatus(p.planId().toString(), p.name(), p.status(), p.totalShards(),
                new PlanStatus.ShardCounts(pending, 0, p.done(), p.failed(), p.cached(), p.split()), p.merkleRoot(),
                p.hashAlg(), p.certificate(), p.createdAt(), p.startedAt(), p.finishedAt(), null, p.error(), stages);
    }

    /** Status, duration, per-stage roots, every shard that failed for good, and the plan as run. */
    Reply report(UUID planId) {
        Optional<PlanStore.StoredPlan> found = store.plan(planId);
        if (found.isEmpty()) {
            return CommandHandler.notFound(planId);
        }
        PlanStore.StoredPlan p = found.get();
        PlanStatus status = owner.liveStatus(planId).orElseGet(() -> stored(p, store));
        Map<String, Object> body = new LinkedHashMap<>();
        body.put("status", status);
        if (p.startedAt() != null && p.finishedAt() != null) {
            body.put("duration_ms", Duration.between(p.startedAt(), p.finishedAt()).toMillis());
        }
        List<Map<String, Object>> failures = new ArrayList<>();
        for (PlanStore.Failure f : store.failures(planId)) {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("slot", f.slot());
            m.put("stage_id", f.stageId());
            m.put("cas_id", Hex.of(f.casId()));
            m.put("attempts", f.attempts());
            m.put("error", f.error());
            failures.add(m);
        }
        body.put("failures", failures);
        body.put("splits", store.splits(planId).size());
        body.put("plan", p.spec());
        return Reply.ok(200, body);
    }
}
