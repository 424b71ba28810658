package io.hxo.planner;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.testing.SourceRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/**
 * The planner's stores keep their state through Panache and the reactive client; only Flyway has a
 * JDBC datasource. Checked for the packages already moved (the checkpoint stores, the workers' plan
 * gate); the rest of the module follows as its stores move.
 */
class NoJdbcTest {
    private static final Path MAIN = Path.of("src/main/java/io/hxo/planner");

    @Test
    void checkpointStoresUseNoJdbcAgroalOrPgjdbc() {
        SourceRules.assertNoJdbc(MAIN.resolve("checkpoint"));
    }

    @Test
    void planGateUsesNoJdbcAgroalOrPgjdbc() {
        assertThat(MAIN.resolve("execute/PlanGate.java")).exists();
        assertThat(SourceRules.uses(MAIN.resolve("execute"), SourceRules.JDBC))
                .filteredOn(use -> use.startsWith("PlanGate.java:"))
                .isEmpty();
    }
}
