package io.hxo.planner.dispatch;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.execute.EngineMetrics;
import io.hxo.planner.own.OwnerThread;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;

/**
 * Sends a plan's runnable shards to {@code hxo.shard.tasks}, as many as its dispatch window has room
 * for, in batches that spread over the workers. Each batch carries the plan's concurrency limit,
 * which the workers enforce. Nothing goes out while the instance drains or a resumed plan is held.
 */
@ApplicationScoped
public class Dispatcher {
    private final HxoPublisher publisher;
    private final PlannerConfig config;
    private final EngineMetrics metrics;
    private final PlanRuns runs;
    private final OwnerThread owner;
    private volatile boolean draining;

    public Dispatcher(HxoPublisher publisher, PlannerConfig config, EngineMetrics metrics, PlanRuns runs, OwnerThread owner) {
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
        this.runs = runs;
        this.owner = owner;
    }

    /** On the owner thread. */
    public void dispatch(PlanRun run) {
        int window = run.window();
        publishGauges(run.executionLimit());
        if (draining || run.held(System.nanoTime())) {
            return;
        }
        int free = window - run.inFlight();
        if (free <= 0) {
            return;
        }
        List<Integer> slots = run.take(free, System.nanoTime());
        int size = Math.max(1, Math.min(config.dispatch().batchSize(), window / 16));
        for (int from = 0; from < slots.size(); from += size) {
            List<Integer> part = slots.subList(from, Math.min(slots.size(), from + size));
            List<ShardWork.Task> tasks = new ArrayList<>(part.size());
            for (int slot : part) {
                PlanRun.StageRun s = run.stageOf(slot);
                tasks.add(new ShardWork.Task(s.spec().id(), slot, run.casHex(slot), s.spec().kind(), s.spec().executor(),
                        s.spec().executorVersion(), run.input(slot), run.attempts(slot) + 1, config.shardTimeoutMs()));
            }
            CloudEvent ev = publisher.event(ShardWork.TASKS, run.planId().toString(),
                    new ShardWork.TaskBatch(run.planId().toString(), run.alg().wireName(), tasks, run.executionLimit()))
                    .withPartitionKey(run.planId() + "/" + part.get(0));
            publisher.publish(Topic.HXO_SHARD_TASKS, ev).exceptionally(e -> {
                Log.warnf("task batch for plan %s not sent (%s); the sweep will resend it", run.planId(), e.getMessage());
                return null;
            });
        }
    }

    /** The in-flight gauge and the limit last used, for metrics and heartbeats. */
    public void publishGauges(int limit) {
        metrics.gauges(runs.count(), limit);
    }

    /** While draining nothing new is dispatched; results keep being checkpointed. Lifting it dispatches at once. */
    public void draining(boolean on) {
        draining = on;
        if (!on) {
            owner.execute(() -> runs.all().forEach(this::dispatch));
        }
    }
}
