package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The broker of docker-compose.yml and of render.yaml is configured like the one ./hxo runs and the
 * tests use (deploy/kafka/server.properties.template): a setting such as
 * log.message.timestamp.type=LogAppendTime matters to the replay window, so no copy may drift.
 * The apache/kafka image reads KAFKA_FOO_BAR as foo.bar.
 */
class KafkaSettingsTest {

    /** The template's settings, less those ./hxo fills per run (@PORT@, @DATA_DIR@, ...). */
    static Map<String, String> launcherSettings() {
        Map<String, String> out = new LinkedHashMap<>();
        for (String line : Repo.read("deploy/kafka/server.properties.template").split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#") || !l.contains("=")) {
                continue;
            }
            String key = l.substring(0, l.indexOf('=')).strip();
            String value = l.substring(l.indexOf('=') + 1).strip();
            if (!value.matches(".*@[A-Z_]+@.*")) {
                out.put("KAFKA_" + key.toUpperCase(Locale.ROOT).replace('.', '_'), value);
            }
        }
        return out;
    }

    @Test
    void theTemplateIsReadAsExpected() {
        assertThat(launcherSettings()).containsEntry("KAFKA_LOG_MESSAGE_TIMESTAMP_TYPE", "LogAppendTime")
                .containsEntry("KAFKA_PROCESS_ROLES", "broker,controller").doesNotContainKey("KAFKA_LOG_DIRS");
    }

    @Test
    void composeBrokerHasTheLaunchersSettings() {
        Map<String, String> env = ComposeFile.environment(new ComposeFile().services().get("kafka"));
        assertThat(env).containsAllEntriesOf(launcherSettings());
    }

    @Test
    void renderBrokerHasTheLaunchersSettings() {
        for (String file : new String[] {"deploy/render.yaml", "deploy/render.blue-green.yaml"}) {
            RenderBlueprint bp = new RenderBlueprint(file);
            Map<String, Object> broker = bp.service("hxo-kafka").orElseThrow();
            Map<String, String> env = new LinkedHashMap<>();
            bp.environment(broker).forEach((k, e) -> env.put(k, String.valueOf(e.entry().get("value"))));
            assertThat(env).as(file).containsAllEntriesOf(launcherSettings()).containsKey("CLUSTER_ID");
        }
    }
}
