package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/** {@code POST /api/system/migrate}: drain the planners, run every service's migrations, resume. */
@Command(name = "migrate", description = {"Drain the planners, run each service's schema migrations (under a",
        "PostgreSQL advisory lock), resume; prints each service's schema version."})
class MigrateCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Option(names = "--timeout", defaultValue = "PT15M",
            description = "how long to wait for the answer (the gateway drains for up to HXO_MIGRATION_TIMEOUT; default ${DEFAULT-VALUE})")
    Duration timeout;

    @Override
    public Integer call() {
        Gateway.Answer a = root.gateway().post("/api/system/migrate", "{}", timeout);
        if (root.json && a.body() != null) {
            System.out.println(a.body().toPrettyString());
        }
        if (!a.ok() || a.body() == null) {
            System.err.println("hxoctl: migration failed: " + a.problem());
            return 1;
        }
        if (!root.json) {
            JsonNode b = a.body();
            System.out.printf("drained in %d ms (%s), resumed: %s%n", b.path("drain_ms").asLong(),
                    b.path("drained").asBoolean() ? "all planners drained" : "not drained", b.path("resumed").asText());
            b.path("services").fields().forEachRemaining(e -> System.out.printf("  %-20s schema %-6s %d migration(s) applied%n",
                    e.getKey(), e.getValue().path("schema_version").asText(), e.getValue().path("migrations_applied").asInt()));
        }
        return 0;
    }
}
