package io.hxo.gateway.consensus;

import io.hxo.contracts.consensus.Ballot;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.gateway.config.GatewayConfig;
import io.hxo.runtime.logging.PlanLog;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.messaging.Received;
import io.quarkus.logging.Log;
import io.quarkus.scheduler.Scheduled;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/**
 * Harmonic consensus: for every {@code hxo.aggregate.ready} the gateway collects the validators'
 * signed votes and decides. HARMONIC certifies only when every validator voted the announced root;
 * QUORUM when a majority did. The decision is published — a certificate on
 * {@code hxo.aggregate.finalized}, or {@code hxo.aggregate.failed} with a {@code certification.failure}
 * (roots disagree) or {@code consensus.failure} (votes missing at the deadline) alert — and the
 * planner records it with the plan.
 *
 * <p>Rounds live in memory. Ready events and votes are keyed by plan, so one gateway instance (the
 * one holding that partition of the consensus group) sees a plan's whole round.
 */
@ApplicationScoped
public class Consensus {
    private final HxoPublisher publisher;
    private final GatewayConfig config;
    private final Decisions decisions;
    private final ConsensusMetrics metrics;
    private final Map<String, Round> rounds = new ConcurrentHashMap<>();

    public Consensus(HxoPublisher publisher, GatewayConfig config, Decisions decisions, ConsensusMetrics metrics) {
        this.decisions = decisions;
        this.publisher = publisher;
        this.config = config;
        this.metrics = metrics;
    }

    /** One plan's round: the announced root, and the latest vote of each validator. */
    static final class Round {
        Events.AggregateReady ready;
        long readyNanos;
        long deadlineNanos;
        final Map<String, Events.SignedVote> votes = new LinkedHashMap<>();
        final long createdNanos = System.nanoTime();
    }

    /**
     * A ready announcement or a vote, as hxo-runtime's converter read it (an unreadable record is
     * logged and skipped by the channel, skip-unreadable); {@link Received} for its topic and for the
     * vote's signature headers, which the certificate keeps.
     */
    @Incoming("consensus")
    public void onRecord(Received record) {
        CloudEvent ev = record.event();
        if (ev.time().isBefore(Instant.now().minus(Events.VOTE_WINDOW))) {
            return; // from a round long decided (a backlog after downtime, or a first start)
        }
        if (record.topic().equals(Topic.HXO_AGGREGATE_READY.topicName())) {
            Events.AggregateReady ready = ev.dataAs(Events.AggregateReady.class);
            Round round = rounds.computeIfAbsent(ready.planId(), k -> new Round());
            synchronized (round) {
                round.ready = ready;
                round.readyNanos = System.nanoTime();
                round.deadlineNanos = System.nanoTime()
                        + (config.federationTimeout() + Ballot.leafAllowanceMs(ready.leafCount())) * 1_000_000;
            }
            decideIfComplete(ready.planId(), round);
        } else {
            Events.Vote vote = ev.dataAs(Events.Vote.class);
            if (!config.consensus().validators().contains(vote.validator())
                    || !ev.source().startsWith("/" + vote.validator() + "/")) {
                Log.warnf("ignored a vote for %s from %s: not a validator, or not its own vote", vote.validator(),
                        ev.source());
                return;
            }
            Round round = rounds.computeIfAbsent(vote.planId(), k -> new Round());
            synchronized (round) {
                round.votes.put(vote.validator(), new Events.SignedVote(vote.validator(), vote.instance(),
                        vote.merkleRoot(), vote.leafCount(), vote.error(), vote.at(), ev.id(),
                        record.header(KafkaBinding.SIGNATURE), record.header(KafkaBinding.KEY_ID)));
            }
            decideIfComplete(vote.planId(), round);
        }
    }

    private void decideIfComplete(String planId, Round round) {
        synchronized (round) {
            if (round.ready != null && round.votes.keySet().containsAll(config.consensus().validators())) {
                decide(planId, round);
            }
        }
    }

    /** Rounds whose deadline passed are decided with the votes they have. */
    @Scheduled(every = "1s", concurrentExecution = Scheduled.ConcurrentExecution.SKIP)
    void expire() {
        long now = System.nanoTime();
        rounds.forEach((planId, round) -> {
            synchronized (round) {
                if (round.ready != null && now - round.deadlineNanos > 0) {
                    decide(planId, round);
                } else if (round.ready == null && now - round.createdNanos > 600_000_000_000L) {
                    rounds.remove(planId); // votes for a plan whose ready event never came
                }
            }
        });
    }

    /**
     * The decision over a round's votes: {@code certified} when HARMONIC has every expected validator
     * voting the announced root, or QUORUM a majority of them; otherwise {@code disagreement} when
     * someone who voted did not vote that root (a different root, or none), else {@code timeout}.
     */
    static String outcome(GatewayConfig.ConsensusMode mode, List<String> expected, String root,
            java.util.Collection<Events.SignedVote> votes) {
        long agreeing = votes.stream().filter(v -> expected.contains(v.validator()) && root.equals(v.merkleRoot()))
                .count();
        boolean certified = switch (mode) {
            case HARMONIC -> agreeing == expected.size();
            case QUORUM -> agreeing * 2 > expected.size();
        };
        return certified ? "certified" : votes.size() > agreeing ? "disagreement" : "timeout";
    }

    /** Decides and forgets the round (called with the round locked). */
    private void decide(String planId, Round round) {
        try (PlanLog log = PlanLog.of(planId)) {
            decideNow(planId, round);
        }
    }

    private void decideNow(String planId, Round round) {
        if (rounds.remove(planId) == null) {
            return; // decided already
        }
        Events.AggregateReady ready = round.ready;
        List<String> expected = config.consensus().validators();
        List<String> missing = new ArrayList<>(expected);
        missing.removeAll(round.votes.keySet());
        String outcome = outcome(config.consensusMode(), expected, ready.merkleRoot(), round.votes.values());
        boolean certified = outcome.equals("certified");
        boolean disagreement = outcome.equals("disagreement");
        Events.Certificate cert = new Events.Certificate(planId, ready.merkleRoot(), ready.leafCount(), ready.hashAlg(),
                config.consensusMode().name(), outcome, List.copyOf(round.votes.values()), missing, Instant.now());
        decisions.record(cert);
        metrics.decided(outcome, round.readyNanos, ready.startedAt(), cert.decidedAt());
        if (certified) {
            publisher.emit(Topic.HXO_AGGREGATE_FINALIZED, planId, cert);
            Log.infof("plan %s certified (%s, %d votes)", planId, config.consensusMode(), round.votes.size());
            return;
        }
        publisher.emit(Topic.HXO_AGGREGATE_FAILED, planId, cert);
        Map<String, Object> details = new LinkedHashMap<>();
        details.put("merkle_root", ready.merkleRoot());
        details.put("mode", config.consensusMode().name());
        details.put("votes", round.votes.values().stream().map(v -> Map.of("validator", v.validator(),
                "merkle_root", String.valueOf(v.merkleRoot()), "error", String.valueOf(v.error()))).toList());
        details.put("missing", missing);
        String type = disagreement ? "certification.failure" : "consensus.failure";
        String message = disagreement
                ? "validators disagree on the root of plan " + planId
                : "validators " + missing + " did not vote on plan " + planId + " in time";
        publisher.emit(Topic.HXO_ALERT, planId, new Events.Alert(type, "critical", planId, "federation-gateway",
                message, details));
        Log.warnf("plan %s not certified: %s", planId, message);
    }
}
