package io.hxo.arie;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.arie.audit.ScanReaper;
import io.hxo.arie.store.ScanStore;
import io.hxo.arie.store.StoreException;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.blocking.Awaiting;
import io.hxo.runtime.config.ConfigFacts;
import io.hxo.runtime.publish.HxoPublisher;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.vertx.mutiny.sqlclient.Pool;
import io.vertx.mutiny.sqlclient.Tuple;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * arie-auditor's audit scans through its Kafka API, on the real broker and database: config rules
 * over heartbeats, workspace rules over planted files, triage against the baseline, and the
 * {@code arie.audit} / {@code arie.alert} events.
 */
@QuarkusTest
class ArieScanTest {
    static KafkaTestClient kafka;

    @jakarta.inject.Inject
    io.hxo.arie.facts.FactsBook factsBook;
    @jakarta.inject.Inject
    ScanStore scans;
    @jakarta.inject.Inject
    ScanReaper reaper;
    @jakarta.inject.Inject
    io.hxo.arie.audit.AuditService audit;
    /** ARIE's own reactive pool, for the rows a test plants or counts itself. */
    @jakarta.inject.Inject
    Pool db;
    @jakarta.inject.Inject
    io.hxo.arie.config.ArieConfig config;

    @BeforeAll
    static void client() {
        kafka = new KafkaTestClient();
    }

    @AfterAll
    static void close() {
        kafka.close();
    }

    @Test
    void anInsecurelyConfiguredServiceGivesExactlyThoseFindings() {
        String service = "insecure-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>();
        env.put("HXO_ZERO_TRUST", "false");
        env.put("SECRET_KEY", random(10));
        env.put("SEED_SECRET", random(48));
        env.put("HXO_CORS_ORIGINS", "*");
        heartbeat(service, ConfigFacts.of(env));

        JsonNode report = report(scan(new Arie.ScanRequest(false, null, null, "test")));
        assertThat(ruleIds(findingsOf(report, service)))
                .containsExactlyInAnyOrder("HXO-CFG-001", "HXO-CFG-004", "HXO-CFG-007");
    }

    @Test
    void aHeartbeatThatCannotBeReadIsSkippedAndTheChannelGoesOn() {
        String service = "unreadable-" + UUID.randomUUID().toString().substring(0, 8);
        try (HxoPublisher as = kafka.publisherAs(service)) {
            // Signed and verified like any record, but its data is no heartbeat: the converter cannot
            // read it. With SmallRye's default failure strategy this would stop the channel for good.
            as.emit(Topic.FEDERATION_HEARTBEAT, service, List.of("not", "a", "heartbeat")).join();
        }
        // Same key, same partition: the readable heartbeat comes after the unreadable one.
        heartbeat(service, Map.of());
        io.restassured.RestAssured.given().when().get("/q/health/live").then().statusCode(200);
    }

    @Test
    void aServiceConfiguredAsTheChecklistSaysGivesNone() {
        String service = "hardened-" + UUID.randomUUID().toString().substring(0, 8);
        Map<String, String> env = new HashMap<>();
        env.put("HXO_ZERO_TRUST", "true");
        env.put("HXO_QUANTUM_HASHING", "true");
        env.put("HXO_CONSENSUS_MODE", "HARMONIC");
        env.put("SECRET_KEY", random(48));
        env.put("SEED_SECRET", random(48));
        env.put("HXO_CORS_ORIGINS", "https://console.example");
        env.put("HXO_RATE_LIMIT_RPS", "100");
        env.put("HXO_AUTO_AUDIT_AFTER_DEPLOY", "true");
        env.put("DATABASE_URL", "postgresql://hxo:" + random(24) + "@db.internal:5432/hxo");
        Map<String, Object> facts = ConfigFacts.of(env);
        heartbeat(service, facts);
        // The service is seen (its facts are in the book) and nothing is found about it.
        JsonNode report = report(scan(new Arie.ScanRequest(false, null, null, "test")));
        assertThat(findingsOf(report, service)).isEmpty();
        assertThat(facts).containsKey("database_password_set");
    }

    @Test
    void aPlantedWorkspaceGivesThoseFindingsWithFileAndLine_andAnIdenticalRescanNoneNew(@TempDir Path dir)
            throws IOException {
        Files.writeString(dir.resolve("id_rsa"), "# deploy key\n-----BEGIN RSA PRIVATE KEY-----\n"
                + "MIIEpAIBAAKCAQEA" + random(40) + "\n-----END RSA PRIVATE KEY-----\n");
        Files.createDirectories(dir.resolve("conf"));
        Files.writeString(dir.resolve("conf/cloud.properties"), "region=eu-west-1\n\nkey_id=AKIA" + upper(16) + "\n");
        Files.writeString(dir.resolve(".env"), "DEBUG=true\n");
        String guide = "How to release:\n1. tag\n2. push\n" + random(30) + "\n";
        Files.writeString(dir.resolve("guide.md"), guide);
        Files.createDirectories(dir.resolve("release"));
        Files.writeString(dir.resolve("release/guide.md"), guide);
        Set<String> expected = Set.of("HXO-WS-001 id_rsa:2", "HXO-WS-002 conf/cloud.properties:3",
                "HXO-WS-004 .env:1", "HXO-WS-006 release/guide.md:1");

        try (KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.ARIE_ALERT);
                KafkaConsumer<String, byte[]> audits = kafka.tail(Topic.ARIE_AUDIT)) {
            String first = scan(new Arie.ScanRequest(false, dir.toString(), null, "test"));
            JsonNode one = report(first);
            assertThat(placed(fileFindings(one))).isEqualTo(expected);
            assertThat(fileFindings(one)).allSatisfy(f -> assertThat(f.path("baseline").asText()).isEqualTo("new"));

            Arie.AuditSummary summary = awaitAudit(audits, first);
            assertThat(summary.status()).isEqualTo("done");
            assertThat(summary.active()).isEqualTo(one.path("findings").size());
            assertThat(summary.newFindings()).isEqualTo(one.path("summary").path("new_findings").asInt());
            // One arie.alert per new high or critical finding, and for nothing else.
            Set<String> alerted = alertsOf(alerts, first);
            Set<String> newHigh = new HashSet<>();
            one.path("findings").forEach(f -> {
                if (f.path("baseline").asText().equals("new")
                        && Set.of("high", "critical").contains(f.path("severity").asText())) {
                    newHigh.add(f.path("fingerprint").asText());
                }
            });
            assertThat(alerted).isEqualTo(newHigh);
            Set<String> workspaceAlerts = fileFindings(one).stream().filter(f -> !f.path("rule_id").asText()
                    .equals("HXO-WS-006")).map(f -> f.path("fingerprint").asText()).collect(Collectors.toSet());
            assertThat(alerted).containsAll(workspaceAlerts).hasSizeGreaterThanOrEqualTo(3);

            String second = scan(new Arie.ScanRequest(false, dir.toString(), null, "test"));
            JsonNode two = report(second);
            assertThat(placed(fileFindings(two))).isEqualTo(expected);
            assertThat(fingerprints(two)).isEqualTo(fingerprints(one));
            assertThat(two.path("summary").path("new_findings").asInt()).isZero();
            awaitAudit(audits, second);
            assertThat(alertsOf(alerts, second)).as("nothing new, nothing alerted").isEmpty();
        }
        assertThat(Files.exists(dir.resolve("id_rsa"))).as("ARIE never edits what it scans").isTrue();
        assertThat(Files.readString(dir.resolve(".env"))).isEqualTo("DEBUG=true\n");
    }

    @Test
    void aCleanWorkspaceGivesNoWorkspaceFindings(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("README.md"), "# A project\n\nNothing secret here.\n");
        Files.createDirectories(dir.resolve("src"));
        Files.writeString(dir.resolve("src/Main.java"), "class Main { public static void main(String[] a) { } }\n");
        JsonNode report = report(scan(new Arie.ScanRequest(false, dir.toString(), null, "test")));
        assertThat(report.path("status").asText()).isEqualTo("done");
        assertThat(fileFindings(report)).isEmpty();
    }

    @Test
    void aReadOnlyScanRaisesNoAlertAndIsNotTheBaseline(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("creds.txt"), "key_id=AKIA" + upper(16) + "\n");
        try (KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.ARIE_ALERT);
                KafkaConsumer<String, byte[]> audits = kafka.tail(Topic.ARIE_AUDIT)) {
            String ro = scan(new Arie.ScanRequest(true, dir.toString(), null, "captain"));
            JsonNode report = report(ro);
            assertThat(report.path("read_only").asBoolean()).isTrue();
            assertThat(fileFindings(report)).singleElement()
                    .satisfies(f -> assertThat(f.path("baseline").asText()).isEqualTo("new"));
            assertThat(awaitAudit(audits, ro).readOnly()).isTrue();
            assertThat(alertsOf(alerts, ro)).isEmpty();

            String full = scan(new Arie.ScanRequest(false, dir.toString(), null, "test"));
            JsonNode after = report(full);
            assertThat(fileFindings(after)).singleElement()
                    .satisfies(f -> assertThat(f.path("baseline").asText()).as("the read-only scan was no baseline")
                            .isEqualTo("new"));
            awaitAudit(audits, full);
            assertThat(alertsOf(alerts, full)).contains(fileFindings(after).get(0).path("fingerprint").asText());
        }
    }

    @Test
    void aSuppressedFindingIsReportedApartAndRaisesNoAlert(@TempDir Path dir) throws IOException {
        Files.writeString(dir.resolve("keys.txt"), "key_id=AKIA" + upper(16) + "\n");
        // Read-only first: it finds the key without making it the baseline.
        JsonNode probe = report(scan(new Arie.ScanRequest(true, dir.toString(), null, "test")));
        String fingerprint = fileFindings(probe).get(0).path("fingerprint").asText();
        Reply ok = kafka.request(Topic.ARIE_COMMANDS, Arie.SUPPRESS, null,
                new Arie.Suppress(fingerprint, "a documented example key", "admiral"));
        assertThat(ok.status()).isEqualTo(200);
        assertThat(kafka.request(Topic.ARIE_COMMANDS, Arie.SUPPRESS, null,
                new Arie.Suppress(fingerprint, " ", "admiral")).status()).isEqualTo(400);
        Reply nul = kafka.request(Topic.ARIE_COMMANDS, Arie.SUPPRESS, null,
                new Arie.Suppress(fingerprint, "a\u0000b", "admiral"));
        assertThat(nul.status()).as("text PostgreSQL cannot hold is the caller's error").isEqualTo(400);
        assertThat(nul.problem().detail()).contains("U+0000");
        assertThat(kafka.request(Topic.ARIE_COMMANDS, Arie.SUPPRESS, null,
                new Arie.Suppress("not-a-fingerprint", "why", "admiral")).status()).isEqualTo(400);
        try (KafkaConsumer<String, byte[]> alerts = kafka.tail(Topic.ARIE_ALERT);
                KafkaConsumer<String, byte[]> audits = kafka.tail(Topic.ARIE_AUDIT)) {
            String id = scan(new Arie.ScanRequest(false, dir.toString(), null, "test"));
            JsonNode report = report(id);
            assertThat(fileFindings(report)).isEmpty();
            assertThat(report.path("suppressed")).anySatisfy(f -> {
                assertThat(f.path("fingerprint").asText()).isEqualTo(fingerprint);
                assertThat(f.path("suppressed_because").asText()).isEqualTo("a documented example key");
            });
            awaitAudit(audits, id);
            assertThat(alertsOf(alerts, id)).doesNotContain(fingerprint);
        }
    }

    @Test
    void suppressionsOfOneNewFingerprintAtOnceAllSucceedAndTheLastStays() throws Exception {
        String fingerprint = "race-" + UUID.randomUUID();
        int writers = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        var gate = new java.util.concurrent.CountDownLatch(1);
        try {
            List<java.util.concurrent.Future<?>> done = new ArrayList<>();
            for (int i = 0; i < writers; i++) {
                String reason = "reason " + i;
                done.add(pool.submit(() -> {
                    gate.await();
                    Awaiting.onContext(() -> scans.suppress(fingerprint, reason, "admiral", Instant.now()),
                            StoreException::of);
                    return null;
                }));
            }
            gate.countDown();
            for (var f : done) {
                f.get(30, java.util.concurrent.TimeUnit.SECONDS); // a failed write throws here
            }
        } finally {
            pool.shutdownNow();
        }
        var rows = db.preparedQuery("SELECT reason FROM arie.suppressions WHERE fingerprint = $1")
                .execute(Tuple.of(fingerprint)).await().atMost(Duration.ofSeconds(10));
        assertThat(rows.rowCount()).isEqualTo(1);
        assertThat(rows.iterator().next().getString(0)).startsWith("reason ");
        // A later suppression replaces the reason.
        Awaiting.onContext(() -> scans.suppress(fingerprint, "final", "captain", Instant.now()), StoreException::of);
        assertThat(Awaiting.onContext(scans::suppressions, StoreException::of)).containsEntry(fingerprint, "final");
    }

    @Test
    void scansLeftBehindByAStoppedInstanceOrAnEarlierRunOfThisOneAreFailedAndAnnounced() throws Exception {
        String gone = "gone-" + UUID.randomUUID();
        String alive = "alive-" + UUID.randomUUID();
        String lost = UUID.randomUUID().toString();
        String mine = UUID.randomUUID().toString();
        String kept = UUID.randomUUID().toString();
        String legacy = UUID.randomUUID().toString();
        // Older than any scan the other tests start (so "the latest scan" stays one of theirs), and
        // older than this JVM (which, on a busy machine, may have started well over five minutes ago).
        Instant jvmStart = Instant.ofEpochMilli(java.lang.management.ManagementFactory.getRuntimeMXBean().getStartTime());
        Instant earlier = jvmStart.minus(Duration.ofMinutes(1)).isBefore(Instant.now().minus(Duration.ofMinutes(5)))
                ? jvmStart.minus(Duration.ofMinutes(1)) : Instant.now().minus(Duration.ofMinutes(5));
        Arie.ScanRequest request = new Arie.ScanRequest(false, null, "api", "test");
        try (KafkaConsumer<String, byte[]> audits = kafka.tail(Topic.ARIE_AUDIT)) {
            Awaiting.onContext(() -> scans.create(lost, request, gone, earlier), StoreException::of);
            Awaiting.onContext(() -> scans.running(lost, earlier), StoreException::of);
            // queued by this instance's previous run
            Awaiting.onContext(() -> scans.create(mine, request, config.instanceId(), earlier), StoreException::of);
            Awaiting.onContext(() -> scans.create(kept, request, alive, earlier), StoreException::of);
            assertThat(sql("UPDATE arie.instances SET seen_at = now() - interval '5 minutes' WHERE instance = $1",
                    Tuple.of(gone))).isEqualTo(1);
            // as a version before V4 stores it, during a rolling upgrade
            sql("""
                    INSERT INTO arie.scans (id, trigger, requested_by, read_only, status, created_at)
                    VALUES ($1, 'api', 'test', false, 'running', now() - interval '5 minutes')""", Tuple.of(legacy));
            // The background tick may take them first; either way each is failed once, and announced.
            assertThat(reaper.reap()).extracting(ScanStore.Abandoned::id).doesNotContain(kept, legacy);
            Map<String, Arie.AuditSummary> summaries = new HashMap<>();
            KafkaTestClient.collect(audits, events -> {
                events.stream().filter(e -> List.of(lost, mine).contains(e.subject()))
                        .forEach(e -> summaries.put(e.subject(), e.dataAs(Arie.AuditSummary.class)));
                return summaries.size() == 2;
            }, Duration.ofSeconds(20));
            assertThat(summaries).containsOnlyKeys(lost, mine);
            // A failed scan stays failed: the one that was running and finishes after all stores
            // nothing (no findings either), the queued one does not start, and neither fails twice.
            io.hxo.arie.report.AuditReport late = io.hxo.arie.report.AuditReport.triage(lost,
                    io.hxo.arie.scan.Auditor.withBuiltinRules().scanConfig(Map.of()), List.of(), Map.of());
            assertThat(Awaiting.onContext(() -> scans.done(lost, late, Map.of("status", "done"), "{}"),
                    StoreException::of)).isFalse();
            assertThat(Awaiting.onContext(() -> scans.failed(lost, "failed again", Instant.now()),
                    StoreException::of)).isFalse();
            assertThat(Awaiting.onContext(() -> scans.running(mine, Instant.now()), StoreException::of)).isFalse();
            audit.run(mine, request);
            assertThat(db.preparedQuery("SELECT count(*) FROM arie.findings WHERE scan_id = $1").execute(Tuple.of(lost))
                    .await().atMost(Duration.ofSeconds(10)).iterator().next().getLong(0)).isZero();
            for (String id : List.of(lost, mine)) {
                assertThat(summaries.get(id).status()).isEqualTo(Arie.FAILED);
                assertThat(summaries.get(id).error()).contains("stopped before the scan finished");
                Reply r = kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, id, new Arie.ReportQuery(id, "json"));
                assertThat(r.body().path("status").asText()).isEqualTo("failed");
            }
            assertThat(kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, lost, new Arie.ReportQuery(lost, "json"))
                    .body().path("error").asText()).contains(gone);
            for (String id : List.of(kept, legacy)) {
                assertThat(kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, id, new Arie.ReportQuery(id, "json"))
                        .body().path("status").asText()).isIn("queued", "running");
            }
        } finally {
            // nobody will finish them
            sql("DELETE FROM arie.scans WHERE id = ANY($1)", Tuple.of(new String[] {kept, legacy}));
        }
    }

    /** Runs one statement on ARIE's pool; returns the rows it changed. */
    int sql(String statement, Tuple params) {
        return db.preparedQuery(statement).execute(params).await().atMost(Duration.ofSeconds(10)).rowCount();
    }

    @Test
    void certifiedPlansAreKeptForTheIntegrityRulesTheLatestCertificateWinning() {
        String plan = UUID.randomUUID().toString();
        String refused = UUID.randomUUID().toString();
        // Same key as the certified one: same partition, so it is read (and dropped) before that one.
        kafka.publisher.emit(Topic.HXO_AGGREGATE_FINALIZED, plan, new Events.Certificate(refused, "ab".repeat(32), 3,
                "sha3-256", "HARMONIC", "disagreement", List.of(), List.of(), Instant.now())).join();
        kafka.publisher.emit(Topic.HXO_AGGREGATE_FINALIZED, plan, new Events.Certificate(plan, "cd".repeat(32), 4,
                "sha3-256", "HARMONIC", "certified", List.of(), List.of(), Instant.now())).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> Awaiting.onContext(scans::certified,
                StoreException::of).stream()
                .anyMatch(p -> p.planId().equals(plan)));
        kafka.publisher.emit(Topic.HXO_AGGREGATE_FINALIZED, plan, new Events.Certificate(plan, "ef".repeat(32), 5,
                "sha3-256", "HARMONIC", "certified", List.of(), List.of(), Instant.now())).join();
        await().atMost(Duration.ofSeconds(20)).until(() -> Awaiting.onContext(scans::certified,
                StoreException::of).stream()
                .anyMatch(p -> p.planId().equals(plan) && p.leafCount() == 5));
        List<ScanStore.CertifiedPlan> kept = Awaiting.onContext(scans::certified, StoreException::of);
        assertThat(kept).filteredOn(p -> p.planId().equals(plan)).singleElement()
                .isEqualTo(new ScanStore.CertifiedPlan(plan, "ef".repeat(32), 5, "sha3-256"));
        // Only a certified outcome is kept.
        assertThat(kept).extracting(ScanStore.CertifiedPlan::planId).doesNotContain(refused);
    }

    @Test
    void aWorkspaceThatIsNotADirectoryIsRefused() {
        Reply reply = kafka.request(Topic.ARIE_COMMANDS, Arie.SCAN, null,
                new Arie.ScanRequest(false, "/no/such/dir-" + UUID.randomUUID(), null, "test"));
        assertThat(reply.status()).isEqualTo(400);
        assertThat(reply.problem().detail()).contains("not a readable directory");
        Reply relative = kafka.request(Topic.ARIE_COMMANDS, Arie.SCAN, null,
                new Arie.ScanRequest(false, "relative/dir", null, "test"));
        assertThat(relative.status()).isEqualTo(400);
    }

    @Test
    void aDeploymentScanNeedsAManifestRootAndFailsWithAReasonWhenNoPlannerServesIt() {
        Reply bad = kafka.request(Topic.ARIE_COMMANDS, Arie.SCAN, null,
                new Arie.ScanRequest(false, null, null, "test", "../etc/passwd"));
        assertThat(bad.status()).isEqualTo(400);
        assertThat(bad.problem().detail()).contains("manifest root");

        // No planner runs in this test: the scan is accepted, then fails saying why, and stores nothing.
        String root = "ef".repeat(32);
        String id = scan(new Arie.ScanRequest(false, null, null, "test", root.toUpperCase()));
        JsonNode[] out = new JsonNode[1];
        await().atMost(Duration.ofSeconds(30)).pollInterval(Duration.ofMillis(200)).until(() -> {
            out[0] = kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, id, new Arie.ReportQuery(id, "json")).body();
            return "failed".equals(out[0].path("status").asText());
        });
        assertThat(out[0].path("deployment").asText()).isEqualTo(root);
        assertThat(out[0].path("error").asText()).contains("hxo-planner did not answer for deployment " + root);
        assertThat(out[0].has("findings")).isFalse();
    }

    @Test
    void reportsComeAsSarifAndUnknownScansAreNotFound() {
        String id = scan(new Arie.ScanRequest(false, null, null, "test"));
        report(id);
        Reply sarif = kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, id, new Arie.ReportQuery(id, "sarif"));
        assertThat(sarif.status()).isEqualTo(200);
        assertThat(sarif.body().path("version").asText()).isEqualTo("2.1.0");
        assertThat(sarif.body().path("runs").get(0).path("tool").path("driver").path("name").asText()).isEqualTo("ARIE");
        Reply missing = kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, null,
                new Arie.ReportQuery(UUID.randomUUID().toString(), "json"));
        assertThat(missing.status()).isEqualTo(404);
        Reply badFormat = kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, null, new Arie.ReportQuery(id, "xml"));
        assertThat(badFormat.status()).isEqualTo(400);
    }

    // ---- helpers

    void heartbeat(String service, Map<String, Object> facts) {
        try (HxoPublisher as = kafka.publisherAs(service)) {
            as.emit(Topic.FEDERATION_HEARTBEAT, service, new Events.Heartbeat(service, "test-1", "1.0", "1",
                    Instant.now(), Instant.now(), Map.of(), facts)).join();
        }
        await().atMost(Duration.ofSeconds(20)).until(() -> factsBook.current().containsKey(service));
    }

    static String scan(Arie.ScanRequest req) {
        Reply reply = kafka.request(Topic.ARIE_COMMANDS, Arie.SCAN, null, req);
        assertThat(reply.status()).as(String.valueOf(reply.problem())).isEqualTo(202);
        assertThat(reply.body().path("status").asText()).isEqualTo("queued");
        return reply.body().path("scan_id").asText();
    }

    /** The scan's JSON report once it is done. */
    static JsonNode report(String id) {
        JsonNode[] out = new JsonNode[1];
        await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200)).until(() -> {
            Reply r = kafka.request(Topic.ARIE_COMMANDS, Arie.REPORT, id, new Arie.ReportQuery(id, "json"));
            assertThat(r.status()).isEqualTo(200);
            assertThat(r.body().path("status").asText()).isIn("queued", "running", "done");
            out[0] = r.body();
            return "done".equals(r.body().path("status").asText());
        });
        return out[0];
    }

    static List<JsonNode> findingsOf(JsonNode report, String service) {
        List<JsonNode> out = new ArrayList<>();
        report.path("findings").forEach(f -> {
            if (service.equals(f.path("location").path("service").asText(null))) {
                out.add(f);
            }
        });
        return out;
    }

    static List<JsonNode> fileFindings(JsonNode report) {
        List<JsonNode> out = new ArrayList<>();
        report.path("findings").forEach(f -> {
            if (f.path("location").has("file")) {
                out.add(f);
            }
        });
        return out;
    }

    static List<String> ruleIds(List<JsonNode> findings) {
        return findings.stream().map(f -> f.path("rule_id").asText()).toList();
    }

    static Set<String> placed(List<JsonNode> findings) {
        return findings.stream().map(f -> f.path("rule_id").asText() + " " + f.path("location").path("file").asText()
                + ":" + f.path("location").path("line").asInt()).collect(Collectors.toSet());
    }

    static Set<String> fingerprints(JsonNode report) {
        Set<String> out = new HashSet<>();
        report.path("findings").forEach(f -> out.add(f.path("fingerprint").asText()));
        return out;
    }

    static Arie.AuditSummary awaitAudit(KafkaConsumer<String, byte[]> audits, String scanId) {
        CloudEvent ev = KafkaTestClient.await(audits, e -> scanId.equals(e.subject()), Duration.ofSeconds(30));
        Arie.AuditSummary s = KafkaTestClient.data(ev, Arie.AuditSummary.class);
        assertThat(s.scanId()).isEqualTo(scanId);
        return s;
    }

    /**
     * Fingerprints alerted for a scan: read to the end of the topic, which holds every alert of a
     * scan once its arie.audit is out (ARIE publishes the summary after its alerts).
     */
    static Set<String> alertsOf(KafkaConsumer<String, byte[]> alerts, String scanId) {
        Set<String> out = new HashSet<>();
        Map<TopicPartition, Long> end = alerts.endOffsets(alerts.assignment());
        while (end.entrySet().stream().anyMatch(e -> alerts.position(e.getKey()) < e.getValue())) {
            for (ConsumerRecord<String, byte[]> rec : alerts.poll(Duration.ofMillis(200))) {
                CloudEvent ev = io.hxo.contracts.event.KafkaBinding.fromRecord(rec);
                if (scanId.equals(ev.subject())) {
                    out.add(KafkaTestClient.data(ev, Arie.Alert.class).fingerprint());
                }
            }
        }
        return out;
    }

    private static final SecureRandom RNG = new SecureRandom();

    static String random(int n) {
        String abc = "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(abc.charAt(RNG.nextInt(abc.length())));
        }
        return b.toString();
    }

    static String upper(int n) {
        String abc = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567";
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < n; i++) {
            b.append(abc.charAt(RNG.nextInt(abc.length())));
        }
        return b.toString();
    }
}
