package io.hxo.planner.execute;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.hash.HashAlg;
import io.hxo.contracts.hash.Hex;
import io.hxo.contracts.json.Jcs;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.publish.HxoPublisher;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.config.PlannerConfig;
import io.quarkus.logging.Log;
import io.smallrye.reactive.messaging.annotations.Blocking;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * A shard worker: takes task batches from {@code hxo.shard.tasks} (any instance, one consumer group),
 * runs each shard with its kind's executor, and publishes the results keyed by plan so they reach
 * the plan's owner. The task message is acknowledged only after its results are on the broker.
 */
@ApplicationScoped
public class Worker {
    private final ExecutorRegistry registry;
    private final HxoPublisher publisher;
    private final String worker;
    private final AtomicLong running = new AtomicLong();

    public Worker(ExecutorRegistry registry, HxoPublisher publisher, PlannerConfig config) {
        this.registry = registry;
        this.publisher = publisher;
        this.worker = config.instanceId();
    }

    @Incoming("tasks")
    @Blocking(value = "shard-workers", ordered = false)
    public void onTasks(ConsumerRecord<String, byte[]> record) {
        CloudEvent ev;
        ShardWork.TaskBatch batch;
        try {
            ev = KafkaBinding.fromRecord(record);
            batch = ev.dataAs(ShardWork.TaskBatch.class);
        } catch (IllegalArgumentException e) {
            Log.warnf("skipped unreadable task record @%d: %s", record.offset(), e.getMessage());
            return;
        }
        HashAlg alg = HashAlg.fromWire(batch.hashAlg());
        List<ShardWork.Result> results = new ArrayList<>(batch.tasks().size());
        for (ShardWork.Task task : batch.tasks()) {
            results.add(run(task, alg));
        }
        CloudEvent out = publisher.event(ShardWork.RESULTS, batch.planId(),
                new ShardWork.ResultBatch(batch.planId(), results));
        publisher.publish(Topic.HXO_SHARD_RESULTS, out).join();
    }

    ShardWork.Result run(ShardWork.Task task, HashAlg alg) {
        long start = System.nanoTime();
        running.incrementAndGet();
        try {
            ShardExecutor executor = registry.executor(task.kind(), task.executor())
                    .filter(e -> e.version().equals(task.executorVersion()))
                    .orElseThrow(() -> new IllegalStateException("no executor " + task.kind() + "/" + task.executor()
                            + " version " + task.executorVersion() + " on this worker"));
            JsonNode output = executor.run(task.inputs());
            String digest = Hex.of(alg.hash(Jcs.canonicalize(output)));
            return new ShardWork.Result(task.stageId(), task.index(), task.casId(), true, digest, output, null,
                    millisSince(start), task.attempt(), worker);
        } catch (Exception e) {
            return new ShardWork.Result(task.stageId(), task.index(), task.casId(), false, null, null,
                    e.getClass().getSimpleName() + ": " + e.getMessage(), millisSince(start), task.attempt(), worker);
        } finally {
            running.decrementAndGet();
        }
    }

    public long running() {
        return running.get();
    }

    private static long millisSince(long startNanos) {
        return (System.nanoTime() - startNanos) / 1_000_000;
    }
}
