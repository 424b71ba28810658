package io.hxo.planner.messaging;

import io.hxo.planner.execute.Drainer;
import io.hxo.planner.execute.EngineMetrics;
import io.hxo.planner.run.PlanRuns;
import io.hxo.runtime.messaging.ServiceMessaging;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/** What the planner's heartbeat reports beyond the shared fields: its engine's load and what it owns. */
@ApplicationScoped
public class PlannerHeartbeat implements ServiceMessaging.HeartbeatExtras {
    private final EngineMetrics metrics;
    private final PlanRuns owner;
    private final Drainer drainer;

    public PlannerHeartbeat(EngineMetrics metrics, PlanRuns owner, Drainer drainer) {
        this.metrics = metrics;
        this.owner = owner;
        this.drainer = drainer;
    }

    @Override
    public Map<String, Double> load() {
        Map<String, Double> load = new LinkedHashMap<>(metrics.snapshot());
        load.put("active_plans", (double) owner.activePlans());
        load.put("draining", (double) drainer.state().ordinal());
        // Which partitions (and so which plans) this instance owns, as a bit mask.
        load.put("owned_partitions_mask", (double) owner.ownedPartitions().stream().mapToLong(p -> 1L << p).sum());
        return load;
    }
}
