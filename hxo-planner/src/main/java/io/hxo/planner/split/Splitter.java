package io.hxo.planner.split;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.EngineMetrics;
import io.hxo.planner.execute.ExecutorRegistry;
import io.hxo.planner.execute.ShardExecutor;
import io.hxo.planner.run.PlanRun;
import io.hxo.runtime.publish.HxoPublisher;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.List;
import java.util.Map;

/**
 * Autosplit: when a stage's measured p95 exceeds {@code HXO_AUTOSPLIT_P95_MS}, its splittable shards
 * not yet dispatched are split into {@code HXO_AUTOSPLIT_FACTOR} children, so the tail does not decide
 * the plan's duration; a timed-out shard is split rather than tried again as it is. Depth is bounded
 * by {@code HXO_HEAL_DEPTH_LIMIT}; an effect never splits; a shard that cannot split is reported.
 */
@ApplicationScoped
public class Splitter {
    /** Shard durations a stage needs before its p95 is trusted. */
    static final int MIN_SAMPLES = 3;

    private final ExecutorRegistry registry;
    private final HxoPublisher publisher;
    private final EngineMetrics metrics;
    private final PlannerConfig config;

    public Splitter(ExecutorRegistry registry, HxoPublisher publisher, EngineMetrics metrics, PlannerConfig config) {
        this.registry = registry;
        this.publisher = publisher;
        this.metrics = metrics;
        this.config = config;
    }

    public boolean splittable(PlanRun run, int slot) {
        return config.autosplitFactor() > 1 && !run.stageOf(slot).spec().effect()
                && run.depth(slot) < config.healDepthLimit();
    }

    /** A timed-out shard in flight, split instead of retried; false when it cannot split (it is retried). */
    public boolean splitTimedOut(PlanRun run, int slot) {
        if (!splittable(run, slot)) {
            return false;
        }
        List<JsonNode> children = children(run, slot, "timeout");
        if (children.isEmpty()) {
            return false;
        }
        String parentId = run.casHex(slot);
        run.splitInFlight(slot, children, "timeout");
        announce(run, slot, parentId, "timeout");
        return true;
    }

    /** Splits the slow stages' pending shards (p95 over the threshold). On the owner thread. */
    public void autosplit(PlanRun run) {
        for (PlanRun.StageRun s : run.stages()) {
            if (!s.prepared() || s.finished() || s.spec().effect() || s.samples() < MIN_SAMPLES
                    || s.p95() <= config.autosplitP95Ms()) {
                continue;
            }
            int n = 0;
            for (int slot : run.untouched(s)) {
                if (!splittable(run, slot)) {
                    continue;
                }
                List<JsonNode> children = children(run, slot, "p95");
                if (!children.isEmpty()) {
                    String parentId = run.casHex(slot);
                    run.split(slot, children, "p95");
                    announce(run, slot, parentId, "p95");
                    n++;
                }
            }
            if (n > 0) {
                publisher.emit(Topic.HXO_AUTOTUNE_SIGNAL, run.planId().toString(), new Events.AutotuneSignal(
                        run.planId().toString(), "autosplit", s.spec().id(), Map.of("p95_ms", s.p95(),
                        "threshold_ms", config.autosplitP95Ms(), "split", n, "factor", config.autosplitFactor())));
            }
        }
    }

    /** The children the shard's executor makes; none (reported as unsplittable) when it cannot split. */
    private List<JsonNode> children(PlanRun run, int slot, String reason) {
        PlanRun.StageRun s = run.stageOf(slot);
        ShardExecutor executor = registry.executor(s.spec().kind(), s.spec().executor()).orElse(null);
        List<JsonNode> children = executor == null || s.spec().effect() ? List.of()
                : executor.split(run.input(slot), config.autosplitFactor());
        if (children.size() < 2) {
            publisher.emit(Topic.HXO_AUTOTUNE_SIGNAL, run.planId().toString(), new Events.AutotuneSignal(
                    run.planId().toString(), "unsplittable", s.spec().id(), Map.of("slot", slot, "cas_id", run.casHex(slot),
                    "reason", reason)));
            return List.of();
        }
        return children;
    }

    private void announce(PlanRun run, int slot, String parentId, String reason) {
        metrics.split(1);
        publisher.emit(Topic.HXO_SHARD_SPLIT, run.planId().toString(), new Events.ShardSplit(run.planId().toString(),
                run.stageOf(slot).spec().id(), slot, parentId, run.childrenOf(slot), reason));
    }
}
