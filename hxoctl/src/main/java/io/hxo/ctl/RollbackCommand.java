package io.hxo.ctl;

import io.hxo.contracts.json.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "rollback", description = {"Roll back to a deployment: a new plan re-applies its recorded artifacts.",
        "Prints the new plan's id; --watch follows it until it ends."})
class RollbackCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Parameters(paramLabel = "DEPLOYMENT_ID")
    String deploymentId;

    @Option(names = "--watch", description = "follow the rollback plan until it ends")
    boolean watch;

    @Override
    public Integer call() throws InterruptedException {
        Gateway.Answer a = root.gateway().post("/api/hxo/rollback", Json.text(Map.of("deployment_id", deploymentId)));
        if (!a.ok() || a.body() == null) {
            System.err.println("hxoctl: rollback refused: " + a.problem());
            return 1;
        }
        String planId = a.body().path("plan_id").asText();
        System.out.println(root.json ? a.body().toPrettyString() : planId);
        return watch ? StatusCommand.follow(root, planId, true) : 0;
    }
}
