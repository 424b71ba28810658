package io.hxo.genesis.store;

import static org.assertj.core.api.Assertions.assertThat;

import io.hxo.contracts.json.Json;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the store keeps as an event's data: one JSON value, as sent where jsonb can hold it, or nothing. */
class StoredDataTest {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneJsonValueIsKeptAsItsVeryText() {
        for (String json : new String[] {"{\"a\":[1,2,{\"b\":null}],\"c\":\"xé\"}", "[]", "42", "\"s\"", "true",
                " {\"spaced\" : 1.50e3 } "}) {
            assertThat(EventStore.jsonOrNull(utf8(json))).isEqualTo(json);
        }
    }

    @Test
    void anythingThatIsNotOneJsonValueIsDropped() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{} {}", "[1] x", "not json", "{\"a\":1,}", "'x'",
                "{\"tab\":\"a\tb\"}"}) {
            assertThat(EventStore.jsonOrNull(utf8(bad))).as(bad).isNull();
        }
        assertThat(EventStore.jsonOrNull(null)).isNull();
    }

    @Test
    void charactersJsonbCannotHoldBecomeTheReplacementCharacter() {
        // As escapes in the JSON text: U+0000 in a value and in a name, a lone high and a lone low surrogate.
        String sent = "{\"m\":\"a\\u0000b\",\"k\\u0000\":\"x\\ud800y\\udc00z\",\"ok\":\"\\ud83d\\ude00 \\\\u0000 \\u001b\"}";
        String stored = EventStore.jsonOrNull(utf8(sent));
        var tree = Json.tree(utf8(stored));
        assertThat(tree.path("m").asText()).isEqualTo("a\uFFFDb");
        assertThat(tree.path("k\uFFFD").asText()).isEqualTo("x\uFFFDy\uFFFDz");
        // A proper pair, an escaped backslash followed by "u0000", and other escapes are kept.
        assertThat(tree.path("ok").asText()).isEqualTo("\uD83D\uDE00 \\u0000 \u001b");
        assertThat(stored).doesNotContain("\\u0000\"").doesNotContainIgnoringCase("\\ud800");
    }

    @Test
    void aByteOrderMarkIsDropped() {
        byte[] bom = {(byte) 0xef, (byte) 0xbb, (byte) 0xbf};
        byte[] data = new byte[bom.length + 8];
        System.arraycopy(bom, 0, data, 0, 3);
        System.arraycopy(utf8("{\"a\":1}"), 0, data, 3, 7);
        assertThat(EventStore.jsonOrNull(java.util.Arrays.copyOf(data, 10))).isEqualTo("{\"a\":1}");
    }
}
