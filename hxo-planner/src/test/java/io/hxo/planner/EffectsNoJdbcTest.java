package io.hxo.planner;

import io.hxo.testing.SourceRules;
import java.nio.file.Path;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Deployments, artifacts, secrets and the job kinds (the migration's target included) keep their state
 * through Hibernate Reactive Panache and the reactive PostgreSQL client; only Flyway has a JDBC datasource.
 */
class EffectsNoJdbcTest {
    @ParameterizedTest
    @ValueSource(strings = {"deploy", "artifact", "secrets", "db", "execute/kinds"})
    void packageUsesNoJdbcAgroalOrPgjdbc(String pkg) {
        SourceRules.assertNoJdbc(Path.of("src/main/java/io/hxo/planner").resolve(pkg));
    }
}
