package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.payload.PlanState;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", description = {"A plan's status; --watch follows it with a progress bar until it ends.",
        "Exit 0 while running or when completed/certified, 1 when it ended otherwise."})
class StatusCommand implements Callable<Integer> {

    @ParentCommand
    HxoCtl root;

    @Parameters(paramLabel = "PLAN_ID")
    String planId;

    @Option(names = "--watch", description = "poll until the plan ends, with a progress bar")
    boolean watch;

    @Option(names = "--poll-ms", defaultValue = "1000", description = "how often --watch polls (default ${DEFAULT-VALUE})")
    long pollMs = 1000;

    @Override
    public Integer call() throws InterruptedException {
        return follow(root, planId, watch, pollMs);
    }

    static int follow(HxoCtl root, String planId, boolean watch) throws InterruptedException {
        return follow(root, planId, watch, 1000);
    }

    static int follow(HxoCtl root, String planId, boolean watch, long pollMs) throws InterruptedException {
        boolean tty = System.console() != null && !root.json;
        int completedPolls = 0;
        while (true) {
            Gateway.Answer a = root.gateway().get("/api/hxo/status/" + planId);
            if (!a.ok() || a.body() == null) {
                System.err.println("hxoctl: " + a.problem());
                return 1;
            }
            JsonNode s = a.body();
            PlanState state = PlanState.fromWire(s.path("status").asText());
            // A completed plan becomes certified within the consensus timeout; wait a little for it.
            completedPolls = state == PlanState.COMPLETED ? completedPolls + 1 : 0;
            boolean done = !watch || (!state.live() && state != PlanState.COMPLETED) || completedPolls * pollMs > 30_000;
            if (root.json) {
                System.out.println(s.toPrettyString());
            } else if (tty && watch) {
                System.out.print("\r" + line(s) + (done ? System.lineSeparator() : ""));
                System.out.flush();
            } else {
                System.out.println(line(s));
            }
            if (done) {
                return state.live() || state == PlanState.COMPLETED || state == PlanState.CERTIFIED ? 0 : 1;
            }
            Thread.sleep(pollMs);
        }
    }

    static String line(JsonNode s) {
        long total = s.path("total_shards").asLong();
        long done = s.path("shards").path("done").asLong();
        int width = 30;
        int filled = total == 0 ? width : (int) Math.min(width, width * done / total);
        String root = s.path("merkle_root").asText("");
        long eta = s.path("eta_seconds").asLong(-1);
        return String.format("%-10s [%s%s] %3d%% %d/%d done, %d cached, %d failed%s%s", s.path("status").asText(),
                "#".repeat(filled), ".".repeat(width - filled), total == 0 ? 100 : 100 * done / total, done, total,
                s.path("shards").path("cached").asLong(), s.path("shards").path("failed").asLong(),
                eta > 0 && root.isEmpty() ? "  eta " + eta + " s" : "", root.isEmpty() ? "" : "  root " + root);
    }
}
