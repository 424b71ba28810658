package io.hxo.ctl;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "submit", description = "Create and start the plan in FILE (JSON); prints its id.")
class SubmitCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Parameters(paramLabel = "FILE", description = "plan JSON, or - for standard input")
    String file;

    @Override
    public Integer call() throws IOException {
        String body = "-".equals(file) ? new String(System.in.readAllBytes()) : Files.readString(Path.of(file));
        Gateway.Answer a = root.gateway().post("/api/hxo/create-and-submit", body);
        if (!a.ok()) {
            System.err.println("hxoctl: plan refused (" + a.status() + "): " + a.problem());
            if (a.body() != null && a.body().has("errors")) {
                a.body().get("errors").forEach(e -> System.err.println("  " + e.path("path").asText() + ": "
                        + e.path("message").asText()));
            }
            return 1;
        }
        System.out.println(root.json ? a.body().toPrettyString() : a.body().path("plan_id").asText());
        return 0;
    }
}
