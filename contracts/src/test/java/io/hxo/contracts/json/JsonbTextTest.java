package io.hxo.contracts.json;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class JsonbTextTest {
    @Test
    void nulAndUnpairedSurrogatesAreReplacedAndNothingElse() {
        assertThat(JsonbText.storable("a\u0000b")).isEqualTo("a\uFFFDb");
        assertThat(JsonbText.storable("x\uD800y\uDC00")).isEqualTo("x\uFFFDy\uFFFD");
        assertThat(JsonbText.storable("\uDC00\uD800")).isEqualTo("\uFFFD\uFFFD"); // a pair in the wrong order
        String fine = "plain, \uD83D\uDE00, \u001b, \\u0000";
        assertThat(JsonbText.storable(fine)).isSameAs(fine);
    }

    @Test
    void theFirstUnstorablePlaceIsNamedByItsPath() {
        var tree = Json.tree("{\"a\":{\"b\":[\"ok\",{\"c\":\"x\\u0000\"}]},\"d\":\"\\ud800\"}".getBytes());
        assertThat(JsonbText.firstUnstorable(tree, "")).isEqualTo("a.b[1].c");
        assertThat(JsonbText.firstUnstorable(Json.tree("{\"k\\u0000\":1}".getBytes()), "")).isEqualTo("k\u0000");
        assertThat(JsonbText.firstUnstorable(Json.tree("{\"a\":[1,\"\\ud83d\\ude00\"]}".getBytes()), "")).isNull();
        assertThat(JsonbText.storable(tree).toString()).doesNotContain("\u0000").contains("x\uFFFD", "\uFFFD");
        assertThat(JsonbText.isStorable(tree)).isFalse();
        assertThat(JsonbText.isStorable(JsonbText.storable(tree))).isTrue();
        var fine = Json.tree("{\"a\":[1,{\"b\":\"\\u001b\"}]}".getBytes());
        assertThat(JsonbText.storable(fine)).isSameAs(fine); // nothing to replace: no copy
    }
}
