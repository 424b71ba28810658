package io.hxo.contracts.catalog;

import com.fasterxml.jackson.databind.BeanDescription;
import com.fasterxml.jackson.databind.JavaType;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.introspect.BeanPropertyDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.json.Json;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Instant;
import java.time.LocalDate;
import java.time.OffsetDateTime;
import java.time.ZonedDateTime;
import java.util.HashSet;
import java.util.Set;
import java.util.UUID;

/**
 * JSON Schema (draft 2020-12) of a payload record, read from the same Jackson view of the record
 * that writes it on the wire ({@link Json}'s mapper: snake_case names, nulls left out). So a field
 * added to a record appears in its schema without anyone writing the schema by hand.
 *
 * <p>Rules: primitive components are always written, so they are required; reference components
 * may be null and are then left out, so they are optional; records allow no other properties; map
 * values may be null (nulls inside maps are written as they are).
 */
final class JsonSchemas {
    static final String DIALECT = "https://json-schema.org/draft/2020-12/schema";
    private static final ObjectMapper MAPPER = Json.mapper();

    private JsonSchemas() {
    }

    static ObjectNode of(Class<?> type, String id, String title) {
        ObjectNode root = MAPPER.createObjectNode();
        root.put("$schema", DIALECT);
        root.put("$id", id);
        root.put("title", title);
        root.setAll(schema(MAPPER.constructType(type), new HashSet<>()));
        return root;
    }

    private static ObjectNode schema(JavaType t, Set<Class<?>> path) {
        Class<?> raw = t.getRawClass();
        ObjectNode s = MAPPER.createObjectNode();
        if (CharSequence.class.isAssignableFrom(raw) || raw == char.class || raw == Character.class) {
            s.put("type", "string");
        } else if (raw == Instant.class || raw == OffsetDateTime.class || raw == ZonedDateTime.class) {
            s.put("type", "string").put("format", "date-time");
        } else if (raw == LocalDate.class) {
            s.put("type", "string").put("format", "date");
        } else if (raw == UUID.class) {
            s.put("type", "string").put("format", "uuid");
        } else if (raw == boolean.class || raw == Boolean.class) {
            s.put("type", "boolean");
        } else if (raw == int.class || raw == long.class || raw == short.class || raw == byte.class
                || raw == Integer.class || raw == Long.class || raw == Short.class || raw == Byte.class
                || raw == BigInteger.class) {
            s.put("type", "integer");
        } else if (raw == double.class || raw == float.class || Number.class.isAssignableFrom(raw)
                || raw == BigDecimal.class) {
            s.put("type", "number");
        } else if (raw == byte[].class) {
            s.put("type", "string").put("contentEncoding", "base64");
        } else if (raw.isEnum()) {
            s.put("type", "string");
            ArrayNode values = s.putArray("enum");
            for (Object constant : raw.getEnumConstants()) {
                values.add(MAPPER.valueToTree(constant));
            }
        } else if (raw == Object.class || JsonNode.class.isAssignableFrom(raw)) {
            return s; // any JSON value
        } else if (t.isArrayType() || t.isCollectionLikeType()) {
            s.put("type", "array");
            s.set("items", schema(t.getContentType(), path));
        } else if (t.isMapLikeType()) {
            s.put("type", "object");
            s.set("additionalProperties", nullable(schema(t.getContentType(), path)));
        } else if (!path.add(raw)) {
            return s; // a record that contains itself: not in the catalog today; stay permissive
        } else {
            s.put("type", "object");
            ObjectNode properties = s.putObject("properties");
            ArrayNode required = MAPPER.createArrayNode();
            BeanDescription bean = MAPPER.getSerializationConfig().introspect(t);
            for (BeanPropertyDefinition p : bean.findProperties()) {
                if (!p.couldSerialize()) {
                    continue;
                }
                JavaType pt = p.getPrimaryType();
                properties.set(p.getName(), schema(pt, path));
                if (pt.isPrimitive()) {
                    required.add(p.getName());
                }
            }
            if (!required.isEmpty()) {
                s.set("required", required);
            }
            s.put("additionalProperties", false);
            path.remove(raw);
        }
        return s;
    }

    private static ObjectNode nullable(ObjectNode s) {
        JsonNode type = s.get("type");
        if (type != null && type.isTextual()) {
            s.putArray("type").add(type.asText()).add("null");
        }
        return s;
    }
}
