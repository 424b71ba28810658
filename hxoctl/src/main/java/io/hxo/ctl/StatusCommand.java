package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Set;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "status", description = "A plan's status; --watch follows it until it ends.")
class StatusCommand implements Callable<Integer> {
    private static final Set<String> ENDED = Set.of("completed", "certified", "halted", "aborted", "timed_out",
            "certification_failed");

    @ParentCommand
    HxoCtl root;

    @Parameters(paramLabel = "PLAN_ID")
    String planId;

    @Option(names = "--watch", description = "poll until the plan ends, with a progress bar")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        while (true) {
            Gateway.Answer a = root.gateway().get("/api/hxo/status/" + planId);
            if (!a.ok()) {
                System.err.println("hxoctl: " + a.problem());
                return 1;
            }
            JsonNode s = a.body();
            String status = s.path("status").asText();
            if (root.json) {
                System.out.println(s.toPrettyString());
            } else {
                System.out.println(line(s));
            }
            if (!watch || ENDED.contains(status)) {
                return Set.of("completed", "certified").contains(status) || !ENDED.contains(status) ? 0 : 1;
            }
            Thread.sleep(1000);
        }
    }

    static String line(JsonNode s) {
        long total = s.path("total_shards").asLong();
        long done = s.path("shards").path("done").asLong();
        int width = 30;
        int filled = total == 0 ? width : (int) (width * done / total);
        String root = s.path("merkle_root").asText("");
        return String.format("%-10s [%s%s] %d/%d done, %d cached, %d failed%s", s.path("status").asText(),
                "#".repeat(filled), ".".repeat(width - filled), done, total, s.path("shards").path("cached").asLong(),
                s.path("shards").path("failed").asLong(), root.isEmpty() ? "" : "  root " + root);
    }
}
