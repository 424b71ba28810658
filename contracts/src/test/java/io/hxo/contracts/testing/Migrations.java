package io.hxo.contracts.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;

/** What a service's own migration files say its schema version is, read from its sources. */
public final class Migrations {
    private Migrations() {
    }

    /** The highest {@code V<n>__*.sql} version under the module's {@code src/main/resources/db/migration}. */
    public static String newest() {
        try (var files = Files.list(Path.of("src/main/resources/db/migration"))) {
            return files.map(f -> f.getFileName().toString()).filter(n -> n.matches("V\\d+__.*"))
                    .mapToInt(n -> Integer.parseInt(n.substring(1, n.indexOf("__")))).max().orElseThrow() + "";
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
