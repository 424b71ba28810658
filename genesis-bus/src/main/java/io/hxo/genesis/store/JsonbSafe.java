package io.hxo.genesis.store;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * A JSON tree with the characters PostgreSQL's jsonb cannot hold — U+0000 and UTF-16 surrogates
 * without their pair — replaced by U+FFFD, in values and in field names. Everything else is kept.
 */
final class JsonbSafe {
    static final char REPLACEMENT = '\uFFFD';

    private JsonbSafe() {
    }

    static JsonNode of(JsonNode node) {
        if (node.isTextual()) {
            String t = node.textValue();
            String safe = text(t);
            return safe == t ? node : JsonNodeFactory.instance.textNode(safe);
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                out.set(text(f.getKey()), of(f.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(e -> out.add(of(e)));
            return out;
        }
        return node;
    }

    /** The same string when nothing needs replacing. */
    static String text(String s) {
        StringBuilder out = null;
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
            if (paired) {
                if (out != null) {
                    out.append(c).append(s.charAt(i + 1));
                }
                i++;
                continue;
            }
            boolean bad = c == '\u0000' || Character.isSurrogate(c);
            if (bad && out == null) {
                out = new StringBuilder(s.length()).append(s, 0, i);
            }
            if (out != null) {
                out.append(bad ? REPLACEMENT : c);
            }
        }
        return out == null ? s : out.toString();
    }
}
