package io.hxo.ctl;

import io.hxo.contracts.json.Json;
import java.security.SecureRandom;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;

/**
 * Is the running suite fit to trust? Exit 0 when every check passes, 1 when any problem is found
 * (each names its link, topic or plan), 2 when the gateway cannot be reached.
 */
@Command(name = "verify", description = {
        "Check the running suite: gateway health and every link healthy;",
        "--deep: instances agree on schema versions, planners running, the topic catalog present;",
        "--certify: recent certified plans' certificates are consistent and sampled inclusion proofs verify offline.",
        "Exit 0 ok, 1 problems (each named), 2 unreachable."})
class VerifyCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Option(names = "--deep", description = "also schema versions, planner states and topics")
    boolean deep;

    @Option(names = "--certify", description = "also verify recent certificates and sampled proofs offline")
    boolean certify;

    @Option(names = "--plans", defaultValue = "3", description = "certified plans to check (default ${DEFAULT-VALUE})")
    int plans;

    @Option(names = "--samples", defaultValue = "3", description = "proofs sampled per plan (default ${DEFAULT-VALUE})")
    int samples;

    @Override
    public Integer call() {
        if (plans < 1 || plans > 500 || samples < 1 || samples > 1000) {
            System.err.println("hxoctl: --plans must be 1..500 and --samples 1..1000");
            return 2;
        }
        Verification v = new Verification(root.gateway(), new SecureRandom());
        v.health();
        v.links(deep);
        if (deep) {
            v.planners();
            v.topics();
        }
        if (certify) {
            v.certificates(plans, samples);
        }
        List<Verification.Check> checks = v.checks();
        long problems = checks.stream().filter(c -> c.level() == Verification.Level.PROBLEM).count();
        if (root.json) {
            Map<String, Object> out = new LinkedHashMap<>();
            out.put("ok", v.ok());
            out.put("problems", problems);
            out.put("checks", checks.stream().map(c -> Map.of("level", c.level().name().toLowerCase(),
                    "subject", c.subject(), "message", c.message())).toList());
            System.out.println(Json.mapper().valueToTree(out).toPrettyString());
        } else {
            for (Verification.Check c : checks) {
                String tag = switch (c.level()) {
                    case OK -> "ok  ";
                    case WARN -> "warn";
                    case PROBLEM -> "FAIL";
                };
                System.out.printf("%s  %-30s %s%n", tag, c.subject(), c.message());
            }
            System.out.println(v.ok() ? "verify: ok" : "verify: " + problems + " problem(s)");
        }
        return v.ok() ? 0 : 1;
    }
}
