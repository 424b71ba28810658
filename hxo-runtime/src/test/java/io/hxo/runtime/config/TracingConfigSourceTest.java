package io.hxo.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

class TracingConfigSourceTest {

    @Test
    void withoutAnEndpointTheSdkIsOff() {
        assertThat(new TracingConfigSource(Map.of()).getValue(TracingConfigSource.SDK_DISABLED)).isEqualTo("true");
        assertThat(new TracingConfigSource(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", " ")).getValue(
                TracingConfigSource.SDK_DISABLED)).isEqualTo("true");
    }

    @Test
    void anEndpointLeavesTheSdkOn() {
        TracingConfigSource s = new TracingConfigSource(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", "http://127.0.0.1:4317"));
        // Explicitly false: the value the build saw (true, no endpoint there) must not stand.
        assertThat(s.getValue(TracingConfigSource.SDK_DISABLED)).isEqualTo("false");
    }
}
