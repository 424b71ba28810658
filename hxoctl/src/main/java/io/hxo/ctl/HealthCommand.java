package io.hxo.ctl;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.ParentCommand;

@Command(name = "health", description = "Gateway health: Kafka, database, each link. Exit 1 unless all are up.")
class HealthCommand implements Callable<Integer> {
    @ParentCommand
    HxoCtl root;

    @Override
    public Integer call() {
        Gateway.Answer a = root.gateway().get("/health");
        if (a.body() == null) {
            System.err.println("hxoctl: /health answered " + a.status() + " without a body");
            return 1;
        }
        if (root.json) {
            System.out.println(a.body().toPrettyString());
        } else {
            JsonNode checks = a.body().path("checks");
            System.out.printf("status    %s%n", a.body().path("status").asText());
            System.out.printf("kafka     %s  %s%n", checks.path("kafka").path("status").asText(),
                    checks.path("kafka").path("detail").asText());
            System.out.printf("database  %s  %s%n", checks.path("database").path("status").asText(),
                    checks.path("database").path("detail").asText());
            for (Iterator<Map.Entry<String, JsonNode>> it = checks.path("links").fields(); it.hasNext(); ) {
                var link = it.next();
                System.out.printf("link      %-20s %s%n", link.getKey(), link.getValue().asText());
            }
        }
        return "UP".equals(a.body().path("status").asText()) ? 0 : 1;
    }
}
