package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Chaos drills (issue 25, item 5) on a plan of 200,000 {@code test.noop} shards (by default) in the default
 * configuration: the suite's broker stopped and started at about 40 %, then the suite's own PostgreSQL
 * restarted at about 40 % of another plan. Each plan ends certified, every shard checkpointed exactly
 * once, each leaf stored once by the event store, and the root the one its inputs determine
 * ({@link Drills#assertDoneExactlyOnce}). The third drill, the owner killed with SIGKILL with two
 * planners, is {@link PlannerFailoverSystemTest}'s.
 */
@Order(60) // before LauncherSystemTest, which stops the suite
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ChaosDrillSystemTest {
    /** {@code -Dhxo.chaos.shards=N} runs the drills on a smaller plan while working on them. */
    static final int SHARDS = Integer.getInteger("hxo.chaos.shards", 200_000);

    @Test
    @Order(1)
    void theBrokerStoppedAndStartedAt40PercentLosesAndRepeatsNothing() throws Exception {
        Drills.NoopPlan plan = Drills.submitNoopPlan("chaos-broker", SHARDS);
        long t0 = System.nanoTime();
        long done = Drills.awaitDone(plan.planId(), SHARDS, 0.4, Duration.ofSeconds(300));
        assertThat(Suite.hxo(Duration.ofSeconds(60), "kafka", "stop").exitCode()).isZero();
        long doneAtStop = Drills.checkpointed(plan.planId());
        long down = System.nanoTime();
        Suite.Result start = Suite.hxo(Duration.ofSeconds(90), "kafka", "start");
        assertThat(start.exitCode()).as(start.output()).isZero();
        long up = System.nanoTime();
        assertThat(doneAtStop).as("the broker stops in the middle of the plan").isLessThan(SHARDS);

        JsonNode status = Drills.awaitDecided(plan.planId(), Duration.ofSeconds(300));
        report("broker stopped", plan, done, t0, down, up);
        Drills.assertDoneExactlyOnce(plan, status);
    }

    @Test
    @Order(2)
    void postgresRestartedAt40PercentLosesAndRepeatsNothing() throws Exception {
        Drills.NoopPlan plan = Drills.submitNoopPlan("chaos-postgres", SHARDS);
        long t0 = System.nanoTime();
        long done = Drills.awaitDone(plan.planId(), SHARDS, 0.4, Duration.ofSeconds(300));
        Suite.POSTGRES.stop(); // the suite's own server; the machine's is never touched
        long down = System.nanoTime();
        Suite.POSTGRES.startAgain();
        long up = System.nanoTime();
        assertThat(Drills.checkpointed(plan.planId())).as("PostgreSQL restarts in the middle of the plan").isLessThan(SHARDS);

        JsonNode status = Drills.awaitDecided(plan.planId(), Duration.ofSeconds(300));
        report("postgres restarted", plan, done, t0, down, up);
        Drills.assertDoneExactlyOnce(plan, status);
    }

    static void report(String drill, Drills.NoopPlan plan, long doneAtFault, long t0, long down, long up) {
        long end = System.nanoTime();
        System.out.printf("chaos drill (%s): %d shards, fault at %d done (%.1f s after submit), down %.1f s,"
                + " decided %.1f s after it was back; %.1f s in all%n", drill, plan.shards(), doneAtFault, (down - t0) / 1e9,
                (up - down) / 1e9, (end - up) / 1e9, (end - t0) / 1e9);
    }
}
