package io.hxo.planner.own;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.payload.PlanState;
import io.hxo.contracts.payload.ShardWork;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.advance.PlanAdvance;
import io.hxo.planner.announce.LeafAnnouncer;
import io.hxo.planner.api.CommandHandler;
import io.hxo.planner.checkpoint.PlanStore;
import io.hxo.planner.checkpoint.StoreException;
import io.hxo.planner.checkpoint.Stored;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.planner.dispatch.Dispatcher;
import io.hxo.planner.intake.ResultIntake;
import io.hxo.planner.plan.PlanRejected;
import io.hxo.planner.query.PlanSnapshots;
import io.hxo.planner.run.PlanLoader;
import io.hxo.planner.run.PlanRun;
import io.hxo.planner.run.PlanRuns;
import io.hxo.runtime.logging.PlanLog;
import io.hxo.runtime.messaging.Received;
import io.hxo.runtime.messaging.ReceivedBatch;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collection;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.common.TopicPartition;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Owns the plans keyed to the partitions this instance holds (their commands and their results share
 * the partition): keeps the owner thread's loop — take a poll of commands and results, let each step
 * of a plan's life do its part, acknowledge once the checkpoint committed — and the plans' ownership,
 * resuming a partition's unfinished plans from their checkpoints when it is gained.
 */
@ApplicationScoped
public class PlanOwner {
    private final OwnerThread owner;
    private final PlanRuns runs;
    private final PlanLoader loader;
    private final PlanStore plans;
    private final CommandHandler commands;
    private final ResultIntake intake;
    private final PlanAdvance advance;
    private final LeafAnnouncer leaves;
    private final Dispatcher dispatcher;
    private final PlanSnapshots snapshots;
    private final long resumeGraceNanos;

    public PlanOwner(OwnerThread owner, PlanRuns runs, PlanLoader loader, PlanStore plans, CommandHandler commands,
            ResultIntake intake, PlanAdvance advance, LeafAnnouncer leaves, Dispatcher dispatcher,
            PlanSnapshots snapshots, PlannerConfig config) {
        this.owner = owner;
        this.runs = runs;
        this.loader = loader;
        this.plans = plans;
        this.commands = commands;
        this.intake = intake;
        this.advance = advance;
        this.leaves = leaves;
        this.dispatcher = dispatcher;
        this.snapshots = snapshots;
        this.resumeGraceNanos = TimeUnit.MILLISECONDS.toNanos(config.resumeGraceMs());
    }

    /**
     * A poll of commands and results, acknowledged once what it changed is committed. Each record's
     * event was read from its headers on the consumer's thread (the converter), so the owner thread
     * only applies them.
     */
    @Incoming("owner")
    public CompletionStage<Void> onBatch(ReceivedBatch batch) {
        return owner.run(() -> process(batch));
    }

    private void process(ReceivedBatch batch) {
        Set<PlanRun> touched = new LinkedHashSet<>();
        for (Received rec : batch.events()) {
            CloudEvent ev = rec.event();
            try (PlanLog log = PlanLog.of(ev.subject())) {
                if (rec.topic().equals(Topic.HXO_COMMANDS.topicName())) {
                    commands.handle(ev, rec.partition());
                } else {
                    intake.take(ev.dataAs(ShardWork.ResultBatch.class)).ifPresent(touched::add);
                }
            } catch (IllegalArgumentException e) {
                Log.warnf("skipped unreadable event %s-%d@%d: %s", rec.topic(), rec.partition(), rec.offset(),
                        e.getMessage());
            } catch (StoreException e) {
                throw e; // not acknowledged: the batch comes back once the database does
            } catch (RuntimeException e) {
                Log.errorf(e, "skipped event %s-%d@%d", rec.topic(), rec.partition(), rec.offset());
            }
        }
        advance.advance(touched);
        dispatcher.publishGauges(0);
    }

    // ---- ownership (called by OwnershipListener on the consumer's thread)

    void partitionsAssigned(Collection<TopicPartition> partitions) {
        Set<Integer> gained = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(Topic.HXO_COMMANDS.topicName()) && runs.own(tp.partition())) {
                gained.add(tp.partition());
            }
        }
        if (!gained.isEmpty()) {
            owner.execute(() -> rehydrate(gained));
        }
    }

    void partitionsRevoked(Collection<TopicPartition> partitions) {
        Set<Integer> lost = new HashSet<>();
        for (TopicPartition tp : partitions) {
            if (tp.topic().equals(Topic.HXO_COMMANDS.topicName()) && runs.disown(tp.partition())) {
                lost.add(tp.partition());
            }
        }
        if (!lost.isEmpty()) {
            owner.execute(() -> runs.all().stream().filter(r -> lost.contains(r.partition()))
                    .forEach(r -> snapshots.forget(r.planId())));
            owner.execute(() -> runs.forget(lost));
        }
    }

    /**
     * Resumes the unfinished plans of newly owned partitions from their checkpoints. A resumed plan
     * dispatches nothing for {@code hxo.resume-grace-ms}: results the previous owner never checkpointed
     * are on the broker and arrive first, and each saves a shard from running twice.
     */
    private void rehydrate(Set<Integer> partitions) {
        for (UUID planId : Stored.retrying("find unfinished plans", () -> plans.unfinishedPlans(partitions))) {
            if (runs.has(planId)) {
                continue;
            }
            try (PlanLog log = PlanLog.of(planId)) {
                PlanLoader.Resumed resumed = loader.resume(planId).orElseThrow();
                PlanRun run = resumed.run();
                if (run.status() == PlanState.RUNNING) {
                    run.holdFor(resumeGraceNanos);
                    runs.put(run);
                    // The previous owner may have checkpointed leaves and stopped before announcing them:
                    // each row again, as the same events, which the event store keeps once.
                    resumed.rows().forEach(row -> leaves.announceCheckpoint(run, row.seq(), row.slots()));
                    Log.infof("resumed plan %s: %d of %d shards already done", planId, run.done(), run.totalLeaves());
                    snapshots.publish(run, true);
                    advance.advance(run);
                }
            } catch (RuntimeException | PlanRejected e) {
                Log.errorf(e, "cannot resume plan %s", planId);
            }
        }
    }
}
