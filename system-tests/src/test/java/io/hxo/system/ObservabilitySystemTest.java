package io.hxo.system;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * What an operator and a subscriber see from outside: one plan's trace across the four services,
 * every event on the bus valid against the schema its {@code dataschema} names, and every series the
 * Grafana dashboard queries served by the services' management ports.
 */
@Order(15) // before LauncherSystemTest, which stops the suite
@ExtendWith(Suite.class)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ObservabilitySystemTest {
    static final String ADMIRAL = "Bearer " + Suite.ADMIRAL;
    static final String CAPTAIN = "Bearer " + Suite.CAPTAIN;
    static final List<String> SERVICES = List.of("federation-gateway", "hxo-planner", "genesis-bus", "arie-auditor");
    static final int SERVER = 2;

    static String awaitDecided(String planId, Duration within) {
        String[] status = new String[1];
        await().atMost(within).pollInterval(Duration.ofMillis(250)).until(() -> {
            status[0] = Suite.planStatus(planId).path("status").asText();
            return !List.of("", "accepted", "running", "completed").contains(status[0]);
        });
        return status[0];
    }

    /**
     * One untraced plan through to its decision first: on a loaded machine a suite that just started
     * may take longer than HXO_FEDERATION_TIMEOUT to answer its first command.
     */
    static void warmUp() throws Exception {
        await().atMost(Duration.ofMinutes(3)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            HttpResponse<String> r = Suite.post("/api/hxo/create-and-submit", ADMIRAL, "{\"name\":\"warm-up\",\"stages\":"
                    + "[{\"id\":\"w\",\"kind\":\"test.noop\",\"config\":{\"count\":1,\"salt\":\"" + UUID.randomUUID() + "\"}}]}");
            if (r.statusCode() != 202) {
                return false;
            }
            awaitDecided(Json.tree(r.body().getBytes()).get("plan_id").asText(), Duration.ofMinutes(2));
            return true;
        });
    }

    static void awaitPeersHealthy() {
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            HttpResponse<String> r = Suite.get("/api/hxo/links/health", CAPTAIN);
            assertThat(r.statusCode()).isEqualTo(200);
            Map<String, String> states = new TreeMap<>();
            for (JsonNode l : Json.tree(r.body().getBytes()).get("links")) {
                states.put(l.get("service").asText(), l.get("state").asText());
            }
            assertThat(states).containsEntry("hxo-planner", "healthy").containsEntry("genesis-bus", "healthy")
                    .containsEntry("arie-auditor", "healthy");
        });
    }

    @Test
    @Order(1)
    void onePlansTraceFollowsItThroughAllFourServicesAsOneTree() throws Exception {
        awaitPeersHealthy();
        warmUp();
        // The client starts the trace (as a traced CI job would): its traceparent reaches the gateway.
        // A submit the planner did not answer in time (a suite still settling) is tried again, in a new trace.
        String traceId = null;
        String clientSpan = null;
        HttpResponse<String> accepted = null;
        HexFormat hex = HexFormat.of();
        for (int attempt = 0; attempt < 5 && (accepted == null || accepted.statusCode() == 504); attempt++) {
            byte[] t = new byte[16];
            byte[] s = new byte[8];
            ThreadLocalRandom.current().nextBytes(t);
            ThreadLocalRandom.current().nextBytes(s);
            traceId = hex.formatHex(t);
            clientSpan = hex.formatHex(s);
            // A salt of its own: a retried plan must run its shard, not find it done by the plan that timed out.
            String plan = "{\"name\":\"traced\",\"stages\":[{\"id\":\"one\",\"kind\":\"test.noop\","
                    + "\"config\":{\"count\":1,\"salt\":\"" + UUID.randomUUID() + "\"}}]}";
            accepted = Suite.HTTP.send(HttpRequest.newBuilder(
                            URI.create("http://127.0.0.1:" + Suite.GATEWAY + "/api/hxo/create-and-submit"))
                    .timeout(Duration.ofSeconds(15)).header("Content-Type", "application/json")
                    .header("Authorization", ADMIRAL).header("traceparent", "00-" + traceId + "-" + clientSpan + "-01")
                    .POST(HttpRequest.BodyPublishers.ofString(plan, StandardCharsets.UTF_8)).build(),
                    HttpResponse.BodyHandlers.ofString());
        }
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String traced = traceId;
        String client = clientSpan;
        String planId = Json.tree(accepted.body().getBytes()).get("plan_id").asText();
        assertThat(awaitDecided(planId, Duration.ofSeconds(60))).isEqualTo("certified");

        @SuppressWarnings("unchecked")
        List<OtlpReceiver.Span>[] trace = new List[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(500)).untilAsserted(() -> {
            trace[0] = Suite.TRACES.spans(traced);
            Map<String, Set<String>> byService = trace[0].stream().collect(Collectors.groupingBy(
                    OtlpReceiver.Span::service, TreeMap::new, Collectors.mapping(OtlpReceiver.Span::name,
                            Collectors.toCollection(TreeSet::new))));
            assertThat(byService.keySet()).as(byService + "; " + Suite.TRACES.summary()).containsAll(SERVICES);
            // The command, each validator's vote, and the gateway's decision are hops of this trace.
            assertThat(byService.get("federation-gateway")).contains("hxo.commands publish",
                    "hxo.aggregate.vote receive", "hxo.aggregate.finalized publish");
            assertThat(byService.get("hxo-planner")).contains("hxo.commands receive", "hxo.shard.tasks publish",
                    "hxo.aggregate.ready publish", "hxo.aggregate.vote publish");
            assertThat(byService.get("genesis-bus")).contains("hxo.aggregate.ready receive", "hxo.aggregate.vote publish");
            assertThat(byService.get("arie-auditor")).contains("hxo.aggregate.ready receive", "hxo.aggregate.vote publish");
            // One tree: a single root (the gateway's server span, child of the client's span), every
            // other span's parent among the trace's spans.
            Set<String> ids = trace[0].stream().map(OtlpReceiver.Span::spanId).collect(Collectors.toSet());
            List<OtlpReceiver.Span> roots = trace[0].stream().filter(sp -> !ids.contains(sp.parentSpanId())).toList();
            assertThat(roots).as(roots.toString()).hasSize(1);
            assertThat(roots.get(0).service()).isEqualTo("federation-gateway");
            assertThat(roots.get(0).kind()).isEqualTo(SERVER);
            assertThat(roots.get(0).parentSpanId()).isEqualTo(client);
        });
        // Status polls are traces of their own: nothing of theirs joined the plan's.
        assertThat(trace[0]).noneMatch(sp -> sp.name().startsWith("GET"));

        // SPEC §9: from the submit to a readable certificate, at most 7 Kafka crossings in sequence. The
        // gateway answers the certificate from its own decision, so the chain ends at the decision: the
        // receive spans among the ancestors of the gateway's "hxo.aggregate.finalized publish".
        assertThat(Suite.get("/api/hxo/plan/" + planId + "/certificate", CAPTAIN).statusCode()).isEqualTo(200);
        List<String> crossings = crossingsBefore(trace[0], "federation-gateway", "hxo.aggregate.finalized publish");
        assertThat(crossings).as("Kafka crossings in sequence, submit to certificate").isNotEmpty().hasSizeLessThanOrEqualTo(7);
        System.out.println("one-shard plan, crossings in sequence (" + crossings.size() + "): " + crossings);

        // Logs are JSON lines in prod: each service's line about this plan names the plan, its trace
        // and the service instance that wrote it.
        for (String service : SERVICES) {
            await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(300)).untilAsserted(() ->
                    assertThat(logLinesAbout(service, planId)).as(service + "'s log lines naming plan " + planId)
                            .anySatisfy(line -> {
                                assertThat(line.path("mdc").path("traceId").asText()).isEqualTo(traced);
                                assertThat(line.path("service").asText()).isEqualTo(service);
                                assertThat(line.path("serviceInstance").asText()).isNotBlank();
                                assertThat(line.path("message").asText()).contains(planId);
                            }));
        }
    }

    /** The JSON lines of a service's log (./hxo up writes them to the state folder) whose MDC names the plan. */
    static List<JsonNode> logLinesAbout(String service, String planId) throws java.io.IOException {
        List<JsonNode> about = new ArrayList<>();
        for (String line : Files.readAllLines(Suite.STATE.resolve("logs/" + service + ".log"))) {
            if (line.startsWith("{") && line.contains(planId)) {
                JsonNode json = Json.tree(line.getBytes(StandardCharsets.UTF_8));
                if (planId.equals(json.path("mdc").path("planId").asText())) {
                    about.add(json);
                }
            }
        }
        return about;
    }

    /** The "receive" spans on the path from the trace's root to the named span, first hop first. */
    static List<String> crossingsBefore(List<OtlpReceiver.Span> trace, String service, String name) {
        Map<String, OtlpReceiver.Span> byId = trace.stream()
                .collect(Collectors.toMap(OtlpReceiver.Span::spanId, sp -> sp, (a, b) -> a));
        OtlpReceiver.Span end = trace.stream().filter(sp -> sp.service().equals(service) && sp.name().equals(name))
                .findFirst().orElseThrow(() -> new AssertionError("no " + name + " span in " + service));
        List<String> hops = new ArrayList<>();
        for (OtlpReceiver.Span sp = end; sp != null; sp = byId.get(sp.parentSpanId())) {
            if (sp.name().endsWith(" receive")) {
                hops.add(0, sp.service() + ": " + sp.name());
            }
        }
        return hops;
    }

    @Test
    @Order(2)
    void everyEventTypeOnTheBusIsValidAgainstTheSchemaItsDataschemaNames() throws Exception {
        makeEventsOfEveryKindThatIsCheapToMake();
        Map<String, List<ConsumerRecord<String, byte[]>>> byType = eventsOnTheBus();

        SchemaRegistry registry = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
                b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));
        Map<String, String> invalid = new TreeMap<>();
        Map<String, Integer> validated = new TreeMap<>();
        for (var entry : byType.entrySet()) {
            String type = entry.getKey();
            List<ConsumerRecord<String, byte[]>> typed = entry.getValue().stream()
                    .filter(r -> KafkaBinding.text(r.headers(), KafkaBinding.DATA_SCHEMA) != null).toList();
            if (typed.isEmpty()) {
                continue; // only external events (a client's own JSON) of this type so far
            }
            HttpResponse<String> r = Suite.get("/api/genesis/schemas/" + type, CAPTAIN);
            assertThat(r.statusCode()).as(type + ": " + r.body()).isEqualTo(200);
            JsonNode schemaDoc = Json.tree(r.body().getBytes());
            Schema schema = registry.getSchema(r.body(), InputFormat.JSON);
            // A sample: the first, the last and up to 30 spread between.
            int step = Math.max(1, typed.size() / 30);
            for (int i = 0; i < typed.size(); i += step) {
                ConsumerRecord<String, byte[]> rec = i + step >= typed.size() ? typed.get(typed.size() - 1) : typed.get(i);
                assertThat(KafkaBinding.text(rec.headers(), KafkaBinding.DATA_SCHEMA))
                        .isEqualTo(schemaDoc.path("$id").asText());
                List<Error> errors = schema.validate(new String(rec.value(), StandardCharsets.UTF_8), InputFormat.JSON);
                if (!errors.isEmpty()) {
                    invalid.put(type + "@" + rec.offset(), errors + " in " + new String(rec.value(), StandardCharsets.UTF_8));
                }
                validated.merge(type, 1, Integer::sum);
            }
        }
        assertThat(invalid).isEmpty();
        assertThat(validated.keySet()).as("event types validated").containsAll(List.of("hxo.plan", "hxo.shard.created",
                "hxo.shard.done", "hxo.shard.failed", "hxo.shard.retry", "hxo.aggregate.ready", "hxo.aggregate.vote",
                "hxo.aggregate.finalized", "hxo.alert", "hxo.audit", "deploy.platform.start",
                "deploy.platform.success", "deploy.platform.failure", "arie.audit", "federation.heartbeat",
                "genesis.dlq"));
        System.out.println("validated samples per event type: " + validated);
    }

    /** A plan that halts, CI's deploy reports, a scan, a forged record; plans and heartbeats exist already. */
    private static void makeEventsOfEveryKindThatIsCheapToMake() throws Exception {
        String failing = "{\"name\":\"fails\",\"stages\":[{\"id\":\"f\",\"kind\":\"test.fail\",\"config\":{\"count\":1,"
                + "\"salt\":\"" + UUID.randomUUID() + "\"}}]}";
        HttpResponse<String> accepted = Suite.post("/api/hxo/create-and-submit", ADMIRAL, failing);
        assertThat(accepted.statusCode()).as(accepted.body()).isEqualTo(202);
        String failingId = Json.tree(accepted.body().getBytes()).get("plan_id").asText();
        for (String status : List.of("start", "failure", "success")) {
            HttpResponse<String> r = Suite.post("/api/deploy/events", ADMIRAL, "{\"status\":\"" + status
                    + "\",\"deployment_id\":\"dep-obs-" + status + "\",\"service\":\"federation-gateway\"}");
            assertThat(r.statusCode()).as(r.body()).isEqualTo(202);
        }
        HttpResponse<String> scan = Suite.post("/api/arie/scan", ADMIRAL, "{}");
        assertThat(scan.statusCode()).as(scan.body()).isEqualTo(202);
        try (KafkaTestClient intruder = new KafkaTestClient("127.0.0.1:" + Suite.KAFKA,
                "an-intruders-own-secret-0123456789abcdefgh")) {
            intruder.publisher.emit(Topic.HXO_ALERT, "forged", new Events.Alert("guardian.halt", "critical", null,
                    "intruder", "forged", Map.of())).join();
        }
        assertThat(awaitDecided(failingId, Duration.ofSeconds(90))).isEqualTo("halted");
    }

    /** Every record on the catalog's event topics, by CloudEvents type; waits until the ones this test made are in. */
    private static Map<String, List<ConsumerRecord<String, byte[]>>> eventsOnTheBus() {
        Map<String, List<ConsumerRecord<String, byte[]>>> byType = new LinkedHashMap<>();
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofSeconds(1)).until(() -> {
            byType.clear();
            byType.putAll(readAll());
            return byType.containsKey("genesis.dlq") && byType.containsKey("arie.audit")
                    && byType.containsKey("hxo.shard.retry") && byType.containsKey("deploy.platform.success");
        });
        return byType;
    }

    private static Map<String, List<ConsumerRecord<String, byte[]>>> readAll() {
        Map<String, Object> cfg = new HashMap<>();
        cfg.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + Suite.KAFKA);
        cfg.put(ConsumerConfig.KEY_DESERIALIZER_CLASS_CONFIG, StringDeserializer.class.getName());
        cfg.put(ConsumerConfig.VALUE_DESERIALIZER_CLASS_CONFIG, ByteArrayDeserializer.class.getName());
        cfg.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        Map<String, List<ConsumerRecord<String, byte[]>>> byType = new TreeMap<>();
        try (KafkaConsumer<String, byte[]> c = new KafkaConsumer<>(cfg)) {
            List<TopicPartition> parts = new ArrayList<>();
            for (Topic topic : Topic.ofKind(Topic.Kind.EVENT)) {
                c.partitionsFor(topic.topicName()).forEach(p -> parts.add(new TopicPartition(p.topic(), p.partition())));
            }
            c.assign(parts);
            c.seekToBeginning(parts);
            Map<TopicPartition, Long> end = c.endOffsets(parts);
            long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
            while (parts.stream().anyMatch(p -> c.position(p) < end.get(p)) && System.nanoTime() < deadline) {
                for (ConsumerRecord<String, byte[]> rec : c.poll(Duration.ofMillis(200))) {
                    String type = KafkaBinding.text(rec.headers(), KafkaBinding.TYPE);
                    if (type != null) {
                        byType.computeIfAbsent(type, k -> new ArrayList<>()).add(rec);
                    }
                }
            }
        }
        return byType;
    }

    static final Pattern METRIC = Pattern.compile("\\b((?:hxo|kafka|http_server|jvm|process)_[a-z0-9_]+)");

    @Test
    @Order(3)
    void everySeriesTheDashboardQueriesIsServedWithoutAToken() throws Exception {
        JsonNode dashboard = Json.tree(Files.readAllBytes(Suite.ROOT.resolve("deploy/grafana/hxo-dashboard.json")));
        Set<String> queried = new TreeSet<>();
        for (JsonNode panel : dashboard.path("panels")) {
            for (JsonNode target : panel.path("targets")) {
                Matcher m = METRIC.matcher(target.path("expr").asText());
                while (m.find()) {
                    queried.add(m.group(1));
                }
            }
        }
        assertThat(queried).contains("hxo_kafka_refused_total", "kafka_consumer_fetch_manager_records_lag_max",
                "hxo_consensus_duration_seconds_count", "hxo_shards_in_flight");
        StringBuilder all = new StringBuilder();
        for (String service : SERVICES) {
            HttpResponse<String> r = Suite.HTTP.send(HttpRequest.newBuilder(URI.create(
                    "http://127.0.0.1:" + Suite.managementPort(service) + "/q/metrics")).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).as(service + " /q/metrics without a token").isEqualTo(200);
            // Client metrics of every Kafka client, SmallRye's and the service's own.
            assertThat(r.body()).as(service).contains("kafka_producer_record_send_total", "kafka_consumer_fetch_manager_records_consumed_total");
            if (service.equals("arie-auditor")) {
                assertThat(r.body()).as("ARIE's vote reader (made outside SmallRye; plan 1 was voted on)")
                        .containsPattern("kafka_consumer_[a-z_]+\\{[^}]*client_id=\"arie-vote-reader-");
            }
            all.append(r.body()).append('\n');
        }
        Set<String> served = all.toString().lines().filter(l -> !l.startsWith("#") && !l.isBlank())
                .map(l -> l.split("[{ ]", 2)[0]).collect(Collectors.toSet());
        assertThat(served).as("series the dashboard queries").containsAll(queried);
        // Histograms are buckets a server can sum across instances, not client-side quantiles.
        assertThat(served).contains("hxo_shard_duration_seconds_bucket", "hxo_plan_duration_seconds_bucket",
                "hxo_sse_delivery_seconds_bucket");
        assertThat(all.toString()).doesNotContain("hxo_shard_duration_seconds{kind=\"test.noop\",quantile=");
    }
}
