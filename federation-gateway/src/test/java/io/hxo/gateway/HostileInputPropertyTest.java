package io.hxo.gateway;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.payload.Ping;
import io.hxo.contracts.topic.Topic;
import io.hxo.runtime.testing.KafkaTestClient;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.config.EncoderConfig;
import io.restassured.config.RestAssuredConfig;
import io.restassured.response.Response;
import io.restassured.specification.RequestSpecification;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.QueryParam;
import java.lang.annotation.Annotation;
import java.lang.reflect.Method;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.junit.jupiter.api.Test;

/**
 * Hostile input at every operation of the OpenAPI document, generated with jqwik's arbitraries:
 * malformed JSON, bodies of the wrong type (and objects whose every known field has the wrong type),
 * bodies over the size limit, path parameters no route accepts, and tokens no one was given. The
 * properties: never a 5xx, every error an {@code application/problem+json} document, and nothing
 * changes — no command leaves for a service and no state-changing call succeeds (read from
 * {@code hxo.audit}). jqwik's engine cannot drive a {@code @QuarkusTest}, so the arbitraries are
 * sampled here; the number of tries per route and kind is bounded ({@link #TRIES}).
 */
@QuarkusTest
class HostileInputPropertyTest {
    static final int TRIES = 6;
    /** Over quarkus.http.limits.max-body-size (2M). */
    static final int HUGE = 2 * 1024 * 1024 + 17;
    /** Fields the gateway's routes read; a "wrong types" body gives every one of them a wrong type. */
    static final List<String> FIELDS = List.of("plan_id", "deployment_id", "status", "role", "ttl_seconds",
            "subject", "type", "message", "plan", "name", "stages", "service", "commit", "url", "severity");
    /** Routes that pass a body that is a JSON object on to the planner as it came: it alone judges plans. */
    static final List<String> PLAN_PASS_THROUGH = List.of("POST /api/hxo/plan", "POST /api/hxo/create-and-submit",
            "POST /api/hxo/submit");

    record Attempt(String kind, String route, String url, String token, String body, String contentType) {
    }

    @Test
    void hostileInputNeverGets5xxAlwaysAProblemAndChangesNothing() throws Exception {
        Map<String, AuthSweepTest.Route> routes = new TreeMap<>(AuthSweepTest.declaredRoutes());
        Map<String, Boolean> takesBody = bodyRoutes();
        List<Attempt> attempts = new ArrayList<>();
        for (AuthSweepTest.Route r : routes.values()) {
            String op = r.method() + " " + r.path();
            String placeholderUrl = r.path().replace("{plan_id}", UUID.randomUUID().toString())
                    .replace("{cas_id}", "ab".repeat(32)).replace("{pattern}", "not-a-pattern*")
                    .replace("{topic}", "no.such.topic").replaceAll("\\{[^}]+}", "x");
            if (!r.roles().isEmpty()) {
                for (String token : badTokens().sampleStream().limit(TRIES).toList()) {
                    attempts.add(new Attempt("bad token", op, placeholderUrl, token, "{}", "application/json"));
                }
            }
            if (r.path().contains("{")) {
                for (String segment : badSegments().sampleStream().limit(TRIES).toList()) {
                    String enc = URLEncoder.encode(segment, StandardCharsets.UTF_8).replace("+", "%20");
                    attempts.add(new Attempt("bad path parameter", op, r.path().replaceAll("\\{[^}]+}", enc),
                            GatewayTest.ADMIRAL, "{}", "application/json"));
                }
            }
            if (r.method().equals("POST")) {
                attempts.add(new Attempt("huge body", op, placeholderUrl, GatewayTest.ADMIRAL,
                        "{\"x\":\"" + "a".repeat(HUGE) + "\"}", "application/json"));
            }
            if (Boolean.TRUE.equals(takesBody.get(op))) {
                for (String body : malformedJson().sampleStream().limit(TRIES).toList()) {
                    attempts.add(new Attempt("malformed JSON", op, placeholderUrl, GatewayTest.ADMIRAL, body,
                            "application/json"));
                }
                for (String body : wrongTypeBodies(!PLAN_PASS_THROUGH.contains(op)).sampleStream().limit(TRIES).toList()) {
                    attempts.add(new Attempt("wrong types", op, placeholderUrl, GatewayTest.ADMIRAL, body,
                            "application/json"));
                }
                if (PLAN_PASS_THROUGH.contains(op)) {
                    // One object followed by more text is malformed, not the object alone.
                    attempts.add(new Attempt("malformed JSON", op, placeholderUrl, GatewayTest.ADMIRAL,
                            "{\"name\":\"p\",\"stages\":[]}{\"x\":1}", "application/json"));
                }
                if (op.equals("POST /api/hxo/submit")) {
                    // {"plan_id"} alone starts an accepted plan: the gateway itself checks the id.
                    for (String value : wrongValues().sampleStream().limit(TRIES).toList()) {
                        attempts.add(new Attempt("wrong types", op, placeholderUrl, GatewayTest.ADMIRAL,
                                "{\"plan_id\":" + value + "}", "application/json"));
                    }
                }
            }
        }
        assertThat(attempts).hasSizeGreaterThan(100);

        try (KafkaTestClient kafka = new KafkaTestClient();
                KafkaConsumer<String, byte[]> audit = kafka.tail(Topic.HXO_AUDIT);
                KafkaConsumer<String, byte[]> hxo = kafka.tail(Topic.HXO_COMMANDS);
                KafkaConsumer<String, byte[]> genesis = kafka.tail(Topic.GENESIS_COMMANDS);
                KafkaConsumer<String, byte[]> arie = kafka.tail(Topic.ARIE_COMMANDS)) {
            for (Attempt a : attempts) {
                Response res = send(a);
                String what = a.kind() + " at " + a.route() + " (" + a.url() + ", token " + a.token() + ", body "
                        + abbreviate(a.body()) + ") → " + res.statusCode() + " " + abbreviate(res.asString());
                assertThat(res.statusCode()).as(what).isBetween(400, 499);
                assertThat(res.contentType()).as(what).startsWith("application/problem+json");
                JsonNode problem = Json.tree(res.asByteArray());
                assertThat(problem.path("status").asInt()).as(what).isEqualTo(res.statusCode());
                assertThat(problem.path("title").asText()).as(what).isNotBlank();
                assertThat(res.asString()).as(what).doesNotContain("Exception").doesNotContain("\tat ");
            }
            List<String> changes = new ArrayList<>();
            for (CloudEvent ev : drain(audit)) {
                Events.AuditRecord rec = ev.dataAs(Events.AuditRecord.class);
                if (rec.status() < 400) {
                    changes.add("audit: " + rec);
                }
            }
            for (KafkaConsumer<String, byte[]> c : List.of(hxo, genesis, arie)) {
                drain(c).stream().filter(ev -> !Ping.TYPE.equals(ev.type()))
                        .forEach(ev -> changes.add("command sent: " + ev.type() + " " + ev.subject()));
            }
            assertThat(changes).as("hostile input changed something").isEmpty();
        }
    }

    static Response send(Attempt a) {
        RequestSpecification req = given().config(RestAssuredConfig.config().encoderConfig(
                EncoderConfig.encoderConfig().appendDefaultContentCharsetToContentTypeIfUndefined(false)))
                .urlEncodingEnabled(false).contentType(a.contentType()).body(a.body());
        if (a.token() != null) {
            req = req.header("Authorization", a.token());
        }
        String method = a.route().substring(0, a.route().indexOf(' '));
        return switch (method) {
            case "GET" -> req.get(a.url());
            case "POST" -> req.post(a.url());
            case "DELETE" -> req.delete(a.url());
            default -> throw new IllegalArgumentException(method);
        };
    }

    static String b64(String s) {
        return java.util.Base64.getUrlEncoder().withoutPadding().encodeToString(s.getBytes());
    }

    /** Tokens no one was given: random bearer strings, forged JWTs, other schemes. */
    static Arbitrary<String> badTokens() {
        Arbitrary<String> junk = Arbitraries.strings().withCharRange('!', '~').ofMinLength(1).ofMaxLength(80);
        return Arbitraries.oneOf(
                junk.map(s -> "Bearer " + s),
                junk.map(s -> "Bearer eyJ" + s),
                // A JWT that claims admiral with no signature, "none" or a made-up one.
                junk.map(s -> "Bearer " + b64("{\"alg\":\"none\",\"typ\":\"JWT\"}") + "." + b64(
                        "{\"iss\":\"hxo-federation-gateway\",\"aud\":\"hxo\",\"sub\":\"x\",\"groups\":[\"admiral\"],"
                                + "\"jti\":\"j\",\"iat\":1,\"exp\":9999999999}") + "." + s),
                junk.map(s -> "Bearer " + b64("{\"alg\":\"HS256\",\"typ\":\"JWT\"}") + "." + b64(
                        "{\"iss\":\"hxo-federation-gateway\",\"aud\":\"hxo\",\"sub\":\"x\",\"groups\":[\"admiral\"],"
                                + "\"jti\":\"j\",\"iat\":1,\"exp\":9999999999}") + "." + b64(s)),
                Arbitraries.of("Admiral", "Basic YWRtaXJhbDphZG1pcmFs", "Bearer", "Bearer ", "bearer  ",
                        GatewayTest.ADMIRAL + "x", GatewayTest.ADMIRAL.toUpperCase(), "Token " + GatewayTest.ADMIRAL.substring(7)));
    }

    /**
     * Path parameters no route accepts. Each holds at least one character outside every id, hash and
     * topic alphabet, so it can never name a real plan nor open an event stream.
     */
    static Arbitrary<String> badSegments() {
        Arbitrary<String> around = Arbitraries.strings().ofMinLength(0).ofMaxLength(40)
                .withChars("abcdef0123456789-.*>#_ é\u0000'\"<>;%{}|\\^`".toCharArray());
        Arbitrary<String> bad = Arbitraries.of("'", "\"", "<", ">", " ", "é", ";", "{", "}", "|", "`", "^", "\\", "%",
                "\u0000", "☃");
        return Combinators.combine(around, bad, around).as((a, b, c) -> a + b + c)
                .filter(s -> !s.equals(".") && !s.equals(".."));
    }

    static Arbitrary<String> malformedJson() {
        Arbitrary<String> text = Arbitraries.strings().withCharRange(' ', '~').ofMaxLength(60);
        return Arbitraries.oneOf(
                text.map(s -> "{" + s),
                text.map(s -> "{\"plan_id\": " + s + ",}"),
                text.map(s -> "[" + s + "\""),
                text.map(s -> "{\"plan\":{}}" + s + "{"),
                Arbitraries.of("{", "}", "{\"a\":", "{'role': 'admiral'}", "{\"status\": success}", "nul",
                        "{\"a\":1}{\"b\":2}", "\u0000", "{\"role\":\"admiral\"", "[1,2", "{\"ttl_seconds\": 1e}"))
                // Whatever the generator made, only text no JSON parser accepts counts as malformed.
                .filter(HostileInputPropertyTest::unparsable);
    }

    static boolean unparsable(String text) {
        try (com.fasterxml.jackson.core.JsonParser p = Json.mapper().createParser(text)) {
            Json.mapper().readTree(p);
            return p.nextToken() != null; // trailing content after one value
        } catch (java.io.IOException | RuntimeException e) {
            return true;
        }
    }

    /**
     * Bodies of the wrong type: JSON that is not an object, or (unless the route passes objects on as
     * they came) an object in which every field a route reads holds a value of the wrong kind.
     */
    static Arbitrary<String> wrongTypeBodies(boolean objects) {
        Arbitrary<String> notObject = Arbitraries.oneOf(
                Arbitraries.integers().map(String::valueOf),
                Arbitraries.strings().alpha().ofMaxLength(20).map(s -> "\"" + s + "\""),
                Arbitraries.of("null", "true", "false", "[]", "[{}]", "[\"admiral\"]", "3.5e10"));
        if (!objects) {
            return notObject;
        }
        Arbitrary<String> object = wrongValues().list().ofSize(FIELDS.size()).map(values -> {
            StringBuilder b = new StringBuilder("{");
            for (int i = 0; i < FIELDS.size(); i++) {
                b.append(i == 0 ? "" : ",").append('"').append(FIELDS.get(i)).append("\":").append(values.get(i));
            }
            return b.append('}').toString();
        });
        return Arbitraries.oneOf(notObject, object);
    }

    /** Values of the wrong kind for any field a route reads (ids, enums, counts, names). */
    static Arbitrary<String> wrongValues() {
        return Arbitraries.of("[]", "{}", "true", "-1", "1.5", "[\"captain\"]", "\"not-a-uuid\"", "null",
                "{\"id\":\"" + UUID.randomUUID() + "\"}", "99999999999999999999999");
    }

    /** "METHOD /path" → whether the resource method reads a request body (an unannotated parameter). */
    static Map<String, Boolean> bodyRoutes() throws Exception {
        Map<String, Boolean> out = new TreeMap<>();
        for (String op : AuthSweepTest.declaredRoutes().keySet()) {
            out.put(op, false);
        }
        for (Class<?> type : AuthSweepTest.resourceClasses()) {
            jakarta.ws.rs.Path base = type.getAnnotation(jakarta.ws.rs.Path.class);
            for (Method m : type.getDeclaredMethods()) {
                String verb = m.isAnnotationPresent(jakarta.ws.rs.POST.class) ? "POST" : null;
                if (verb == null) {
                    continue;
                }
                jakarta.ws.rs.Path sub = m.getAnnotation(jakarta.ws.rs.Path.class);
                boolean body = false;
                for (Annotation[] annotations : m.getParameterAnnotations()) {
                    boolean bound = false;
                    for (Annotation an : annotations) {
                        bound |= an instanceof PathParam || an instanceof QueryParam
                                || an.annotationType().getSimpleName().endsWith("Param")
                                || an.annotationType().getSimpleName().equals("Context");
                    }
                    body |= !bound;
                }
                out.put(verb + " " + base.value() + (sub == null ? "" : sub.value()), body);
            }
        }
        return out;
    }

    static List<CloudEvent> drain(KafkaConsumer<String, byte[]> consumer) {
        List<CloudEvent> out = new ArrayList<>();
        long end = System.nanoTime() + Duration.ofSeconds(2).toNanos();
        while (System.nanoTime() < end) {
            for (ConsumerRecord<String, byte[]> rec : consumer.poll(Duration.ofMillis(200))) {
                out.add(KafkaBinding.fromRecord(rec));
            }
        }
        return out;
    }

    static String abbreviate(String s) {
        return s == null ? "null" : s.length() > 200 ? s.substring(0, 200) + "…(" + s.length() + " chars)" : s;
    }
}
