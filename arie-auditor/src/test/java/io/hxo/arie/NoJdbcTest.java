package io.hxo.arie;

import io.hxo.testing.SourceRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** ARIE keeps its state through Panache and the reactive client; only Flyway has a JDBC datasource. */
class NoJdbcTest {
    @Test
    void mainCodeUsesNoJdbcAgroalOrPgjdbc() {
        SourceRules.assertNoJdbc(Path.of("src/main/java"));
    }
}
