package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "shards", description = "A plan's shards as a table: stage, index, state, attempts, duration, CAS id,"
        + " output digest, last error (which shards failed, and why; a shard's cas_id for `hxoctl proof`).")
class ShardsCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Parameters(index = "0", paramLabel = "PLAN", description = "the plan's id")
    String planId;

    @Option(names = "--state", description = "only shards in this state: pending, done or failed")
    String state;

    @Option(names = "--stage", description = "only shards of this stage")
    String stage;

    @Option(names = "--limit", defaultValue = "1000", description = "at most this many shards in all (default ${DEFAULT-VALUE})")
    int limit;

    @Override
    public Integer call() {
        if (limit < 1) {
            System.err.println("hxoctl: --limit must be 1 or more");
            return 2;
        }
        Integer after = null;
        int shown = 0;
        boolean header = !root.json;
        while (shown < limit) {
            int page = Math.min(1000, limit - shown);
            StringBuilder path = new StringBuilder("/api/hxo/plan/").append(encode(planId)).append("/shards?limit=").append(page);
            if (state != null) {
                path.append("&state=").append(encode(state));
            }
            if (stage != null) {
                path.append("&stage=").append(encode(stage));
            }
            if (after != null) {
                path.append("&after=").append(after);
            }
            Gateway.Answer a = root.gateway().get(path.toString());
            if (!a.ok() || a.body() == null) {
                System.err.println("hxoctl: " + a.problem());
                return 1;
            }
            if (root.json) {
                System.out.println(a.body().toPrettyString());
            } else {
                if (header) {
                    System.out.printf("%-12s %7s %-8s %8s %9s  %-64s  %s%n", "STAGE", "INDEX", "STATE", "ATTEMPTS",
                            "MS", "CAS_ID", "OUTPUT DIGEST / ERROR");
                    header = false;
                }
                for (JsonNode s : a.body().path("shards")) {
                    String tail = s.path("error").isTextual() ? s.path("error").asText()
                            : s.path("output_digest").asText("-") + (s.path("cached").asBoolean() ? " (cached)" : "");
                    System.out.printf("%-12s %7d %-8s %8d %9s  %-64s  %s%n", s.path("stage").asText(),
                            s.path("index").asInt(), s.path("state").asText(), s.path("attempts").asInt(),
                            s.path("duration_ms").isNumber() ? s.path("duration_ms").asText() : "-",
                            s.path("cas_id").asText(), tail);
                }
            }
            shown += a.body().path("shards").size();
            if (!a.body().path("next").isNumber()) {
                break;
            }
            after = a.body().path("next").asInt();
        }
        return 0;
    }

    private static String encode(String s) {
        return URLEncoder.encode(s, StandardCharsets.UTF_8);
    }
}
