package io.hxo.ctl;

import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "links", description = "Each peer's link state. Exit 1 unless every link is healthy.")
class LinksCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Override
    public Integer call() {
        Gateway.Answer a = root.gateway().get("/api/hxo/links/health");
        if (!a.ok()) {
            System.err.println("hxoctl: " + a.problem());
            return 1;
        }
        boolean healthy = true;
        if (root.json) {
            System.out.println(a.body().toPrettyString());
        }
        for (var link : a.body().path("links")) {
            String state = link.path("state").asText();
            healthy &= "healthy".equals(state);
            if (!root.json) {
                System.out.printf("%-20s %-9s instances %d%n", link.path("service").asText(), state,
                        link.path("instances").size());
            }
        }
        return healthy ? 0 : 1;
    }
}
