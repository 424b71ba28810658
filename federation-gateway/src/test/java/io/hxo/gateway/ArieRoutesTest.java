package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.containsString;

import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.payload.Problem;
import io.hxo.contracts.payload.Reply;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * The ARIE routes of the gateway on a real broker, with a stand-in arie-auditor answering
 * {@code arie.commands}: who may scan, what reaches ARIE, and how reports come back (JSON, SARIF,
 * problems). The real scanner behind them is tested in arie-auditor and the system tests.
 */
@QuarkusTest
class ArieRoutesTest {
    static final String RUNNING_SCAN = UUID.randomUUID().toString();
    static final String DONE_SCAN = UUID.randomUUID().toString();

    static KafkaTestClient kafka;
    static final AtomicBoolean running = new AtomicBoolean(true);
    static Thread standIn;
    static final List<Arie.ScanRequest> scans = new CopyOnWriteArrayList<>();
    static final List<Arie.Suppress> suppressions = new CopyOnWriteArrayList<>();

    @BeforeAll
    static void start() {
        kafka = new KafkaTestClient();
        KafkaConsumer<String, byte[]> commands = kafka.tail(Topic.ARIE_COMMANDS);
        standIn = new Thread(() -> {
            try (commands) {
                while (running.get()) {
                    for (ConsumerRecord<String, byte[]> rec : commands.poll(Duration.ofMillis(100))) {
                        answer(KafkaBinding.fromRecord(rec));
                    }
                }
            }
        }, "stand-in-arie");
        standIn.start();
    }

    @AfterAll
    static void stop() throws InterruptedException {
        running.set(false);
        standIn.join();
        kafka.close();
    }

    static void answer(CloudEvent cmd) {
        Reply reply = switch (cmd.type()) {
            case Arie.SCAN -> {
                scans.add(cmd.dataAs(Arie.ScanRequest.class));
                yield Reply.ok(202, new Arie.ScanAccepted(UUID.randomUUID().toString(), Arie.QUEUED));
            }
            case Arie.SUPPRESS -> {
                Arie.Suppress sup = cmd.dataAs(Arie.Suppress.class);
                suppressions.add(sup);
                yield Reply.ok(200, Map.of("fingerprint", sup.fingerprint(), "reason", sup.reason(),
                        "suppressed_by", sup.requestedBy()));
            }
            case Arie.REPORT -> {
                Arie.ReportQuery q = cmd.dataAs(Arie.ReportQuery.class);
                String id = q.scanId() == null ? RUNNING_SCAN : q.scanId();
                if (id.equals(RUNNING_SCAN)) {
                    yield Reply.ok(200, Map.of("scan_id", id, "status", Arie.RUNNING));
                } else if (id.equals(DONE_SCAN)) {
                    yield q.format().equals(Arie.FORMAT_SARIF)
                            ? Reply.ok(200, Map.of("version", "2.1.0", "runs", List.of()))
                            : Reply.ok(200, Map.of("scan_id", id, "status", Arie.DONE, "findings", List.of()));
                }
                yield Reply.problem(Problem.of(404, "scan-not-found", "No such scan", "there is no scan " + id));
            }
            default -> null;
        };
        if (reply != null) {
            kafka.publisher.reply(Topic.ARIE_COMMANDS, cmd, reply);
        }
    }

    @Test
    void anAdmiralSuppressesAFindingWithAReasonAndBadOrUnauthorisedRequestsReachNobody() {
        String fingerprint = "ab".repeat(32);
        given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json")
                .body("{\"fingerprint\":\"" + fingerprint + "\",\"reason\":\"test fixture key, never deployed\"}")
                .when().post("/api/arie/suppress").then().statusCode(200)
                .body("fingerprint", equalTo(fingerprint)).body("suppressed_by", equalTo("admiral"));
        assertThat(suppressions).extracting(Arie.Suppress::fingerprint).containsExactly(fingerprint);
        assertThat(suppressions.get(0).reason()).isEqualTo("test fixture key, never deployed");

        int before = suppressions.size();
        for (String bad : List.of("", "[]", "{\"fingerprint\":\"" + fingerprint + "\"}",
                "{\"fingerprint\":\"XYZ\",\"reason\":\"r\"}", "{\"fingerprint\":1,\"reason\":\"r\"}",
                "{\"fingerprint\":\"" + fingerprint + "\",\"reason\":\"  \"}",
                "{\"fingerprint\":\"" + fingerprint + "\",\"reason\":\"r\",\"extra\":true}")) {
            given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json").body(bad)
                    .when().post("/api/arie/suppress").then().statusCode(400).contentType("application/problem+json");
        }
        given().header("Authorization", GatewayTest.CAPTAIN).contentType("application/json")
                .body("{\"fingerprint\":\"" + fingerprint + "\",\"reason\":\"r\"}")
                .when().post("/api/arie/suppress").then().statusCode(403).contentType("application/problem+json");
        assertThat(suppressions).hasSize(before);
    }

    @Test
    void anAdmiralStartsAScanAndGetsItsIdAndReportUrl() {
        scans.clear();
        String id = given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json")
                .body("{\"workspace\": \"/srv/checkout\", \"deployment\": \"" + "AB".repeat(32) + "\"}")
                .when().post("/api/arie/scan")
                .then().statusCode(202).body("status", equalTo("queued"))
                .extract().path("scan_id");
        given().header("Authorization", GatewayTest.ADMIRAL).when().post("/api/arie/scan").then().statusCode(202);
        assertThat(id).isNotBlank();
        assertThat(scans).hasSize(2);
        assertThat(scans.get(0)).isEqualTo(new Arie.ScanRequest(false, "/srv/checkout", "api", "admiral", "ab".repeat(32)));
        assertThat(scans.get(1).readOnly()).isFalse();
        assertThat(scans.get(1).workspace()).isNull();
    }

    @Test
    void theLocationHeaderPointsAtTheScansReport() {
        var response = given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json")
                .body("{}").when().post("/api/arie/scan").then().statusCode(202)
                .extract();
        assertThat(response.header("Location")).endsWith("/api/arie/report/" + response.path("scan_id"));
    }

    @Test
    void aCaptainMayRunOnlyReadOnlyScans() {
        scans.clear();
        given().header("Authorization", GatewayTest.CAPTAIN).contentType("application/json").body("{}")
                .when().post("/api/arie/scan")
                .then().statusCode(403).contentType(Problem.MEDIA_TYPE).body("status", equalTo(403));
        given().header("Authorization", GatewayTest.CAPTAIN).contentType("application/json")
                .body("{\"read_only\": false}").when().post("/api/arie/scan").then().statusCode(403);
        assertThat(scans).as("refused scans never reach ARIE").isEmpty();

        given().header("Authorization", GatewayTest.CAPTAIN).contentType("application/json")
                .body("{\"read_only\": true}").when().post("/api/arie/scan")
                .then().statusCode(202).header("Location", containsString("/api/arie/report/"));
        assertThat(scans).containsExactly(new Arie.ScanRequest(true, null, "api", "captain"));
    }

    @Test
    void withoutATokenNothingIsScannedOrReported() {
        given().contentType("application/json").body("{\"read_only\": true}").when().post("/api/arie/scan")
                .then().statusCode(401);
        given().when().get("/api/arie/report").then().statusCode(401);
    }

    @Test
    void badScanRequestsAreProblemDocumentsAndReachNobody() {
        scans.clear();
        for (String body : List.of("not json", "[1]", "{\"read_only\": \"yes\"}", "{\"workspace\": \"relative/dir\"}",
                "{\"workspace\": 7}", "{\"deep\": true}", "{\"deployment\": \"../etc\"}", "{\"deployment\": 64}",
                "{\"deployment\": \"" + "a".repeat(63) + "\"}")) {
            given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json").body(body)
                    .when().post("/api/arie/scan")
                    .then().statusCode(400).contentType(Problem.MEDIA_TYPE).body("status", equalTo(400));
        }
        assertThat(scans).isEmpty();
    }

    @Test
    void theLatestReportShowsARunningScansStatus() {
        given().header("Authorization", GatewayTest.CAPTAIN).when().get("/api/arie/report")
                .then().statusCode(200).contentType("application/json")
                .body("scan_id", equalTo(RUNNING_SCAN)).body("status", equalTo("running"));
    }

    @Test
    void aReportComesAsJsonOrSarif() {
        given().header("Authorization", GatewayTest.CAPTAIN).when().get("/api/arie/report/" + DONE_SCAN)
                .then().statusCode(200).contentType("application/json").body("status", equalTo("done"));
        given().header("Authorization", GatewayTest.CAPTAIN).queryParam("format", "sarif")
                .when().get("/api/arie/report/" + DONE_SCAN)
                .then().statusCode(200).contentType("application/sarif+json").body("version", equalTo("2.1.0"));
    }

    @Test
    void unknownScansBadIdsAndFormatsAreProblems() {
        given().header("Authorization", GatewayTest.CAPTAIN).when().get("/api/arie/report/" + UUID.randomUUID())
                .then().statusCode(404).contentType(Problem.MEDIA_TYPE);
        given().header("Authorization", GatewayTest.CAPTAIN).when().get("/api/arie/report/not-a-uuid")
                .then().statusCode(400).contentType(Problem.MEDIA_TYPE);
        given().header("Authorization", GatewayTest.CAPTAIN).queryParam("format", "xml")
                .when().get("/api/arie/report").then().statusCode(400).contentType(Problem.MEDIA_TYPE);
    }
}
