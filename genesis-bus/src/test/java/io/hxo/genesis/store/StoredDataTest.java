package io.hxo.genesis.store;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** What the store keeps as an event's data: one JSON value exactly as sent, or nothing. */
class StoredDataTest {
    static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }

    @Test
    void oneJsonValueIsKeptAsItsVeryText() {
        for (String json : new String[] {"{\"a\":[1,2,{\"b\":null}],\"c\":\"x\\u00e9\"}", "[]", "42", "\"s\"", "true",
                " {\"spaced\" : 1.50e3 } "}) {
            assertThat(EventStore.jsonOrNull(utf8(json))).isEqualTo(json);
        }
    }

    @Test
    void anythingJsonbWouldRefuseIsDropped() {
        for (String bad : new String[] {"", "{", "{\"a\":}", "{} {}", "[1] x", "not json", "{\"a\":1,}", "'x'",
                "{\"tab\":\"a\tb\"}"}) {
            assertThat(EventStore.jsonOrNull(utf8(bad))).as(bad).isNull();
        }
        assertThat(EventStore.jsonOrNull(null)).isNull();
    }
}
