package io.hxo.contracts.json;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import org.erdtman.jcs.JsonCanonicalizer;
import org.junit.jupiter.api.Test;

class JcsTest {

    @Test
    void rfc8785MainExample() {
        String input = "{\"numbers\": [333333333.33333329, 1E30, 4.50, 2e-3, 0.000000000000000000000000001],"
                + " \"string\": \"\\u20ac$\\u000F\\u000aA'\\u0042\\u0022\\u005c\\\\\\\"\\/\","
                + " \"literals\": [null, true, false]}";
        String expected = "{\"literals\":[null,true,false],\"numbers\":[333333333.3333333,1e+30,4.5,0.002,1e-27],"
                + "\"string\":\"\u20ac$\\u000f\\nA'B\\\"\\\\\\\\\\\"/\"}";
        assertThat(Jcs.canonicalString(Json.tree(input.getBytes()))).isEqualTo(expected);
    }

    @Test
    void membersAreSortedByUtf16CodeUnits() {
        String input = "{\"\\u20ac\":\"Euro Sign\",\"\\r\":\"Carriage Return\",\"\\ufb33\":\"Hebrew Letter Dalet With Dagesh\","
                + "\"1\":\"One\",\"\\ud83d\\ude00\":\"Emoji: Grinning Face\",\"\\u0080\":\"Control\","
                + "\"\\u00f6\":\"Latin Small Letter O With Diaeresis\"}";
        JsonNode canonical = Json.tree(Jcs.canonicalize(Json.tree(input.getBytes())));
        List<String> values = new java.util.ArrayList<>();
        canonical.elements().forEachRemaining(v -> values.add(v.textValue()));
        assertThat(values).containsExactly("Carriage Return", "One", "Control",
                "Latin Small Letter O With Diaeresis", "Euro Sign", "Emoji: Grinning Face",
                "Hebrew Letter Dalet With Dagesh");
    }

    @Test
    void numbersFollowEcmaScriptFormatting() {
        String[][] cases = {
                {"0", "0"}, {"-0.0", "0"}, {"5e-324", "5e-324"},
                {"1.7976931348623157e308", "1.7976931348623157e+308"},
                {"9007199254740992", "9007199254740992"}, {"295147905179352825856", "295147905179352830000"},
                {"9.999999999999997e22", "9.999999999999997e+22"}, {"1e23", "1e+23"},
                {"0.000001", "0.000001"}, {"9.999999999999997e-7", "9.999999999999997e-7"},
                {"-1", "-1"}, {"100", "100"}, {"1.5", "1.5"}};
        for (String[] c : cases) {
            assertThat(Jcs.canonicalString(Json.tree(("[" + c[0] + "]").getBytes()))).as(c[0])
                    .isEqualTo("[" + c[1] + "]");
        }
    }

    @Property(tries = 300)
    void agreesWithTheReferenceImplementation(@ForAll("json") JsonNode node) throws Exception {
        // The reference only takes an object or array at the top, so both sides see the value in an array.
        String text = "[" + Json.mapper().writeValueAsString(node) + "]";
        assertThat("[" + Jcs.canonicalString(node) + "]").isEqualTo(new JsonCanonicalizer(text).getEncodedString());
    }

    @Property(tries = 100)
    void memberOrderDoesNotMatter(@ForAll("json") JsonNode node) {
        assertThat(Jcs.canonicalString(reversed(node))).isEqualTo(Jcs.canonicalString(node));
    }

    @Provide
    Arbitrary<JsonNode> json() {
        return json(3);
    }

    private Arbitrary<JsonNode> json(int depth) {
        if (depth == 0) {
            return scalar();
        }
        return Arbitraries.oneOf(scalar(), array(depth - 1), object(depth - 1));
    }

    private Arbitrary<JsonNode> scalar() {
        JsonNodeFactory f = JsonNodeFactory.instance;
        return Arbitraries.oneOf(
                Arbitraries.strings().ofMaxLength(12).map(f::textNode),
                Arbitraries.longs().between(-(1L << 52), 1L << 52).map(f::numberNode),
                Arbitraries.doubles().between(-1e12, 1e12).map(f::numberNode),
                Arbitraries.of(true, false).map(f::booleanNode),
                Arbitraries.just(f.nullNode()));
    }

    private Arbitrary<JsonNode> array(int depth) {
        return json(depth).list().ofMaxSize(4).map(items -> {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            items.forEach(a::add);
            return a;
        });
    }

    private Arbitrary<JsonNode> object(int depth) {
        return Arbitraries.maps(Arbitraries.strings().ofMaxLength(6), json(depth)).ofMaxSize(4).map(m -> {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            m.forEach(o::set);
            return o;
        });
    }

    private static JsonNode reversed(JsonNode node) {
        if (node.isObject()) {
            ObjectNode o = JsonNodeFactory.instance.objectNode();
            List<String> names = new java.util.ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            java.util.Collections.reverse(names);
            names.forEach(n -> o.set(n, reversed(node.get(n))));
            return o;
        }
        if (node.isArray()) {
            ArrayNode a = JsonNodeFactory.instance.arrayNode();
            node.forEach(e -> a.add(reversed(e)));
            return a;
        }
        return node;
    }
}
