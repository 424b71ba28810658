package io.hxo.planner.run;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

/** ALIR follows execution time: its limit falls when shards slow down and rises again when they speed up. */
class ExecutionLimitTest {

    /** Feeds {@code n} executions of {@code ms} each, with the plan's shards filling the current limit. */
    static int run(ExecutionLimit limit, int n, long ms) {
        for (int i = 0; i < n; i++) {
            limit.onExecuted(ms, limit.current(), false);
        }
        return limit.current();
    }

    @Test
    void theLimitFallsWhenShardsSlowDownAndRisesWhenTheySpeedUp() {
        ExecutionLimit limit = new ExecutionLimit(200);
        assertThat(limit.current()).isEqualTo(ExecutionLimit.INITIAL);

        int warmed = run(limit, 2_000, 10);
        assertThat(warmed).as("steady fast shards").isGreaterThan(ExecutionLimit.INITIAL);

        int slowed = run(limit, 300, 200);
        assertThat(slowed).as("shards twenty times slower").isLessThan(warmed);

        int recovered = run(limit, 3_000, 10);
        assertThat(recovered).as("fast again").isGreaterThan(slowed);
    }

    @Test
    void theLimitNeverPassesThePlansCapNorFallsBelowOne() {
        ExecutionLimit limit = new ExecutionLimit(8);
        assertThat(limit.current()).isEqualTo(8);
        assertThat(run(limit, 5_000, 1)).isLessThanOrEqualTo(8);
        assertThat(run(limit, 5_000, 10_000)).isGreaterThanOrEqualTo(1);
    }
}
