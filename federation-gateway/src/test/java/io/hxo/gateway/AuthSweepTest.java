package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.json.Json;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.specification.RequestSpecification;
import jakarta.annotation.security.PermitAll;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import java.io.IOException;
import java.lang.reflect.Method;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Paths;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * Walks every operation of the OpenAPI document: no token → 401, a captain on an admiral route →
 * 403, an admiral → neither. Which role a route needs comes from its {@code @RolesAllowed}; every
 * resource method found in the gateway's classes must be in the document, or the sweep fails.
 */
@QuarkusTest
class AuthSweepTest {
    record Route(String method, String path, List<String> roles) {
    }

    /** Routes a captain may call only with this body (with {@code {}} a captain gets 403). */
    static final Map<String, String> CAPTAIN_BODIES = Map.of("POST /api/arie/scan", "{\"read_only\": true}");

    @Test
    void everyDocumentedRouteRefusesTheWrongCallers() throws Exception {
        Map<String, Route> declared = declaredRoutes();
        assertThat(declared).hasSizeGreaterThan(10);
        JsonNode doc = Json.tree(given().header("Authorization", GatewayTest.CAPTAIN).queryParam("format", "json")
                .when().get("/q/openapi").then().statusCode(200).extract().asByteArray());
        TreeSet<String> documented = new TreeSet<>();
        doc.path("paths").fields().forEachRemaining(p -> p.getValue().fieldNames().forEachRemaining(
                m -> documented.add(m.toUpperCase() + " " + p.getKey())));
        assertThat(documented).as("routes missing from the OpenAPI document").containsAll(declared.keySet());

        for (String op : documented) {
            Route route = declared.get(op);
            assertThat(route).as("documented but not found in the code: " + op).isNotNull();
            String url = route.path().replace("{plan_id}", UUID.randomUUID().toString())
                    .replace("{cas_id}", "ab".repeat(32))
                    // A valid pattern would open an endless event stream; a bad one is refused after auth.
                    .replace("{pattern}", "not-a-pattern*").replaceAll("\\{[^}]+}", "x");
            if (route.roles().isEmpty()) {
                assertThat(call(given(), route.method(), url)).as(op + " is public").isNotIn(401, 403);
                continue;
            }
            assertThat(call(given(), route.method(), url)).as(op + " without a token").isEqualTo(401);
            String captainBody = CAPTAIN_BODIES.getOrDefault(op, "{}");
            if (!captainBody.equals("{}")) {
                // A route captains may call only with a particular body refuses them without it.
                assertThat(call(given().header("Authorization", GatewayTest.CAPTAIN), route.method(), url))
                        .as(op + " as captain without " + captainBody).isEqualTo(403);
            }
            int captain = call(given().header("Authorization", GatewayTest.CAPTAIN), route.method(), url, captainBody);
            if (route.roles().contains("captain")) {
                assertThat(captain).as(op + " as captain").isNotIn(401, 403);
            } else {
                assertThat(captain).as(op + " as captain").isEqualTo(403);
            }
            assertThat(call(given().header("Authorization", GatewayTest.ADMIRAL), route.method(), url))
                    .as(op + " as admiral").isNotIn(401, 403);
        }
    }

    static int call(RequestSpecification req, String method, String url) {
        return call(req, method, url, "{}");
    }

    static int call(RequestSpecification req, String method, String url, String body) {
        RequestSpecification r = req.contentType("application/json").body(body);
        return switch (method) {
            case "GET" -> r.get(url).statusCode();
            case "POST" -> r.post(url).statusCode();
            case "DELETE" -> r.delete(url).statusCode();
            default -> throw new IllegalArgumentException(method);
        };
    }

    /** The gateway's classes (from target/classes) that carry a JAX-RS {@code @Path}. */
    static List<Class<?>> resourceClasses() throws IOException, URISyntaxException, ClassNotFoundException {
        java.nio.file.Path root = Paths.get(AuthSweepTest.class.getClassLoader().getResource("io/hxo/gateway").toURI());
        // The test classes sit in another folder; this one is target/classes.
        List<String> names = new ArrayList<>();
        java.nio.file.Path main = root.toString().contains("test-classes")
                ? Paths.get(root.toString().replace("test-classes", "classes")) : root;
        try (Stream<java.nio.file.Path> files = Files.walk(main)) {
            files.filter(f -> f.toString().endsWith(".class") && !f.toString().contains("$"))
                    .forEach(f -> names.add("io.hxo.gateway." + main.relativize(f).toString()
                            .replace(".class", "").replace('/', '.')));
        }
        List<Class<?>> out = new ArrayList<>();
        for (String name : names) {
            Class<?> type = Class.forName(name);
            if (type.getAnnotation(Path.class) != null) {
                out.add(type);
            }
        }
        return out;
    }

    /** "METHOD /path" → route, from the JAX-RS annotations of every class under io.hxo.gateway. */
    static Map<String, Route> declaredRoutes() throws IOException, URISyntaxException, ClassNotFoundException {
        Map<String, Route> routes = new HashMap<>();
        for (Class<?> type : resourceClasses()) {
            Path base = type.getAnnotation(Path.class);
            for (Method m : type.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(GET.class) ? "GET" : m.isAnnotationPresent(POST.class) ? "POST"
                        : m.isAnnotationPresent(DELETE.class) ? "DELETE" : null;
                if (verb == null) {
                    continue;
                }
                Path sub = m.getAnnotation(Path.class);
                String path = base.value() + (sub == null ? "" : sub.value());
                RolesAllowed roles = m.isAnnotationPresent(RolesAllowed.class) ? m.getAnnotation(RolesAllowed.class)
                        : type.getAnnotation(RolesAllowed.class);
                boolean open = m.isAnnotationPresent(PermitAll.class) || type.isAnnotationPresent(PermitAll.class);
                // A route must say who may call it: @PermitAll (public) or @RolesAllowed; forgetting both fails here.
                assertThat(open || roles != null).as(verb + " " + path + " declares neither @RolesAllowed nor @PermitAll")
                        .isTrue();
                routes.put(verb + " " + path, new Route(verb, path, open ? List.of() : List.of(roles.value())));
            }
        }
        return routes;
    }
}
