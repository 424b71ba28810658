package io.hxo.runtime.config;

import static org.assertj.core.api.Assertions.assertThat;

import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import java.util.Map;
import org.eclipse.microprofile.config.ConfigValue;
import org.junit.jupiter.api.Test;

/**
 * The logging settings the four services share come from hxo-runtime's
 * META-INF/microprofile-config.properties, read as Quarkus reads it (MicroProfile Config's default
 * sources, ordinal 100), with a service's application.properties (250) above it.
 */
class SharedLoggingConfigTest {
    private static final String JSON = "quarkus.log.console.json.enabled";

    /** A service's configuration: the default sources and the lines of its application.properties. */
    private static SmallRyeConfig service(String profile, Map<String, String> applicationProperties) {
        return new SmallRyeConfigBuilder()
                .addDefaultSources()
                .withSources(new PropertiesConfigSource(applicationProperties, "application.properties", 250))
                .withProfile(profile)
                .build();
    }

    private static final Map<String, String> PLANNER = Map.of(
            "quarkus.application.name", "hxo-planner",
            "hxo.instance-id", "planner-7");

    @Test
    void prodWritesJsonLinesFromTheSharedFile() {
        ConfigValue json = service("prod", PLANNER).getConfigValue(JSON);
        assertThat(json.getValue()).isEqualTo("true");
        assertThat(json.getSourceName()).contains("hxo-runtime").contains("META-INF/microprofile-config.properties");
        assertThat(json.getSourceOrdinal()).isEqualTo(100);
    }

    @Test
    void devAndTestWriteText() {
        assertThat(service("dev", PLANNER).getValue(JSON, Boolean.class)).isFalse();
        assertThat(service("test", PLANNER).getValue(JSON, Boolean.class)).isFalse();
    }

    @Test
    void theServiceAndItsInstanceAreNamedFromTheServicesOwnSettings() {
        SmallRyeConfig config = service("prod", PLANNER);
        assertThat(config.getValue("quarkus.log.console.json.additional-field.service.value", String.class))
                .isEqualTo("hxo-planner");
        assertThat(config.getValue("quarkus.log.console.json.additional-field.serviceInstance.value", String.class))
                .isEqualTo("planner-7");
        assertThat(config.getValue("quarkus.log.category.\"org.apache.kafka\".level", String.class)).isEqualTo("WARN");
        assertThat(config.getValue("quarkus.log.console.json.exception-output-type", String.class))
                .isEqualTo("formatted");
    }

    @Test
    void aServicesApplicationPropertiesStillOverridesALine() {
        Map<String, String> textInProd = new java.util.HashMap<>(PLANNER);
        textInProd.put(JSON, "false");
        ConfigValue json = service("prod", textInProd).getConfigValue(JSON);
        assertThat(json.getValue()).isEqualTo("false");
        assertThat(json.getSourceName()).contains("source=application.properties");
    }
}
