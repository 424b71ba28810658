package io.hxo.runtime.config;

import java.util.HashMap;
import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Lets every service take {@code DATABASE_URL} as platforms write it: derives the datasource's
 * JDBC URL (Flyway's migrations), reactive URL (the service's own reads and writes), user and
 * password from it. Its ordinal sits above application.properties and below explicit
 * {@code QUARKUS_DATASOURCE_*} variables, so those still win.
 */
public final class DatabaseUrlConfigSource implements ConfigSource {
    private final Map<String, String> values = new HashMap<>();

    public DatabaseUrlConfigSource() {
        this(System.getenv("DATABASE_URL"));
    }

    DatabaseUrlConfigSource(String databaseUrl) {
        if (databaseUrl != null && !databaseUrl.isBlank()) {
            DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
            values.put("quarkus.datasource.jdbc.url", url.jdbcUrl());
            values.put("quarkus.datasource.reactive.url", url.reactiveUrl());
            if (url.username() != null) {
                values.put("quarkus.datasource.username", url.username());
            }
            if (url.password() != null) {
                values.put("quarkus.datasource.password", url.password());
            }
        }
    }

    @Override
    public Set<String> getPropertyNames() {
        return values.keySet();
    }

    @Override
    public String getValue(String propertyName) {
        return values.get(propertyName);
    }

    @Override
    public String getName() {
        return "DATABASE_URL";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
