package io.hxo.runtime.config;

import java.util.Map;
import java.util.Set;
import org.eclipse.microprofile.config.spi.ConfigSource;

/**
 * Traces are exported only where someone collects them: unless {@code OTEL_EXPORTER_OTLP_ENDPOINT}
 * is set, this switches the OpenTelemetry SDK off,
 * so no span is made and no exporter retries an absent collector. Its ordinal sits above
 * application.properties and below the environment, so an explicit {@code OTEL_SDK_DISABLED} or
 * {@code QUARKUS_OTEL_SDK_DISABLED} still wins.
 */
public final class TracingConfigSource implements ConfigSource {
    public static final String SDK_DISABLED = "quarkus.otel.sdk.disabled";
    private final Map<String, String> values;

    public TracingConfigSource() {
        this(System.getenv());
    }

    TracingConfigSource(Map<String, String> env) {
        // Always an explicit value: Quarkus keeps what a runtime property was at build time (no endpoint
        // there, so "true") as a default, and only a source above it can turn the SDK back on.
        this.values = Map.of(SDK_DISABLED, String.valueOf(blank(env.get("OTEL_EXPORTER_OTLP_ENDPOINT"))));
    }

    private static boolean blank(String s) {
        return s == null || s.isBlank();
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
        return "OTEL_EXPORTER_OTLP_ENDPOINT";
    }

    @Override
    public int getOrdinal() {
        return 275;
    }
}
