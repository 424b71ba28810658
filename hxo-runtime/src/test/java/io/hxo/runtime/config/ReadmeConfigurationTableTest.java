package io.hxo.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;

/** README's configuration table lists every variable of the catalog, with the catalog's default. */
class ReadmeConfigurationTableTest {

    @Test
    void everyCatalogVariableIsDocumentedWithItsDefault() throws Exception {
        Path readme = Path.of("../README.md");
        List<String> rows = Files.readAllLines(readme).stream().filter(l -> l.startsWith("| `")).toList();
        for (EnvCatalog.Variable v : EnvCatalog.VARIABLES) {
            String row = rows.stream().filter(r -> r.startsWith("| `" + v.name() + "` |")).findFirst()
                    .orElseThrow(() -> new AssertionError(v.name() + " is missing from README's configuration table"));
            if (v.defaultValue() != null && !v.name().equals("KAFKA_BOOTSTRAP_SERVERS")) {
                assertThat(row.split("\\|")[2]).as(v.name()).contains(v.defaultValue());
            }
        }
    }
}
