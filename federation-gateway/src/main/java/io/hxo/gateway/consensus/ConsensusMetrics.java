package io.hxo.gateway.consensus;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * Consensus and plan outcomes as histograms: {@code hxo.consensus.duration} (ready announced → decided)
 * and {@code hxo.plan.duration} (plan started → decided), each by outcome ({@code certified},
 * {@code disagreement}, {@code timeout}). Percentile histograms (buckets, not client-side
 * percentiles), so Prometheus aggregates them across gateway instances; every outcome is registered
 * at start (a singleton, built with Consensus), so its series exist at zero.
 */
@Singleton
public class ConsensusMetrics {
    static final List<String> OUTCOMES = List.of("certified", "disagreement", "timeout");

    private final Map<String, Timer> rounds;
    private final Map<String, Timer> plans;

    public ConsensusMetrics(MeterRegistry registry) {
        this.rounds = OUTCOMES.stream().collect(Collectors.toMap(Function.identity(), o -> Timer
                .builder("hxo.consensus.duration")
                .description("From a plan's aggregate.ready reaching the gateway to the consensus decision")
                .tag("outcome", o).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(1)).maximumExpectedValue(Duration.ofMinutes(5))
                .register(registry)));
        this.plans = OUTCOMES.stream().collect(Collectors.toMap(Function.identity(), o -> Timer
                .builder("hxo.plan.duration")
                .description("From a plan's start to its consensus decision (certified or not)")
                .tag("outcome", o).publishPercentileHistogram()
                .minimumExpectedValue(Duration.ofMillis(10)).maximumExpectedValue(Duration.ofHours(2))
                .register(registry)));
    }

    void decided(String outcome, long readyNanos, Instant planStartedAt, Instant decidedAt) {
        Timer round = rounds.get(outcome);
        if (round == null) {
            return;
        }
        round.record(Duration.ofNanos(Math.max(0, System.nanoTime() - readyNanos)));
        if (planStartedAt != null && !decidedAt.isBefore(planStartedAt)) {
            plans.get(outcome).record(Duration.between(planStartedAt, decidedAt));
        }
    }
}
