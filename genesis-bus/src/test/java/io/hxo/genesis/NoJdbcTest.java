package io.hxo.genesis;

import io.hxo.testing.SourceRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The bus keeps its state through the reactive client; only Flyway has a JDBC datasource. */
class NoJdbcTest {
    @Test
    void mainCodeUsesNoJdbcAgroalOrPgjdbc() {
        SourceRules.assertNoJdbc(Path.of("src/main/java"));
    }
}
