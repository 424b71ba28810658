package io.hxo.arie.migrate;

import io.hxo.contracts.payload.Commands;
import io.quarkus.logging.Log;
import jakarta.enterprise.context.ApplicationScoped;
import org.flywaydb.core.Flyway;
import org.flywaydb.core.api.output.MigrateResult;

/**
 * This service's schema: the version it reports in heartbeats, and the migrations it runs when
 * {@code POST /api/system/migrate} asks ({@link Commands#SYSTEM_MIGRATE}). Flyway takes a
 * PostgreSQL advisory lock for the whole run, so instances (and a service starting meanwhile)
 * never migrate the schema at the same time; a second run finds nothing pending.
 */
@ApplicationScoped
public class SchemaMigrator {
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
        Log.infof("migrations run on request: %d applied, schema %s now at %s", result.migrationsExecuted,
                result.schemaName, version);
        return new Commands.Migrated(service, instance, version, result.migrationsExecuted);
    }

    private String read() {
        var current = flyway.info().current();
        return current == null || current.getVersion() == null ? "0" : current.getVersion().getVersion();
    }
}
