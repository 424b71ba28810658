package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Is the running suite fit to trust? Each check prints a line; the last line gives the verdict and,
 * on failure, the one reason that decided the exit code (see {@link Verification.Failure}).
 */
@Command(name = "verify", description = {
        "Check the running suite: gateway health and every link healthy;",
        "--deep: instances agree on schema versions, planners running, the topic catalog present;",
        "--certify: the gate: submit a canary plan (or --plan FILE), wait for its certificate, and verify",
        "sampled inclusion proofs offline against the certified root; also recent certified plans.",
        "Exit 0 ok; 1 a suite check failed; 2 unreachable or bad usage; 3 certification failed;",
        "4 no certificate (refused, ended uncertified, or --timeout passed); 5 a certificate or proof",
        "does not hold; 6 nothing could be checked (no proof verified)."})
class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Option(names = "--deep", description = "also schema versions, planner states and topics")
    boolean deep;

    @Option(names = "--certify", description = "run the certification gate (a canary plan) and check recent certificates")
    boolean certify;

    @Option(names = "--plan", paramLabel = "FILE",
            description = "with --certify: the plan to submit instead of the default canary (JSON; - for stdin)")
    String planFile;

    @Option(names = "--canary-shards", defaultValue = "8",
            description = "shards of the default canary (test.noop, fresh salt; default ${DEFAULT-VALUE})")
    int canaryShards;

    @Option(names = "--timeout", defaultValue = "PT2M",
            description = "how long the gate waits for the plan's certificate (default ${DEFAULT-VALUE})")
    Duration timeout;

    @Option(names = "--poll-ms", defaultValue = "500", description = "how often the gate polls (default ${DEFAULT-VALUE})")
    long pollMs;

    @Option(names = "--plans", defaultValue = "3",
            description = "recent certified plans to check besides the canary (0 for none; default ${DEFAULT-VALUE})")
    int plans;

    @Option(names = "--samples", defaultValue = "3", description = "proofs sampled per plan (default ${DEFAULT-VALUE})")
    int samples;

    @Override
    public Integer call() throws IOException, InterruptedException {
        if (plans < 0 || plans > 500 || samples < 1 || samples > 1000 || canaryShards < 1 || canaryShards > 10_000
                || timeout.isNegative() || timeout.isZero() || pollMs < 1) {
            System.err.println("hxoctl: --plans must be 0..500, --samples 1..1000, --canary-shards 1..10000, "
                    + "--timeout positive and --poll-ms at least 1");
            return 2;
        }
        if (planFile != null && !certify) {
            System.err.println("hxoctl: --plan names the plan the gate submits: use it with --certify");
            return 2;
        }
        ObjectNode plan = null;
        if (planFile != null) {
            plan = readPlan();
            if (plan == null) {
                return 2;
            }
        }
        Verification v = new Verification(root.gateway(), new SecureRandom());
        v.health();
        v.links(deep);
        if (deep) {
            v.planners();
            v.topics();
        }
        String canaryId = null;
        if (certify) {
            CanaryGate gate = new CanaryGate(root.gateway(), v, timeout, pollMs, samples);
            canaryId = plan != null ? gate.run(plan, null)
                    : gate.run(CanaryGate.defaultCanary(canaryShards), canaryShards);
            v.certificates(plans, samples, canaryId);
        }
        print(v, canaryId);
        return v.exitCode();
    }

    private ObjectNode readPlan() throws IOException {
        byte[] bytes = "-".equals(planFile) ? System.in.readAllBytes() : Files.readAllBytes(Path.of(planFile));
        JsonNode json;
        try {
            json = Json.tree(bytes);
        } catch (IllegalArgumentException e) {
            System.err.println("hxoctl: --plan " + planFile + " is not JSON: " + e.getMessage());
            return null;
        }
        if (!(json instanceof ObjectNode o)) {
            System.err.println("hxoctl: --plan " + planFile + " must hold a JSON object (a plan)");
            return null;
        }
        return o;
    }

    private void print(Verification v, String canaryId) {
        List<Verification.Check> checks = v.checks();
        long problems = checks.stream().filter(c -> c.level() == Verification.Level.PROBLEM).count();
        Verification.Check verdict = v.verdict();
        if (root.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", v.ok());
            out.put("exit_code", v.exitCode());
            if (verdict != null) {
                out.put("failure", verdict.failure().name().toLowerCase());
                out.put("reason", reason(verdict));
            }
            if (canaryId != null) {
                out.put("canary_plan_id", canaryId);
            }
            out.put("problems", problems);
            out.put("checks", checks.stream().map(c -> {
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("level", c.level().name().toLowerCase());
                m.put("subject", c.subject());
                m.put("message", c.message());
                if (c.failure() != null) {
                    m.put("failure", c.failure().name().toLowerCase());
                }
                return m;
            }).toList());
            System.out.println(Json.mapper().valueToTree(out).toPrettyString());
            return;
        }
        for (Verification.Check c : checks) {
            String tag = switch (c.level()) {
                case OK -> "ok  ";
                case WARN -> "warn";
                case PROBLEM -> "FAIL";
            };
            System.out.printf("%s  %-30s %s%n", tag, c.subject(), c.message());
        }
        System.out.println(verdict == null ? "verify: ok"
                : "verify: FAIL (exit " + verdict.failure().exitCode + ") " + reason(verdict)
                        + (problems > 1 ? " [" + problems + " problems in all]" : ""));
    }

    private static String reason(Verification.Check c) {
        return c.failure().title + ": " + c.subject() + ": " + c.message();
    }
}
