package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.greaterThan;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Commands;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.Genesis.FeedBatch;
import io.hxo.contracts.payload.Genesis.StoredEvent;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The gateway on a real broker and database. A stand-in planner in this test answers its Kafka
 * commands, so what is checked is the gateway's own part: auth, problem documents, request/reply.
 */
@QuarkusTest
class GatewayTest {
    static final String ADMIRAL = "Bearer test-admiral-token-0123456789";
    static final String CAPTAIN = "Bearer test-captain-token-0123456789";

    static KafkaTestClient kafka;
    static final AtomicBoolean running = new AtomicBoolean(true);
    static final ConcurrentLinkedQueue<CloudEvent> commandsSeen = new ConcurrentLinkedQueue<>();
    static Thread standInPlanner;

    @BeforeAll
    static void start() {
        kafka = new KafkaTestClient();
        KafkaConsumer<String, byte[]> commands = kafka.tail(Topic.HXO_COMMANDS);
        KafkaConsumer<String, byte[]> busCommands = kafka.tail(Topic.GENESIS_COMMANDS);
        standInPlanner = new Thread(() -> {
            try (commands; busCommands) {
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> rec : commands.poll(Duration.ofMillis(50))) {
                        CloudEvent cmd = KafkaBinding.fromRecord(rec);
                        if (cmd.type().equals(Ping.TYPE)) {
                            pong(Topic.HXO_COMMANDS, cmd);
                            continue;
                        }
                        commandsSeen.add(cmd);
                        answer(cmd);
                    }
                    // The stand-in bus only answers the gateway's link pings.
                    for (ConsumerRecord<String, byte[]> rec : busCommands.poll(Duration.ofMillis(50))) {
                        CloudEvent cmd = KafkaBinding.fromRecord(rec);
                        if (cmd.type().equals(Ping.TYPE)) {
                            pong(Topic.GENESIS_COMMANDS, cmd);
                        }
                    }
                }
            }
        }, "stand-in-planner");
        standInPlanner.start();
    }

    static void pong(Topic topic, CloudEvent ping) {
        kafka.publisher.reply(topic, ping, Reply.ok(200, new Ping.Pong(kafka.publisher.source(), Instant.now())));
    }

    /** Status queries the stand-in answered, per plan. */
    static final Map<String, java.util.concurrent.atomic.AtomicInteger> statusQueries = new ConcurrentHashMap<>();

    /**
     * Accepts submits; knows the plans whose ids start with 5ca1ab1e (their status says how many
     * status queries it has answered for them, and they can be aborted); answers 404 for other
     * status queries; stays silent on ids starting with 0000.
     */
    static void answer(CloudEvent cmd) {
        if (cmd.subject() != null && cmd.subject().startsWith(KNOWN)) {
            if (cmd.type().equals(Commands.PLAN_STATUS)) {
                int n = statusQueries.computeIfAbsent(cmd.subject(), k -> new java.util.concurrent.atomic.AtomicInteger())
                        .incrementAndGet();
                kafka.publisher.reply(Topic.HXO_COMMANDS, cmd, Reply.ok(200, Map.of("plan_id", cmd.subject(),
                        "status", "running", "queries_answered", n)));
            } else if (cmd.type().equals(Commands.PLAN_ABORT)) {
                kafka.publisher.reply(Topic.HXO_COMMANDS, cmd, Reply.ok(200, Map.of("plan_id", cmd.subject(),
                        "status", "aborted")));
            }
            return;
        }
        if (cmd.type().equals(Commands.PLAN_SUBMIT)) {
            Commands.SubmitPlan s = cmd.dataAs(Commands.SubmitPlan.class);
            kafka.publisher.reply(Topic.HXO_COMMANDS, cmd, Reply.ok(202, Map.of("plan_id", s.planId(), "status", "running")));
        } else if (cmd.type().equals(Commands.DRAIN)) {
            kafka.publisher.reply(Topic.HXO_COMMANDS, cmd, Reply.ok(202, Map.of("instance", "stand-in", "state", "draining")));
        } else if (cmd.type().equals(Commands.PLAN_STATUS) && !cmd.subject().startsWith("00000000")) {
            kafka.publisher.reply(Topic.HXO_COMMANDS, cmd, Reply.problem(Problem.of(404, "plan-not-found",
                    "Plan not found", "no plan with id " + cmd.subject())));
        }
    }

    @AfterAll
    static void stop() throws InterruptedException {
        running.set(false);
        standInPlanner.join(5000);
        kafka.close();
    }

    @Test
    void healthIsOpenAndNamesKafkaAndTheDatabase() {
        given().when().get("/health").then().statusCode(200)
                .body("checks.kafka.status", equalTo("UP"))
                .body("checks.database.status", equalTo("UP"))
                // No arie-auditor heartbeat nor ping answer in this test: never heard from.
                .body("checks.links.'arie-auditor'", equalTo("unknown"));
    }

    @Test
    void createAndSubmitForwardsThePlanAndAnswers202WithLocation() {
        String location = given().header("Authorization", ADMIRAL).body("{\"name\":\"p\",\"stages\":[]}")
                .when().post("/api/hxo/create-and-submit")
                .then().statusCode(202).body("status", equalTo("running"))
                .header("Location", containsString("/api/hxo/status/"))
                .extract().header("Location");
        String planId = location.substring(location.lastIndexOf('/') + 1);
        CloudEvent sent = commandsSeen.stream().filter(c -> planId.equals(c.subject())).findFirst().orElseThrow();
        Commands.SubmitPlan submit = sent.dataAs(Commands.SubmitPlan.class);
        assertThat(submit.start()).isTrue();
        assertThat(submit.requestedBy()).isEqualTo("admiral");
        assertThat(submit.plan().get("name").asText()).isEqualTo("p");
        assertThat(UUID.fromString(planId).version()).isEqualTo(7);
    }

    @Test
    void missingOrBadTokensAre401ProblemDocuments() {
        given().body("{}").when().post("/api/hxo/create-and-submit").then().statusCode(401)
                .contentType("application/problem+json").body("status", equalTo(401))
                .body("detail", containsString("Bearer")).header("WWW-Authenticate", startsWith("Bearer"));
        given().header("Authorization", "Admiral").body("{}").when().post("/api/hxo/create-and-submit").then()
                .statusCode(401).contentType("application/problem+json")
                .body("detail", containsString("send Authorization: Bearer"));
        given().header("Authorization", "Bearer wrong-token-wrong-token").when()
                .get("/api/hxo/status/" + UUID.randomUUID()).then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("not valid"));
    }

    @Test
    void aCaptainMayReadButNotSubmit() {
        given().header("Authorization", CAPTAIN).body("{}").when().post("/api/hxo/create-and-submit").then()
                .statusCode(403).contentType("application/problem+json");
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/links/health").then().statusCode(200);
    }

    @Test
    void malformedJsonIs400AndNothingIsForwarded() {
        int before = commandsSeen.size();
        given().header("Authorization", ADMIRAL).body("{\"name\": \"x\", \"stages\": [").when()
                .post("/api/hxo/create-and-submit").then().statusCode(400)
                .contentType("application/problem+json").body("type", containsString("malformed-json"))
                .body("instance", equalTo("/api/hxo/create-and-submit"));
        given().header("Authorization", ADMIRAL).body("[1,2]").when().post("/api/hxo/create-and-submit").then()
                .statusCode(400).contentType("application/problem+json");
        assertThat(commandsSeen.size()).isEqualTo(before);
    }

    @Test
    void theServicesProblemIsPassedThroughAndSilenceIsA504() {
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/status/" + UUID.randomUUID()).then()
                .statusCode(404).contentType("application/problem+json").body("type", containsString("plan-not-found"));
        long start = System.nanoTime();
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/status/00000000-0000-7000-8000-000000000000")
                .then().statusCode(504).contentType("application/problem+json").body("status", equalTo(504));
        assertThat(Duration.ofNanos(System.nanoTime() - start)).isLessThan(Duration.ofSeconds(10));
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/status/not-a-uuid").then().statusCode(400)
                .contentType("application/problem+json");
    }

    static final String KNOWN = "5ca1ab1e";

    @Test
    void statusReadsWithinTheMaxAgeShareOnePlannerQueryAndAnAbortIsSeenAtOnce() {
        String planId = KNOWN + "-0000-7000-8000-" + UUID.randomUUID().toString().substring(24);
        // Concurrent callers: one query between them (the test profile's max age is 1 s).
        List<java.util.concurrent.CompletableFuture<Integer>> reads = new java.util.ArrayList<>();
        for (int i = 0; i < 8; i++) {
            reads.add(java.util.concurrent.CompletableFuture.supplyAsync(() -> given().header("Authorization", CAPTAIN)
                    .when().get("/api/hxo/status/" + planId).then().statusCode(200)
                    .extract().path("queries_answered")));
        }
        List<Integer> seen = reads.stream().map(java.util.concurrent.CompletableFuture::join).toList();
        assertThat(seen).containsOnly(1);
        assertThat(statusQueries.get(planId).get()).isEqualTo(1);

        // Older than the max age: asked again.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> given()
                .header("Authorization", CAPTAIN).when().get("/api/hxo/status/" + planId).then().statusCode(200)
                .extract().<Integer>path("queries_answered") == 2);

        // A change made through this gateway drops the shared answer: the next read is fresh.
        given().header("Authorization", ADMIRAL).when().post("/api/hxo/abort/" + planId).then().statusCode(200);
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/status/" + planId).then().statusCode(200)
                .body("queries_answered", equalTo(3));

        // Problems are never shared: each read of an unknown plan asks again.
        String unknown = UUID.randomUUID().toString();
        long before = commandsSeen.stream().filter(c -> unknown.equals(c.subject())).count();
        for (int i = 0; i < 2; i++) {
            given().header("Authorization", CAPTAIN).when().get("/api/hxo/status/" + unknown).then().statusCode(404);
        }
        assertThat(commandsSeen.stream().filter(c -> unknown.equals(c.subject())).count()).isEqualTo(before + 2);
    }

    @Test
    void aPlanStateChangeOnTheBusFeedEndsTheSharedStatusAtOnce() {
        // The test profile keeps a status for 1 s. A plan's hxo.plan event on the feed must end that
        // early: a fresh plan is read once (one query, at `asked`), the event is fed, and the second
        // query has to come well inside the second. Retried with a new plan in case the gateway's feed
        // consumer was not yet assigned when the first event went out.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            String planId = KNOWN + "-0000-7000-8000-" + UUID.randomUUID().toString().substring(24);
            long asked = System.nanoTime();
            assertThat(statusQueriesAnswered(planId)).isEqualTo(1);
            assertThat(statusQueriesAnswered(planId)).as("kept within the max age").isEqualTo(1);
            StoredEvent changed = new StoredEvent(2, Topic.HXO_PLAN.topicName(), Topic.HXO_PLAN.topicName(),
                    "/hxo-planner/stand-in", UUID.randomUUID().toString(), planId, Instant.now(),
                    Json.tree(Map.of("plan_id", planId, "status", "certified")));
            kafka.publisher.publish(Topic.GENESIS_FEED, 0, kafka.publisher.event(Topic.GENESIS_FEED.topicName(), null,
                    new FeedBatch(1, List.of(changed)))).join();
            int answered = 1;
            while (answered == 1 && System.nanoTime() - asked < Duration.ofMillis(700).toNanos()) {
                Thread.sleep(20); // a plain loop: a timeout here must be an assertion failure, so the await retries
                answered = statusQueriesAnswered(planId);
            }
            assertThat(answered).as("asked again before the max age ran out").isEqualTo(2);
            assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofMillis(1000));
        });
    }

    static int statusQueriesAnswered(String planId) {
        return given().header("Authorization", CAPTAIN).when().get("/api/hxo/status/" + planId).then().statusCode(200)
                .extract().path("queries_answered");
    }

    @Test
    void openApiNeedsAToken() {
        // /q/metrics is on the management port (catalog.ObservabilityRoutesTest).
        given().when().get("/q/openapi").then().statusCode(401);
        given().header("Authorization", CAPTAIN).when().get("/q/openapi").then().statusCode(200)
                .body(containsString("/api/hxo/create-and-submit"));
        given().when().get("/q/health/ready").then().statusCode(200);
    }

    @Test
    void unknownRoutesAreProblemDocumentsToo() {
        given().header("Authorization", ADMIRAL).when().get("/api/hxo/nothing-here").then().statusCode(404)
                .contentType("application/problem+json");
    }

    @Test
    void gracefulShutdownReachesEveryPartitionsOwner() {
        int before = commandsSeen.size();
        given().header("Authorization", ADMIRAL).when().post("/api/hxo/graceful-shutdown").then().statusCode(202)
                .body("instances.stand-in", equalTo("draining"));
        assertThat(commandsSeen.stream().skip(before).filter(c -> c.type().equals(Commands.DRAIN)).count())
                .isEqualTo(6);
        given().header("Authorization", CAPTAIN).when().post("/api/hxo/graceful-shutdown").then().statusCode(403);
    }

    @Test
    void metricsAndStatusSumWhatEveryLivePlannerReports() {
        Map<String, Double> a = Map.of("shards_done", 10.0, "shards_created", 12.0, "shards_in_flight", 2.0,
                "p95_ms.test.sleep", 40.0, "concurrency_limit", 8.0, "active_plans", 1.0);
        Map<String, Double> b = Map.of("shards_done", 5.0, "shards_created", 5.0, "p95_ms.test.sleep", 90.0,
                "concurrency_limit", 16.0, "active_plans", 2.0, "draining", 2.0);
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            kafka.publisher.emit(Topic.FEDERATION_HEARTBEAT, "hxo-planner", new Events.Heartbeat("hxo-planner", "p-a",
                    "1", "4", Instant.now(), Instant.now(), a, Map.of())).join();
            kafka.publisher.emit(Topic.FEDERATION_HEARTBEAT, "hxo-planner", new Events.Heartbeat("hxo-planner", "p-b",
                    "1", "4", Instant.now(), Instant.now(), b, Map.of())).join();
            given().header("Authorization", CAPTAIN).when().get("/api/hxo/metrics").then().statusCode(200)
                    .body("build_shards.done", equalTo(15)).body("build_shards.created", equalTo(17))
                    .body("build_shards.in_flight", equalTo(2)).body("build_shards.p95_ms.'test.sleep'", equalTo(90))
                    .body("build_shards.concurrency_limit", equalTo(16)).body("planner_instances", equalTo(2));
        });
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/status").then().statusCode(200)
                .body("active_plans", equalTo(3)).body("draining", equalTo(true))
                .body("instances.find { it.instance == 'p-b' }.state", equalTo("drained"));
    }

    @Test
    void heartbeatsMakeALinkHealthy() {
        Events.Heartbeat hb = new Events.Heartbeat("genesis-bus", "test-instance", "1", "1", Instant.now(),
                Instant.now(), Map.of(), Map.of());
        await().atMost(Duration.ofSeconds(15)).until(() -> {
            kafka.publisher.emit(Topic.FEDERATION_HEARTBEAT, "genesis-bus", hb).join();
            List<Map<String, Object>> links = given().header("Authorization", CAPTAIN).when().get("/api/hxo/links/health")
                    .then().statusCode(200).extract().jsonPath().getList("links");
            return links.stream().anyMatch(l -> "genesis-bus".equals(l.get("service")) && "healthy".equals(l.get("state")));
        });
        // The gateway's pings through genesis.commands are answered (by the stand-in): RTT is measured.
        await().atMost(Duration.ofSeconds(15)).untilAsserted(() -> {
            kafka.publisher.emit(Topic.FEDERATION_HEARTBEAT, "genesis-bus", hb).join();
            given().header("Authorization", CAPTAIN).when().get("/api/hxo/links/health").then().statusCode(200)
                    .body("links.find { it.service == 'genesis-bus' }.state", equalTo("healthy"))
                    .body("links.find { it.service == 'genesis-bus' }.rtt_ms.samples", greaterThan(0))
                    .body("links.find { it.service == 'genesis-bus' }.rtt_ms.p99", notNullValue())
                    .body("links.find { it.service == 'genesis-bus' }.schema_versions", equalTo(List.of("1")));
        });
        given().when().get("/health").then().statusCode(200).body("checks.links.'genesis-bus'", equalTo("healthy"))
                .body("status", equalTo("DEGRADED"));
    }

    @Test
    void aPrincipalOverItsBucketGets429WithRetryAfterAndOthersAreUntouched() throws Exception {
        String flood = "Bearer flood-" + UUID.randomUUID();
        // Several senders at once, so the burst is spent faster than the bucket refills (100/s) even
        // on a busy machine where one sender alone manages fewer requests than that.
        java.util.concurrent.atomic.AtomicReference<io.restassured.response.Response> limited =
                new java.util.concurrent.atomic.AtomicReference<>();
        java.util.concurrent.atomic.AtomicInteger sent = new java.util.concurrent.atomic.AtomicInteger();
        java.util.concurrent.ExecutorService senders = java.util.concurrent.Executors.newFixedThreadPool(6);
        try {
            List<java.util.concurrent.Future<?>> running = new java.util.ArrayList<>();
            for (int t = 0; t < 6; t++) {
                running.add(senders.submit(() -> {
                    while (limited.get() == null && sent.incrementAndGet() <= 3000) {
                        io.restassured.response.Response r = given().header("Authorization", flood).when()
                                .get("/api/hxo/links/health");
                        if (r.statusCode() == 429) {
                            limited.compareAndSet(null, r);
                        }
                    }
                }));
            }
            for (java.util.concurrent.Future<?> f : running) {
                f.get();
            }
        } finally {
            senders.shutdownNow();
        }
        io.restassured.response.Response last = limited.get();
        // The burst (HXO_RATE_LIMIT_BURST, 200) went through first (as 401s: the token is bad, but
        // the limit comes before authentication); refill adds a few while the senders run.
        assertThat(last).as("no 429 after %d requests", sent.get()).isNotNull();
        assertThat(sent.get()).isGreaterThan(200);
        last.then().contentType("application/problem+json").body("status", equalTo(429))
                .header("Retry-After", org.hamcrest.Matchers.notNullValue())
                .header("RateLimit-Remaining", equalTo("0"));
        // Another principal has its own bucket; answers carry its rate-limit headers.
        given().header("Authorization", CAPTAIN).when().get("/api/hxo/links/health").then().statusCode(200)
                .header("RateLimit-Limit", equalTo("200"))
                .header("RateLimit-Remaining", org.hamcrest.Matchers.notNullValue());
        given().when().get("/health").then().statusCode(200);
    }

    @Test
    void behindAProxyPlainHttpIsRedirectedAndHttpsGetsHsts() {
        given().redirects().follow(false).header("X-Forwarded-Proto", "http").header("X-Forwarded-Host", "hxo.example")
                .header("Authorization", CAPTAIN).when().get("/api/hxo/links/health?x=1").then().statusCode(308)
                .header("Location", equalTo("https://hxo.example/api/hxo/links/health?x=1"));
        given().header("X-Forwarded-Proto", "https").header("Authorization", CAPTAIN).when()
                .get("/api/hxo/links/health").then().statusCode(200)
                .header("Strict-Transport-Security", startsWith("max-age="));
        given().when().get("/api/hxo/links/health").then().header("Strict-Transport-Security",
                org.hamcrest.Matchers.nullValue());
    }

    @Test
    void corsAllowsOnlyTheConfiguredOrigins() {
        given().header("Origin", "https://console.example").header("Access-Control-Request-Method", "GET")
                .when().options("/api/hxo/links/health").then()
                .header("Access-Control-Allow-Origin", equalTo("https://console.example"));
        String other = given().header("Origin", "https://evil.example").header("Access-Control-Request-Method", "GET")
                .when().options("/api/hxo/links/health").then().extract().header("Access-Control-Allow-Origin");
        assertThat(other).isNull();
        given().header("Origin", "https://evil.example").header("Authorization", CAPTAIN).when()
                .get("/api/hxo/links/health").then().header("Access-Control-Allow-Origin", org.hamcrest.Matchers.nullValue());
    }

    @Test
    void ciDeployReportsArePublishedAndEveryChangingCallIsAudited() {
        try (KafkaConsumer<String, byte[]> deploys = kafka.tail(Topic.DEPLOY_PLATFORM_SUCCESS);
                KafkaConsumer<String, byte[]> audit = kafka.tail(Topic.HXO_AUDIT)) {
            String deployment = "dep-" + UUID.randomUUID();
            given().header("Authorization", ADMIRAL).contentType(ContentType.JSON)
                    .body("{\"status\":\"success\",\"deployment_id\":\"" + deployment + "\",\"commit\":\"abc123\"}")
                    .when().post("/api/deploy/events").then().statusCode(202)
                    .body("topic", equalTo("deploy.platform.success"));
            CloudEvent ev = KafkaTestClient.await(deploys, e -> deployment.equals(e.subject()), Duration.ofSeconds(10));
            Events.DeployReport report = ev.dataAs(Events.DeployReport.class);
            assertThat(report.commit()).isEqualTo("abc123");
            assertThat(report.status()).isEqualTo("success");

            given().header("Authorization", ADMIRAL).contentType(ContentType.JSON).body("{\"status\":\"done\"}")
                    .when().post("/api/deploy/events").then().statusCode(400)
                    .contentType("application/problem+json").body("detail", containsString("start, success, failure"));
            given().header("Authorization", ADMIRAL).contentType(ContentType.JSON).body("{\"status\":\"start\",\"commit\":7}")
                    .when().post("/api/deploy/events").then().statusCode(400);
            given().header("Authorization", CAPTAIN).contentType(ContentType.JSON).body("{\"status\":\"start\"}")
                    .when().post("/api/deploy/events").then().statusCode(403);

            List<Events.AuditRecord> records = KafkaTestClient.collect(audit, got -> got.stream()
                    .map(e -> e.dataAs(Events.AuditRecord.class))
                    .filter(r -> r.path().equals("/api/deploy/events")).count() >= 4, Duration.ofSeconds(10))
                    .stream().map(e -> e.dataAs(Events.AuditRecord.class))
                    .filter(r -> r.path().equals("/api/deploy/events")).toList();
            assertThat(records).extracting(Events.AuditRecord::status).containsExactly(202, 400, 400, 403);
            assertThat(records.get(0).role()).isEqualTo("admiral");
            assertThat(records.get(3).role()).isEqualTo("captain");
            assertThat(records).allMatch(r -> r.method().equals("POST") && r.at() != null);
        }
        // Reads are not audited; the database view answers captains.
        given().header("Authorization", CAPTAIN).when().get("/api/db/health").then().statusCode(200)
                .body("status", equalTo("UP")).body("schema_versions.federation-gateway", org.hamcrest.Matchers.notNullValue());
    }
}
