package io.hxo.runtime.schema;

import io.hxo.contracts.payload.Commands;
import java.util.logging.Logger;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * A service's own schema: the version it reports in heartbeats, and the migrations it runs when
 * {@code POST /api/system/migrate} asks ({@link Commands#SYSTEM_MIGRATE}). Flyway takes a
 * PostgreSQL advisory lock for the whole run, so instances (and a service starting meanwhile)
 * never migrate the schema at the same time; a second run finds nothing pending. Each service
 * produces one over its Flyway bean; the same piece serves all four.
 */
public final class SchemaMigrator {
    private static final Logger LOG = Logger.getLogger(SchemaMigrator.class.getName());

    private final Flyway flyway;
    private volatile String version;

    public SchemaMigrator(Flyway flyway) {
        this.flyway = flyway;
    }

    /** The schema version as of start or the last migration ("0" before any). */
    public String version() {
        String v = version;
        if (v == null) {
            v = read();
            version = v;
        }
        return v;
    }

    public synchronized Commands.Migrated migrate(String service, String instance) {
        MigrateResult result = flyway.migrate();
        version = read();
        LOG.info(() -> "migrations run on request: " + result.migrationsExecuted + " applied, schema "
                + result.schemaName + " now at " + version);
        return new Commands.Migrated(service, instance, version, result.migrationsExecuted);
    }

    private String read() {
        var current = flyway.info().current();
        return current == null || current.getVersion() == null ? "0" : current.getVersion().getVersion();
    }
}
