package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback-points", description = "Deployments that can be rolled back to (certified deploy.* plans).")
class RollbackPointsCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Override
    public Integer call() {
        Gateway.Answer a = root.gateway().get("/api/hxo/deployments/rollback-points");
        if (!a.ok() || a.body() == null) {
            System.err.println("hxoctl: " + a.problem());
            return 1;
        }
        if (root.json) {
            System.out.println(a.body().toPrettyString());
            return 0;
        }
        JsonNode points = a.body().path("rollback_points");
        if (points.isEmpty()) {
            System.out.println("no rollback points yet (a certified deploy.* plan makes one)");
        }
        for (JsonNode p : points) {
            System.out.printf("%s  %-24s finished %s  plan %s  root %s%n", p.path("deployment_id").asText(),
                    p.path("name").asText(), p.path("finished_at").asText(), p.path("plan_id").asText(),
                    p.path("merkle_root").asText());
        }
        return 0;
    }
}
