package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.runtime.config.EnvCatalog;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** docker-compose.yml against the code, the Dockerfiles and its env-file template. */
class ComposeFileTest {
    static final Set<String> CONDITIONS = Set.of("service_started", "service_healthy", "service_completed_successfully");
    final ComposeFile compose = new ComposeFile();

    @Test
    void everyDependsOnTargetExistsAndHealthyMeansAHealthcheck() {
        Map<String, Map<String, Object>> services = compose.services();
        List<String> problems = new ArrayList<>();
        services.forEach((name, s) -> {
            Object deps = s.get("depends_on");
            Map<String, String> conditions = new TreeMap<>();
            if (deps instanceof List<?> l) {
                l.forEach(d -> conditions.put(String.valueOf(d), "service_started"));
            } else if (deps instanceof Map<?, ?> m) {
                m.forEach((k, v) -> conditions.put(String.valueOf(k),
                        String.valueOf(RenderBlueprint.map(v).getOrDefault("condition", "service_started"))));
            }
            conditions.forEach((target, condition) -> {
                if (!services.containsKey(target)) {
                    problems.add(name + " depends on '" + target + "', which is not a service");
                } else if (!CONDITIONS.contains(condition)) {
                    problems.add(name + " -> " + target + ": unknown condition " + condition);
                } else if (condition.equals("service_healthy") && ComposeFile.healthcheck(services.get(target)).isEmpty()) {
                    problems.add(name + " waits for " + target + " to be healthy, but it has no healthcheck");
                }
            });
            if (ComposeFile.module(s).isPresent()) {
                for (String infra : List.of("kafka", "postgres")) {
                    if (!"service_healthy".equals(conditions.get(infra))) {
                        problems.add(name + " must wait for " + infra + " to be healthy");
                    }
                }
            }
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void genesisBusStartsBeforeTheOtherServicesAndTheGatewayLast() {
        // As ./hxo does: genesis-bus provisions the topic catalog, the gateway's links need the others.
        Map<String, Map<String, Object>> services = compose.services();
        for (String module : List.of("hxo-planner", "arie-auditor", "federation-gateway")) {
            assertThat(RenderBlueprint.map(services.get(module).get("depends_on"))).as(module).containsKey("genesis-bus");
        }
        assertThat(RenderBlueprint.map(services.get("federation-gateway").get("depends_on")))
                .containsKeys("hxo-planner", "arie-auditor");
    }

    @Test
    void everyServiceIsBuiltFromAnExistingDockerfile() {
        List<String> modules = new ArrayList<>();
        compose.services().forEach((name, s) -> {
            Map<String, Object> build = RenderBlueprint.map(s.get("build"));
            if (build.isEmpty()) {
                assertThat(s.get("image")).as(name + " has an image or a build").isNotNull();
                return;
            }
            Path context = Repo.path(String.valueOf(build.getOrDefault("context", ".")));
            assertThat(context).as(name + " build context").isDirectory();
            assertThat(context.resolve(String.valueOf(build.get("dockerfile")))).as(name + " dockerfile").isRegularFile();
            ComposeFile.module(s).ifPresent(modules::add);
        });
        assertThat(modules).containsExactlyInAnyOrderElementsOf(Repo.serviceModules());
    }

    @Test
    void everyVariableAServiceReadsIsSetInItsEnvironmentOrEnvFile() {
        Map<String, Set<String>> missing = new TreeMap<>();
        compose.services().forEach((name, s) -> ComposeFile.module(s).ifPresent(module -> {
            Set<String> absent = new TreeSet<>(ServiceCode.of(module).reads());
            absent.removeAll(ComposeFile.processEnvironment(s).keySet());
            if (!absent.isEmpty()) {
                missing.put(name, absent);
            }
        }));
        assertThat(missing).as("variables the code reads that compose does not set").isEmpty();
    }

    @Test
    void secretsComeOnlyFromTheEnvFileAndItsTemplateHoldsNone() {
        Set<String> secrets = new TreeSet<>();
        EnvCatalog.VARIABLES.stream()
                .filter(v -> v.kind() == EnvCatalog.Kind.SECRET || v.kind() == EnvCatalog.Kind.TOKEN)
                .forEach(v -> secrets.add(v.name()));
        List<String> problems = new ArrayList<>();
        compose.services().forEach((name, s) -> ComposeFile.environment(s).forEach((k, v) -> {
            if (secrets.contains(k) || k.endsWith("PASSWORD") && v != null && !v.startsWith("${")) {
                problems.add(name + ": " + k + " is written in docker-compose.yml; it belongs in .env");
            }
        }));
        Map<String, String> template = ComposeFile.envFile(ComposeFile.ENV_TEMPLATE);
        template.forEach((k, v) -> {
            if ((secrets.contains(k) || k.endsWith("PASSWORD")) && !v.isEmpty()) {
                problems.add(ComposeFile.ENV_TEMPLATE + ": " + k + " has a value; the template must hold no secret");
            }
        });
        assertThat(template).as("the template lists every secret the services read").containsKeys(
                secrets.stream().filter(s -> compose.services().values().stream().anyMatch(
                        svc -> ComposeFile.module(svc).map(m -> ServiceCode.of(m).reads().contains(s)).orElse(false)))
                        .toArray(String[]::new));
        assertThat(problems).isEmpty();
        assertThat(Repo.read(".dockerignore")).as(".env never reaches an image").containsPattern("(?m)^\\.env$");
        assertThat(Repo.read(".gitignore")).as("and is never committed").containsPattern("(?m)^\\.env$");
    }

    @Test
    void everyInterpolatedVariableHasADefaultOrIsInTheEnvTemplate() {
        // Compose reads .env for ${...} too: after compose-env.sh, `docker compose up` finds every value.
        Set<String> template = ComposeFile.envFile(ComposeFile.ENV_TEMPLATE).keySet();
        List<String> problems = new ArrayList<>();
        Matcher m = Pattern.compile("\\$\\{([A-Za-z_][A-Za-z0-9_]*)(:?[-?+])?").matcher(
                Repo.read(ComposeFile.FILE).replace("$$", ""));
        while (m.find()) {
            boolean hasDefault = m.group(2) != null && m.group(2).endsWith("-");
            if (!hasDefault && !template.contains(m.group(1))) {
                problems.add("${" + m.group(1) + "} has no default and is not in " + ComposeFile.ENV_TEMPLATE);
            }
        }
        assertThat(problems).isEmpty();
    }

    @Test
    void healthchecksProbeAPathTheServiceServesOnItsPort() {
        List<String> problems = new ArrayList<>();
        Pattern url = Pattern.compile("https?://(?:127\\.0\\.0\\.1|localhost):(\\d+)(/[^\\s\"']*)");
        compose.services().forEach((name, s) -> {
            var test = ComposeFile.healthcheck(s);
            if (test.isEmpty()) {
                problems.add(name + " has no healthcheck");
                return;
            }
            ComposeFile.module(s).ifPresent(module -> {
                Matcher m = url.matcher(test.get());
                if (!m.find()) {
                    problems.add(name + ": healthcheck calls no http://127.0.0.1:<port>/<path>: " + test.get());
                    return;
                }
                String port = ComposeFile.environment(s).get("PORT");
                if (!m.group(1).equals(port)) {
                    problems.add(name + ": healthcheck probes port " + m.group(1) + " but PORT is " + port);
                }
                if (!ServiceCode.of(module).servesOpenly(m.group(2))) {
                    problems.add(name + ": nothing in " + module + " answers GET " + m.group(2) + " without a token");
                }
            });
        });
        assertThat(problems).isEmpty();
    }

    @Test
    void onlyTheGatewayIsPublishedAndTheInfrastructureIsKraftKafkaAndPostgres16() {
        compose.services().forEach((name, s) -> {
            if (s.containsKey("ports")) {
                assertThat(ComposeFile.module(s)).as(name + " publishes ports").contains("federation-gateway");
            }
        });
        Map<String, Object> kafka = compose.services().get("kafka");
        assertThat(String.valueOf(kafka.get("image"))).matches("apache/kafka:4\\.1\\.\\d+");
        assertThat(ComposeFile.environment(kafka)).containsEntry("KAFKA_PROCESS_ROLES", "broker,controller")
                .doesNotContainKey("KAFKA_ZOOKEEPER_CONNECT");
        assertThat(String.valueOf(compose.services().get("postgres").get("image"))).matches("postgres:16(\\..*|-.*)?");
        compose.services().forEach((name, s) -> ComposeFile.module(s).ifPresent(module -> {
            Map<String, String> env = ComposeFile.environment(s);
            assertThat(env.get("KAFKA_BOOTSTRAP_SERVERS")).as(name).isEqualTo("kafka:9092");
            assertThat(env.get("DATABASE_URL")).as(name).matches("postgresql://[^@]+@postgres:5432/.+");
        }));
    }

    @Test
    void theEnvFileIsRequiredSoAMissingOneFailsLoudly() {
        compose.services().forEach((name, s) -> {
            Object files = s.get("env_file");
            if (files instanceof List<?> l) {
                for (Object f : l) {
                    if (f instanceof Map<?, ?> m) {
                        assertThat(m.get("required")).as(name + " env_file " + m.get("path") + " required")
                                .isNotEqualTo(false);
                    }
                }
            }
        });
        assertThat(Files.isRegularFile(Repo.path(ComposeFile.ENV_TEMPLATE))).isTrue();
    }
}
