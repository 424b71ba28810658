package io.hxo.gateway.catalog;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItem;

import io.quarkus.test.common.http.TestHTTPResource;
import io.quarkus.test.junit.QuarkusTest;
import java.net.URL;
import org.junit.jupiter.api.Test;

/** The event catalog for subscribers, and the metrics a scraper reads without a token. */
@QuarkusTest
class ObservabilityRoutesTest {
    static final String CAPTAIN = "Bearer test-captain-token-0123456789";

    @TestHTTPResource(value = "/metrics", management = true)
    URL metrics;

    @Test
    void aCaptainReadsAnEventTypesSchemaIdentifiedByItsDataschema() {
        given().header("Authorization", CAPTAIN).when().get("/api/genesis/schemas/hxo.shard.done").then()
                .statusCode(200).contentType(containsString("application/schema+json"))
                .body("$id", equalTo("urn:hxo:schema:hxo.shard.done"))
                .body("$schema", equalTo("https://json-schema.org/draft/2020-12/schema"))
                .body("properties.leaves.items.properties.cas_id.type", equalTo("string"));
        given().header("Authorization", CAPTAIN).accept("application/json").when()
                .get("/api/genesis/schemas/hxo.aggregate.ready").then().statusCode(200)
                .contentType(containsString("application/json")).body("required", hasItem("leaf_count"));
        given().header("Authorization", CAPTAIN).when().get("/api/genesis/schemas").then().statusCode(200)
                .body("types.type", hasItem("hxo.aggregate.finalized"))
                .body("types.find { it.type == 'genesis.dlq' }.dataschema", equalTo("urn:hxo:schema:genesis.dlq"));
    }

    @Test
    void anUnknownTypeIsA404ProblemAndTheCatalogNeedsAToken() {
        given().header("Authorization", CAPTAIN).when().get("/api/genesis/schemas/hxo.nothing").then()
                .statusCode(404).contentType("application/problem+json")
                .body("type", equalTo("https://hxo.dev/problems/unknown-event-type"));
        given().when().get("/api/genesis/schemas/hxo.plan").then().statusCode(401)
                .contentType("application/problem+json");
    }

    @Test
    void aScraperReadsMetricsOnTheManagementPortWithoutAToken() {
        assertThat(metrics.getPort()).isPositive();
        String body = given().when().get(metrics).then().statusCode(200).extract().asString();
        assertThat(body)
                .contains("hxo_kafka_refused_total{reason=\"bad_signature\",service=\"federation-gateway\"}")
                .contains("hxo_consensus_duration_seconds_bucket{outcome=\"certified\"")
                .contains("hxo_plan_duration_seconds_bucket{outcome=\"timeout\"")
                .contains("hxo_sse_delivery_seconds_bucket")
                .contains("hxo_sse_subscribers")
                .contains("kafka_producer_")
                .contains("kafka_consumer_");
        // Not on the API port: that one is for clients with tokens.
        given().header("Authorization", CAPTAIN).when().get("/q/metrics").then().statusCode(404);
    }
}
