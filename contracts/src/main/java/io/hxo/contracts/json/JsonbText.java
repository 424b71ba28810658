package io.hxo.contracts.json;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.Map;

/**
 * Text PostgreSQL's jsonb (and text) cannot hold: U+0000, and UTF-16 surrogates without their pair.
 * Valid JSON may carry both as escapes, so a service that stores JSON either refuses them at its door
 * or replaces them with U+FFFD.
 */
public final class JsonbText {
    public static final char REPLACEMENT = '\uFFFD';

    private JsonbText() {
    }

    /** The tree with such characters replaced by U+FFFD, in values and in field names; the same tree when none. */
    public static JsonNode storable(JsonNode node) {
        return node == null || isStorable(node) ? node : replaced(node);
    }

    /** True when no string or field name in the tree holds such a character. */
    public static boolean isStorable(JsonNode node) {
        return unstorableAt(node) == null;
    }

    private static JsonNode replaced(JsonNode node) {
        if (node.isTextual()) {
            String t = node.textValue();
            String safe = storable(t);
            return safe == t ? node : JsonNodeFactory.instance.textNode(safe);
        }
        if (node.isObject()) {
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                out.set(storable(f.getKey()), replaced(f.getValue()));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode(node.size());
            node.forEach(e -> out.add(replaced(e)));
            return out;
        }
        return node;
    }

    /** The string with such characters replaced by U+FFFD; the same string when nothing needs replacing. */
    public static String storable(String s) {
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

    /** The path of the first string or field name in the tree that jsonb cannot hold, or null. */
    public static String firstUnstorable(JsonNode node, String path) {
        String at = unstorableAt(node);
        if (at == null) {
            return null;
        }
        return path.isEmpty() && at.startsWith(".") ? at.substring(1) : path + at;
    }

    /**
     * Where the first such character sits, as steps from this node ({@code .key}, {@code [i]}; empty
     * for the node itself), or null when there is none. Built only on the way out of a hit, so a
     * clean tree costs a walk and nothing else.
     */
    private static String unstorableAt(JsonNode node) {
        if (node.isTextual()) {
            return storable(node.textValue()) == node.textValue() ? null : "";
        }
        if (node.isObject()) {
            for (Map.Entry<String, JsonNode> f : node.properties()) {
                if (storable(f.getKey()) != f.getKey()) {
                    return "." + f.getKey();
                }
                String inner = unstorableAt(f.getValue());
                if (inner != null) {
                    return "." + f.getKey() + inner;
                }
            }
        } else if (node.isArray()) {
            for (int i = 0; i < node.size(); i++) {
                String inner = unstorableAt(node.get(i));
                if (inner != null) {
                    return "[" + i + "]" + inner;
                }
            }
        }
        return null;
    }
}
