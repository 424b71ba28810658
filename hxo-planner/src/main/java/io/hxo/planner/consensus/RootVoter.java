package io.hxo.planner.consensus;

import io.hxo.contracts.consensus.Ballot;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.planner.config.PlannerConfig;
import io.hxo.runtime.publish.HxoPublisher;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * The planner as one of the consensus validators: when a plan's owner announces its root, the
 * owner instance recomputes that root from the database (checkpointed leaves, splits, the stages'
 * slot layout; see {@link StoredRoot}) rather than trusting the in-memory run, and publishes its vote. It runs on the owner, off
 * the owner's thread, so the vote never waits for a consumer group to rebalance after a crash.
 */
@ApplicationScoped
public class RootVoter {
    public static final String VALIDATOR = "hxo-planner";

    private final StoredRoot storedRoot;
    private final HxoPublisher publisher;
    private final PlannerConfig config;
    private final ExecutorService voting = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "hxo-voter");
        t.setDaemon(true);
        return t;
    });

    public RootVoter(StoredRoot storedRoot, HxoPublisher publisher, PlannerConfig config) {
        this.storedRoot = storedRoot;
        this.publisher = publisher;
        this.config = config;
    }

    /** Recomputes and votes in the background; called once the ready event is sent. */
    public void voteOn(Events.AggregateReady ready) {
        voting.execute(() -> vote(ready));
    }

    void vote(Events.AggregateReady ready) {
        String root = null;
        String error = null;
        try {
            root = storedRoot.of(UUID.fromString(ready.planId()));
        } catch (Exception e) {
            error = "cannot recompute the root from the store: " + e.getMessage();
            Log.warnf("plan %s: %s", ready.planId(), error);
        }
        publisher.emit(Topic.HXO_AGGREGATE_VOTE, ready.planId(),
                Ballot.vote(ready, VALIDATOR, config.instanceId(), root, error));
    }

    void stop(@Observes ShutdownEvent ev) {
        voting.shutdown();
    }
}
