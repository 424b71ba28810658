package io.hxo.deploy.checks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/** .github/workflows/hxo_deploy.yml: valid for GitHub, and doing what README and the issue say. */
class WorkflowTest {
    static final String FILE = ".github/workflows/hxo_deploy.yml";
    static final String VALIDATOR = "@action-validator/cli@0.6.0";

    final Map<String, Object> doc = Repo.yaml(FILE);

    Map<String, Object> job(String name) {
        return RenderBlueprint.map(RenderBlueprint.map(doc.get("jobs")).get(name));
    }

    static List<Map<String, Object>> steps(Map<String, Object> job) {
        return RenderBlueprint.maps(job.get("steps"));
    }

    static String runs(Map<String, Object> job) {
        StringBuilder out = new StringBuilder();
        steps(job).forEach(s -> out.append(s.getOrDefault("run", "")).append('\n'));
        return out.toString();
    }

    static int indexOfStep(Map<String, Object> job, String needle) {
        List<Map<String, Object>> steps = steps(job);
        for (int i = 0; i < steps.size(); i++) {
            Map<String, Object> s = steps.get(i);
            if (String.valueOf(s.getOrDefault("run", "")).contains(needle)
                    || String.valueOf(s.getOrDefault("env", "")).contains(needle)) {
                return i;
            }
        }
        return -1;
    }

    @Test
    void runsOnPushToMainAndByHand() {
        // YAML 1.1 reads the key `on` as the boolean true.
        Object on = doc.containsKey("on") ? doc.get("on") : ((Map<?, ?>) doc).get(Boolean.TRUE);
        Map<String, Object> triggers = RenderBlueprint.map(on);
        assertThat(triggers).containsKeys("push", "workflow_dispatch");
        assertThat(RenderBlueprint.map(triggers.get("push")).get("branches")).isEqualTo(List.of("main"));
    }

    @Test
    void theTestJobRunsReadmesTestCommandOnJava17WithAPostgreSQL() {
        Matcher readme = Pattern.compile("(?m)^(\\./hxo test)\\b").matcher(Repo.read("README.md"));
        assertThat(readme.find()).as("README names its test command").isTrue();
        Map<String, Object> test = job("test");
        assertThat(runs(test)).contains(readme.group(1));
        assertThat(steps(test)).anyMatch(s -> String.valueOf(s.get("uses")).startsWith("actions/checkout@"));
        Map<String, Object> java = steps(test).stream()
                .filter(s -> String.valueOf(s.get("uses")).startsWith("actions/setup-java@"))
                .map(s -> RenderBlueprint.map(s.get("with"))).findFirst().orElseThrow();
        assertThat(java).containsEntry("java-version", "17").containsEntry("distribution", "temurin")
                .containsEntry("cache", "maven");
        // ./hxo test looks for PostgreSQL on 127.0.0.1:5432 as user postgres without a password.
        assertThat(Repo.read("hxo")).contains("HXO_LOCAL_PG_PORT:-5432").contains("HXO_PG_USER:-postgres");
        Map<String, Object> pg = RenderBlueprint.map(RenderBlueprint.map(test.get("services")).get("postgres"));
        assertThat(String.valueOf(pg.get("image"))).startsWith("postgres:");
        assertThat(RenderBlueprint.map(pg.get("env"))).containsEntry("POSTGRES_HOST_AUTH_METHOD", "trust");
        assertThat(pg.get("ports")).isEqualTo(List.of("5432:5432"));
    }

    @Test
    void theDeployJobFollowsTheTestsOnMainOnly() {
        Map<String, Object> deploy = job("deploy");
        Object needs = deploy.get("needs");
        assertThat(needs instanceof List<?> l ? l : List.of(String.valueOf(needs))).contains("test");
        assertThat(String.valueOf(deploy.get("if"))).contains("refs/heads/main");
    }

    @Test
    void theDeployJobCallsTheHookThenVerifiesThenAudits() {
        Map<String, Object> deploy = job("deploy");
        int hook = indexOfStep(deploy, "secrets.RENDER_DEPLOY_HOOK");
        int verify = indexOfStep(deploy, "verify --deep --certify");
        int scan = indexOfStep(deploy, "/api/arie/scan");
        assertThat(hook).as("a step gets the RENDER_DEPLOY_HOOK secret").isNotNegative();
        assertThat(verify).as("a step runs hxoctl verify --deep --certify").isGreaterThan(hook);
        assertThat(scan).as("the ARIE scan comes after the verification").isGreaterThan(verify);
        String scanStep = String.valueOf(steps(deploy).get(scan).get("run"));
        assertThat(scanStep).contains("-X POST").contains("Authorization: Bearer $ADMIRAL_TOKEN");
        assertThat(String.valueOf(deploy.get("env"))).contains("secrets.ADMIRAL_TOKEN").contains("secrets.HXO_URL");
        assertThat(Repo.path("deploy/scripts/render-deploy.sh")).isExecutable();
    }

    /**
     * The certification gate (issue 24, item 7): after the hooks and the wait for the new gateway, it
     * runs with a bound on its wait, and nothing lets the job go on when it fails.
     */
    @Test
    void theCertificationGateRunsAfterTheDeployAndItsFailureFailsTheJob() {
        Map<String, Object> deploy = job("deploy");
        int hook = indexOfStep(deploy, "secrets.RENDER_DEPLOY_HOOK");
        int healthy = indexOfStep(deploy, "$HXO_URL/health");
        int gate = indexOfStep(deploy, "verify --deep --certify");
        int success = indexOfStep(deploy, "\\\"status\\\":\\\"success\\\"");
        int failure = indexOfStep(deploy, "\\\"status\\\":\\\"failure\\\"");
        assertThat(healthy).as("a step waits for the new gateway's /health after the hooks").isGreaterThan(hook);
        assertThat(gate).as("the gate runs against the new deploy").isGreaterThan(healthy);
        assertThat(success).as("success is reported only after the gate").isGreaterThan(gate);
        assertThat(failure).isGreaterThan(gate);

        Map<String, Object> step = steps(deploy).get(gate);
        assertThat(step.get("continue-on-error")).as("a failed gate fails the job").isIn(null, false, "false");
        assertThat(step.get("if")).as("the gate runs on the success path, never always()").isNull();
        assertThat(String.valueOf(steps(deploy).get(failure).get("if"))).isEqualTo("failure()");
        assertThat(steps(deploy).get(success).get("if")).isNull();

        // The options the step passes are hxoctl's: a bounded wait for the canary's certificate.
        String run = String.valueOf(step.get("run"));
        Matcher timeout = Pattern.compile("--timeout (PT\\w+)").matcher(run);
        assertThat(timeout.find()).as("the gate's wait is bounded: " + run).isTrue();
        assertThat(java.time.Duration.parse(timeout.group(1))).isPositive();
        assertThat(step.get("timeout-minutes")).as("and the step's too").isNotNull();
        String verify = Repo.read("hxoctl/src/main/java/io/hxo/ctl/VerifyCommand.java");
        for (String option : List.of("--deep", "--certify", "--timeout")) {
            assertThat(verify).as("hxoctl verify has " + option).contains("names = \"" + option + "\"");
        }
    }

    @Test
    void hxoctlIsRunFromTheJarItsPomBuilds() {
        Matcher m = Pattern.compile("<finalName>([^<]+)</finalName>").matcher(Repo.read("hxoctl/pom.xml"));
        assertThat(m.find()).as("hxoctl/pom.xml names its jar").isTrue();
        String jar = "hxoctl/target/" + m.group(1) + ".jar";
        String deploy = runs(job("deploy"));
        assertThat(deploy).contains("java -jar " + jar + " verify --deep --certify");
        assertThat(deploy).containsPattern("-pl hxoctl\\b.*package");
    }

    /**
     * GitHub's workflow schema, checked by action-validator (npm @action-validator/cli). Uses
     * .ci/node's copy when .ci/run installed one, else npx fetches it; skipped without Node.
     */
    @Test
    void theWorkflowValidatesWithActionValidator() throws Exception {
        Path local = Repo.path(".ci/node/node_modules/.bin/action-validator");
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(local)) {
            command.add(local.toString());
        } else {
            assumeTrue(onPath("npx"), "npx is not installed: action-validator not run");
            command.addAll(List.of("npx", "--yes", "--package", VALIDATOR, "action-validator"));
        }
        command.add(Repo.path(FILE).toString());
        DeployScriptsTest.Run r = DeployScriptsTest.run(new ProcessBuilder(command).directory(Repo.ROOT.toFile()), 180);
        assertThat(r.exit()).as(String.join(" ", command) + "\n" + r.output()).isZero();
    }

    static boolean onPath(String program) throws IOException {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
