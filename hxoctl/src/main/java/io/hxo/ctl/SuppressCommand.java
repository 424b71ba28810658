package io.hxo.ctl;

import io.hxo.contracts.json.Json;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;

@Command(name = "suppress", description = {"Accept an ARIE finding by its fingerprint (from `audit` or a report), with a reason.",
        "Later scans list it as suppressed, with the reason, and raise no alert for it."})
class SuppressCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Parameters(paramLabel = "FINGERPRINT", description = "the finding's fingerprint: 64 hex characters")
    String fingerprint;

    @Option(names = "--reason", required = true, description = "why the finding is accepted (kept with it)")
    String reason;

    @Override
    public Integer call() {
        Gateway.Answer a = root.gateway().post("/api/arie/suppress",
                Json.text(Map.of("fingerprint", fingerprint, "reason", reason)));
        if (!a.ok() || a.body() == null) {
            System.err.println("hxoctl: suppression refused: " + a.problem());
            return 1;
        }
        System.out.println(root.json ? a.body().toPrettyString()
                : "suppressed " + a.body().path("fingerprint").asText() + " (by " + a.body().path("suppressed_by").asText() + ")");
        return 0;
    }
}
