package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.notNullValue;
import static org.hamcrest.Matchers.startsWith;

import io.hxo.gateway.auth.SignedTokens;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.http.ContentType;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Minting short-lived tokens and using them, against the gateway's %test SECRET_KEY(_PREVIOUS). */
@QuarkusTest
class SignedTokenRoutesTest {
    static final String KEY = "test-secret-key-0123456789abcdefghijklmnop";
    static final String PREVIOUS = "test-previous-secret-key-0123456789abcdef";

    String mint(String role, int ttl) {
        return given().header("Authorization", GatewayTest.ADMIRAL).contentType(ContentType.JSON)
                .body("{\"role\":\"" + role + "\",\"ttl_seconds\":" + ttl + ",\"subject\":\"ci-job\"}")
                .post("/api/auth/token").then().statusCode(200).body("token_type", equalTo("Bearer"))
                .body("subject", equalTo("ci-job")).body("token", startsWith("eyJ")).body("token_id", notNullValue()).extract().path("token");
    }

    @Test
    void aMintedCaptainTokenReadsButMayNotChange() {
        String captain = "Bearer " + mint("captain", 60);
        given().header("Authorization", captain).get("/api/hxo/links/health").then().statusCode(200);
        given().header("Authorization", captain).contentType(ContentType.JSON).body("{}")
                .post("/api/deploy/events").then().statusCode(403);
    }

    @Test
    void aMintedAdmiralTokenChangesButCannotMintAnother() {
        String admiral = "Bearer " + mint("admiral", 60);
        given().header("Authorization", admiral).contentType(ContentType.JSON).body("{\"status\":\"nope\"}")
                .post("/api/deploy/events").then().statusCode(400);
        given().header("Authorization", admiral).contentType(ContentType.JSON).body("{\"role\":\"admiral\"}")
                .post("/api/auth/token").then().statusCode(403).contentType("application/problem+json")
                .body("detail", containsString("cannot mint"));
    }

    @Test
    void onlyAnAdmiralMintsAndWithinTheLimits() {
        given().header("Authorization", GatewayTest.CAPTAIN).contentType(ContentType.JSON).body("{\"role\":\"captain\"}")
                .post("/api/auth/token").then().statusCode(403);
        given().header("Authorization", GatewayTest.ADMIRAL).contentType(ContentType.JSON)
                .body("{\"role\":\"captain\",\"ttl_seconds\":86400}").post("/api/auth/token").then().statusCode(400)
                .contentType("application/problem+json").body("detail", containsString("ttl_seconds"));
        given().header("Authorization", GatewayTest.ADMIRAL).contentType(ContentType.JSON).body("{\"role\":\"root\"}")
                .post("/api/auth/token").then().statusCode(400);
        given().header("Authorization", GatewayTest.ADMIRAL).contentType(ContentType.JSON).body("{\"role\":\"captain\"}")
                .post("/api/auth/token").then().statusCode(200).body("subject", equalTo("issued-by-admiral"));
    }

    @Test
    void expiredOrForeignTokensAre401AndThePreviousKeyStillWorks() {
        String expired = tokens(KEY).issue("ci", "captain", Instant.now().minusSeconds(120), 60);
        given().header("Authorization", "Bearer " + expired).get("/api/hxo/links/health").then().statusCode(401)
                .contentType("application/problem+json").body("detail", containsString("not valid"));
        String foreign = tokens("some-other-suite-key-0123456789abcdefgh").issue("ci", "admiral", 60);
        given().header("Authorization", "Bearer " + foreign).get("/api/hxo/links/health").then().statusCode(401);
        // SECRET_KEY_PREVIOUS (the %test profile sets one) still verifies what the old key signed.
        String rotated = tokens(PREVIOUS).issue("ci", "captain", 60);
        given().header("Authorization", "Bearer " + rotated).get("/api/hxo/links/health").then().statusCode(200);
    }

    static SignedTokens tokens(String key) {
        return new SignedTokens(Optional.of(key), Optional.empty(), new SignedTokens.Settings("hxo-federation-gateway",
                "hxo", Duration.ofHours(1), Duration.ofSeconds(5)));
    }
}
