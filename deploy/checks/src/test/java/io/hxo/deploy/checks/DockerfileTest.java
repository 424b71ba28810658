package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Each service's Dockerfile against its module (fast-jar layout, port, health) and the deploy files that use it. */
class DockerfileTest {

    static Stream<ServiceCode> services() {
        return ServiceCode.all().stream();
    }

    static String dockerfileOf(ServiceCode s) {
        return s.module + "/src/main/docker/Dockerfile.jvm";
    }

    /** The instructions of the last stage (what runs), continuation lines joined. */
    static List<String> finalStage(String dockerfile) {
        List<String> stage = new ArrayList<>();
        String joined = Repo.read(dockerfile).replaceAll("\\\\\\n", " ");
        for (String line : joined.split("\n")) {
            String l = line.strip();
            if (l.isEmpty() || l.startsWith("#")) {
                continue;
            }
            if (l.toUpperCase().startsWith("FROM ")) {
                stage.clear();
            }
            stage.add(l);
        }
        return stage;
    }

    static String instruction(List<String> stage, String name) {
        return stage.stream().filter(l -> l.toUpperCase().startsWith(name + " ")).reduce((a, b) -> b)
                .orElseThrow(() -> new AssertionError("no " + name + " in the final stage"));
    }

    @ParameterizedTest
    @MethodSource("services")
    void theImageRunsQuarkusFastJarLayoutOnATemurin17Jre(ServiceCode s) {
        String text = Repo.read(dockerfileOf(s));
        List<String> stage = finalStage(dockerfileOf(s));
        assertThat(instruction(stage, "FROM")).isEqualTo("FROM eclipse-temurin:17-jre");
        assertThat(text).as("the build stage builds this module").contains("-pl " + s.module + " -am");
        String app = "/build/" + s.module + "/target/quarkus-app/";
        for (String part : List.of("lib/", "app/", "quarkus/")) {
            assertThat(stage).as("copies " + part).anyMatch(l -> l.startsWith("COPY") && l.contains(app + part));
        }
        assertThat(stage).as("copies quarkus-run.jar").anyMatch(l -> l.startsWith("COPY")
                && (l.contains(app + "*.jar") || l.contains(app + "quarkus-run.jar")));
        assertThat(instruction(stage, "ENTRYPOINT")).contains("-jar /app/quarkus-run.jar");
        // The module must still be packaged as fast-jar (Quarkus' default), as ./hxo also expects.
        assertThat(s.applicationProperties()).doesNotContainPattern("(?m)^quarkus\\.package\\.jar\\.type=(?!fast-jar)");
        assertThat(Repo.read("hxo")).contains("target/quarkus-app/quarkus-run.jar");
    }

    @ParameterizedTest
    @MethodSource("services")
    void theImageRunsAsAnUnprivilegedUser(ServiceCode s) {
        String user = instruction(finalStage(dockerfileOf(s)), "USER").substring(5).strip();
        assertThat(user).isNotIn("0", "root", "0:0");
    }

    @ParameterizedTest
    @MethodSource("services")
    void thePortIsTheModulesDefaultAndPortIsHonoured(ServiceCode s) {
        List<String> stage = finalStage(dockerfileOf(s));
        int port = s.defaultPort();
        assertThat(instruction(stage, "EXPOSE")).isEqualTo("EXPOSE " + port);
        assertThat(String.join("\n", stage)).containsPattern("ENV .*\\bPORT=" + port + "\\b");
        // The service reads quarkus.http.port=${PORT:...}: the platform's PORT wins over the image's.
        assertThat(s.propertyReferences()).contains("PORT");
        for (Map<String, Object> r : new RenderBlueprint("deploy/render.yaml").servicesOf(s.module)) {
            assertThat(new RenderBlueprint("deploy/render.yaml").environment(r).get("PORT").entry().get("value"))
                    .as("render.yaml PORT of " + RenderBlueprint.name(r)).isEqualTo(String.valueOf(port));
        }
        new ComposeFile().services().values().stream().filter(c -> ComposeFile.module(c).filter(s.module::equals).isPresent())
                .forEach(c -> assertThat(ComposeFile.environment(c).get("PORT")).as("compose PORT of " + s.module)
                        .isEqualTo(String.valueOf(port)));
    }

    @ParameterizedTest
    @MethodSource("services")
    void theHealthcheckProbesLivenessOnPort(ServiceCode s) {
        String check = instruction(finalStage(dockerfileOf(s)), "HEALTHCHECK");
        Matcher m = Pattern.compile("http://127\\.0\\.0\\.1:\\$\\{?PORT}?(/\\S*?)\"?\\s").matcher(check + " ");
        assertThat(m.find()).as("HEALTHCHECK calls http://127.0.0.1:${PORT}/...: " + check).isTrue();
        assertThat(m.group(1)).isEqualTo("/q/health/live");
        assertThat(s.servesOpenly(m.group(1))).as(s.module + " has quarkus-smallrye-health").isTrue();
    }
}
