package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.quarkus.test.junit.QuarkusTest;
import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * The OpenAPI document is the API's contract: every operation is named, tagged, typed and lists the
 * problem documents it answers; the committed copy clients are generated from is the served one;
 * Spectral's {@code spectral:oas} ruleset finds nothing in it.
 */
@QuarkusTest
class OpenApiContractTest {
    static final Path MODULE = Path.of("").toAbsolutePath();
    static final Path ROOT = MODULE.getParent();
    /** The committed copy; clients (and system-tests' generated client) are built from it. */
    static final Path COMMITTED = MODULE.resolve("src/main/openapi/hxo-gateway.yaml");
    /** What the build wrote (quarkus.smallrye-openapi.store-schema-directory). */
    static final Path BUILT = MODULE.resolve("target/openapi/openapi.yaml");
    static final String SPECTRAL = "@stoplight/spectral-cli@6.15.0";
    static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());
    static final Set<String> VERBS = Set.of("get", "put", "post", "delete", "patch", "head", "options");

    static String served() {
        return given().header("Authorization", GatewayTest.CAPTAIN).when().get("/q/openapi").then().statusCode(200)
                .extract().asString();
    }

    static JsonNode tree(String yaml) throws IOException {
        return YAML.readTree(yaml);
    }

    static List<Map.Entry<String, JsonNode>> operations(JsonNode doc) {
        List<Map.Entry<String, JsonNode>> out = new ArrayList<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fields().forEachRemaining(m -> {
            if (VERBS.contains(m.getKey())) {
                out.add(Map.entry(m.getKey().toUpperCase() + " " + p.getKey(), m.getValue()));
            }
        }));
        return out;
    }

    @Test
    void theCommittedCopyIsTheServedDocument() throws IOException {
        String served = served();
        JsonNode live = tree(served);
        // Maps compare without regard to key order; lists (tags, required, parameters) in order.
        assertThat(tree(Files.readString(BUILT))).as("the document the build wrote is the one served").isEqualTo(live);
        assertThat(tree(Files.readString(COMMITTED)))
                .as("src/main/openapi/hxo-gateway.yaml differs from the served document; refresh it with\n"
                        + "  cp federation-gateway/target/openapi/openapi.yaml federation-gateway/src/main/openapi/hxo-gateway.yaml")
                .isEqualTo(live);
    }

    @Test
    void everyOperationIsNamedTaggedTypedAndListsItsProblems() throws IOException {
        JsonNode doc = tree(served());
        Set<String> ids = new TreeSet<>();
        Set<String> tags = new TreeSet<>();
        doc.path("tags").forEach(t -> tags.add(t.path("name").asText()));
        List<Map.Entry<String, JsonNode>> ops = operations(doc);
        assertThat(ops).hasSizeGreaterThanOrEqualTo(31);
        for (Map.Entry<String, JsonNode> e : ops) {
            String name = e.getKey();
            JsonNode op = e.getValue();
            assertThat(op.path("operationId").asText()).as(name + " operationId").isNotBlank();
            assertThat(ids.add(op.path("operationId").asText())).as(name + " operationId is unique").isTrue();
            assertThat(op.path("tags")).as(name + " has one tag, declared at the top").hasSize(1);
            assertThat(tags).as(name).contains(op.path("tags").get(0).asText());
            assertThat(op.path("description").asText()).as(name + " description").isNotBlank();

            List<String> success = new ArrayList<>();
            op.path("responses").fieldNames().forEachRemaining(code -> {
                if (code.startsWith("2")) {
                    success.add(code);
                }
            });
            assertThat(success).as(name + " has a success answer").isNotEmpty();
            for (String code : success) {
                JsonNode content = op.path("responses").path(code).path("content");
                assertThat(content.size()).as(name + " " + code + " has a body").isPositive();
                content.fields().forEachRemaining(c -> assertThat(c.getValue().path("schema").isMissingNode())
                        .as(name + " " + code + " " + c.getKey() + " has a schema").isFalse());
            }
            op.path("responses").fields().forEachRemaining(r -> {
                if (r.getKey().startsWith("4") || r.getKey().startsWith("5")) {
                    JsonNode resolved = resolve(doc, r.getValue());
                    boolean problem = resolved.path("content").has("application/problem+json");
                    boolean documentedBody = name.endsWith("/health") && r.getKey().equals("503");
                    assertThat(problem || documentedBody).as(name + " " + r.getKey() + " is a problem document")
                            .isTrue();
                }
            });
            if (!op.path("security").isMissingNode()) {
                assertThat(op.path("responses").has("401")).as(name + " 401").isTrue();
                assertThat(op.path("responses").has("429")).as(name + " 429").isTrue();
                assertThat(op.path("x-hxo-roles")).as(name + " names its roles").isNotEmpty();
            }
        }
        JsonNode problem = doc.path("components").path("schemas").path("Problem");
        assertThat(problem.path("required").toString()).contains("type", "title", "status");
    }

    @Test
    void createAndSubmitTakesAJsonPlanAndAnswers202WithLocation() throws IOException {
        JsonNode doc = tree(served());
        JsonNode op = doc.path("paths").path("/api/hxo/create-and-submit").path("post");
        JsonNode body = op.path("requestBody").path("content");
        assertThat(body.has("application/json")).isTrue();
        assertThat(body.size()).as("JSON only, not text/plain").isEqualTo(1);
        assertThat(body.path("application/json").path("schema").path("$ref").asText())
                .isEqualTo("#/components/schemas/Plan");
        assertThat(body.path("application/json").path("examples").path("seed").path("value").path("name").asText())
                .isEqualTo("test_deploy");
        JsonNode accepted = op.path("responses").path("202");
        assertThat(accepted.path("headers").has("Location")).isTrue();
        assertThat(accepted.path("content").path("application/json").path("schema").path("$ref").asText())
                .isEqualTo("#/components/schemas/PlanAccepted");
        assertThat(op.path("responses").fieldNames()).toIterable()
                .contains("400", "401", "403", "413", "422", "429", "503", "504");
        JsonNode plan = doc.path("components").path("schemas").path("Plan");
        assertThat(plan.path("properties").has("idempotency_key")).as("snake_case, as on the wire").isTrue();
        assertThat(plan.path("required").toString()).contains("name", "stages");
    }

    @Test
    void theSecuritySchemesSayWhatIsTrue() throws IOException {
        JsonNode schemes = tree(served()).path("components").path("securitySchemes");
        assertThat(schemes.size()).isEqualTo(2);
        assertThat(schemes.path("staticToken").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("staticToken").has("bearerFormat")).as("static tokens are not JWTs").isFalse();
        assertThat(schemes.path("jwt").path("scheme").asText()).isEqualTo("bearer");
        assertThat(schemes.path("jwt").path("bearerFormat").asText()).isEqualTo("JWT");
        assertThat(schemes.path("jwt").path("description").asText()).contains("HS256", "SECRET_KEY_PREVIOUS");
    }

    @Test
    void aBodyWithADuplicateKeyIs400() {
        given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json")
                .body("{\"name\":\"a\",\"name\":\"b\",\"stages\":[{\"id\":\"s\",\"kind\":\"test.noop\"}]}")
                .when().post("/api/hxo/create-and-submit").then().statusCode(400)
                .contentType("application/problem+json").body("type", containsString("malformed-json"))
                .body("detail", containsString("Duplicate field 'name'"));
        given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json")
                .body("{\"name\":\"a\",\"stages\":[{\"id\":\"s\",\"kind\":\"test.noop\",\"id\":\"t\"}]}")
                .when().post("/api/hxo/plan").then().statusCode(400).body("detail", containsString("Duplicate field"));
        given().header("Authorization", GatewayTest.ADMIRAL).contentType("application/json")
                .body("{\"role\":\"captain\",\"role\":\"admiral\"}").when().post("/api/auth/token").then()
                .statusCode(400).contentType("application/problem+json").body("status", equalTo(400));
    }

    /**
     * Spectral (npm @stoplight/spectral-cli) with the repository's .spectral.yaml (spectral:oas): no
     * error and no warning. Uses .ci/node's copy when .ci/run installed one, else npx fetches it;
     * skipped without Node.
     */
    @Test
    void spectralFindsNothingInTheServedDocument() throws Exception {
        Path local = ROOT.resolve(".ci/node/node_modules/.bin/spectral");
        List<String> command = new ArrayList<>();
        if (Files.isExecutable(local)) {
            command.add(local.toString());
        } else {
            assumeTrue(onPath("npx"), "npx is not installed: Spectral not run");
            command.addAll(List.of("npx", "--yes", "--package", SPECTRAL, "spectral"));
        }
        Path doc = MODULE.resolve("target/openapi-served.yaml");
        Files.writeString(doc, served(), StandardCharsets.UTF_8);
        Path report = MODULE.resolve("target/spectral.json");
        command.addAll(List.of("lint", "--ruleset", ROOT.resolve(".spectral.yaml").toString(), "--format", "json",
                "--output", report.toString(), "--fail-severity", "hint", doc.toString()));
        Process p = new ProcessBuilder(command).directory(ROOT.toFile()).redirectErrorStream(true)
                .redirectOutput(MODULE.resolve("target/spectral.log").toFile()).start();
        assertThat(p.waitFor(180, TimeUnit.SECONDS)).as("spectral finished").isTrue();
        String log = Files.readString(MODULE.resolve("target/spectral.log"));
        assertThat(Files.exists(report)).as(String.join(" ", command) + "\n" + log).isTrue();
        JsonNode results = new ObjectMapper().readTree(report.toFile());
        assertThat(results.isArray()).as(log).isTrue();
        assertThat(results).as("Spectral's findings (see target/spectral.json)").isEmpty();
        assertThat(p.exitValue()).as(log).isZero();
    }

    static JsonNode resolve(JsonNode doc, JsonNode response) {
        String ref = response.path("$ref").asText();
        if (ref.isEmpty()) {
            return response;
        }
        JsonNode node = doc;
        for (String part : ref.substring(2).split("/")) {
            node = node.path(part);
        }
        return node;
    }

    static boolean onPath(String program) {
        for (String dir : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
            if (Files.isExecutable(Path.of(dir, program))) {
                return true;
            }
        }
        return false;
    }
}
