package io.hxo.gateway;

import io.hxo.testing.SourceRules;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The gateway reaches its database through the reactive client only; Flyway alone has a JDBC datasource. */
class NoJdbcTest {
    @Test
    void mainCodeUsesNoJdbcAgroalOrPgjdbc() {
        SourceRules.assertNoJdbc(Path.of("src/main/java"));
    }
}
