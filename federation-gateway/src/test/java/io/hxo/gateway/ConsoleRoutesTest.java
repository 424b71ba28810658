package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.hasItems;

import io.quarkus.test.junit.QuarkusTest;
import org.junit.jupiter.api.Test;

/**
 * The ops console's static files are public (a browser loads them before anyone signs in) while
 * every API route stays behind the bearer token; whoami tells the console which role it has.
 */
@QuarkusTest
class ConsoleRoutesTest {
    static final String ADMIRAL = "Bearer test-admiral-token-0123456789";
    static final String CAPTAIN = "Bearer test-captain-token-0123456789";

    @Test
    void theConsoleIsServedWithoutAToken() {
        given().get("/").then().statusCode(200).contentType(containsString("text/html"))
                .body(containsString("HXO ops console"), containsString("assets/app.js"));
        given().get("/index.html").then().statusCode(200);
        given().get("/assets/app.js").then().statusCode(200).body(containsString("EventStream"));
        given().get("/assets/sha3.js").then().statusCode(200).body(containsString("keccakF1600"));
        given().get("/config.js").then().statusCode(200).body(containsString("HXO_CONFIG"));
    }

    @Test
    void apiRoutesStillNeedAToken() {
        given().get("/api/hxo/plans").then().statusCode(401);
        given().get("/api/auth/whoami").then().statusCode(401)
                .contentType(containsString("application/problem+json"));
        given().header("Authorization", "Bearer not-a-token").get("/api/auth/whoami").then().statusCode(401);
    }

    @Test
    void whoamiNamesTheRoleOfTheToken() {
        given().header("Authorization", ADMIRAL).get("/api/auth/whoami").then().statusCode(200)
                .body("role", equalTo("admiral")).body("roles", hasItems("admiral", "captain"));
        given().header("Authorization", CAPTAIN).get("/api/auth/whoami").then().statusCode(200)
                .body("role", equalTo("captain"));
    }
}
