package io.hxo.contracts.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.networknt.schema.Error;
import com.networknt.schema.InputFormat;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SchemaRegistryConfig;
import com.networknt.schema.SpecificationVersion;
import io.hxo.contracts.event.CloudEvent;
import io.hxo.contracts.event.KafkaBinding;
import io.hxo.contracts.json.Json;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import java.lang.reflect.ParameterizedType;
import java.lang.reflect.RecordComponent;
import java.lang.reflect.Type;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class EventCatalogTest {
    static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12,
            b -> b.schemaRegistryConfig(SchemaRegistryConfig.builder().formatAssertionsEnabled(true).build()));

    static List<Error> validate(ObjectNode schema, JsonNode data) {
        return REGISTRY.getSchema(schema.toString(), InputFormat.JSON).validate(data.toString(), InputFormat.JSON);
    }

    @Test
    void everyEventTopicHasATypeInTheCatalogButTheOneNothingPublishes() {
        List<String> eventTopics = Topic.ofKind(Topic.Kind.EVENT).stream().map(Topic::topicName)
                .filter(t -> !t.equals("hxo.shard.claimed")).toList();
        assertThat(EventCatalog.types().keySet()).containsExactlyInAnyOrderElementsOf(eventTopics);
    }

    @Test
    void eachSchemaIsIdentifiedByItsDataschemaAndAcceptsItsRecordAsTheWireWritesIt() {
        EventCatalog.types().forEach((type, payload) -> {
            ObjectNode schema = EventCatalog.schema(type).orElseThrow();
            assertThat(schema.path("$id").asText()).isEqualTo("urn:hxo:schema:" + type);
            assertThat(schema.path("$schema").asText()).isEqualTo(JsonSchemas.DIALECT);
            // Every field set, and every reference field left out (nulls are not written).
            JsonNode full = Json.tree(Json.bytes(Samples.of(payload, true)));
            JsonNode sparse = Json.tree(Json.bytes(Samples.of(payload, false)));
            assertThat(validate(schema, full)).as(type + " " + full).isEmpty();
            assertThat(validate(schema, sparse)).as(type + " " + sparse).isEmpty();
        });
    }

    @Test
    void theSchemaRefusesWrongTypesMissingPrimitivesAndUnknownFields() {
        ObjectNode schema = EventCatalog.schema("hxo.aggregate.ready").orElseThrow();
        JsonNode good = Json.tree(Json.bytes(new Events.AggregateReady("p", "ab", 3, "sha3-256", Instant.now())));
        assertThat(validate(schema, good)).isEmpty();
        ObjectNode wrongType = good.deepCopy();
        wrongType.put("leaf_count", "three");
        assertThat(validate(schema, wrongType)).isNotEmpty();
        ObjectNode missing = good.deepCopy();
        missing.remove("leaf_count");
        assertThat(validate(schema, missing)).isNotEmpty();
        ObjectNode unknown = good.deepCopy();
        unknown.put("extra", 1);
        assertThat(validate(schema, unknown)).isNotEmpty();
        ObjectNode badTime = good.deepCopy();
        badTime.put("started_at", "yesterday");
        assertThat(validate(schema, badTime)).isNotEmpty();
    }

    @Test
    void namesAreSnakeCaseAsOnTheWire() {
        JsonNode props = EventCatalog.schema("hxo.aggregate.finalized").orElseThrow().path("properties");
        assertThat(props.has("merkle_root")).isTrue();
        assertThat(props.path("votes").path("items").path("properties").has("event_id")).isTrue();
        assertThat(props.has("merkleRoot")).isFalse();
    }

    @Test
    void onlyTheTypesOwnRecordCarriesADataschema() {
        Events.Alert alert = new Events.Alert("slo.breach", "warning", "p", "hxo-planner", "m", Map.of());
        CloudEvent typed = CloudEvent.of("/x/1", "hxo.alert", "p", alert);
        CloudEvent external = CloudEvent.of("/x/1", "hxo.alert", "p", Json.tree("{\"any\":1}".getBytes()));
        CloudEvent command = CloudEvent.of("/x/1", "hxo.plan.status", "p", Map.of());
        assertThat(typed.dataSchema()).isEqualTo("urn:hxo:schema:hxo.alert");
        assertThat(external.dataSchema()).isNull();
        assertThat(command.dataSchema()).isNull();
        var rec = KafkaBinding.toRecord("hxo.alert", typed);
        assertThat(KafkaBinding.text(rec.headers(), KafkaBinding.DATA_SCHEMA)).isEqualTo("urn:hxo:schema:hxo.alert");
        assertThat(KafkaBinding.text(KafkaBinding.toRecord("hxo.alert", external).headers(), KafkaBinding.DATA_SCHEMA))
                .isNull();
    }

    @Test
    void unknownTypesHaveNoSchema() {
        assertThat(EventCatalog.schema("hxo.nothing")).isEmpty();
        assertThat(EventCatalog.schema("hxo.shard.claimed")).isEmpty();
    }

    /** Instances of payload records with every component set (or every reference component null). */
    static final class Samples {
        static Object of(Class<?> type, boolean full) {
            try {
                RecordComponent[] comps = type.getRecordComponents();
                Object[] args = new Object[comps.length];
                Class<?>[] types = new Class<?>[comps.length];
                for (int i = 0; i < comps.length; i++) {
                    types[i] = comps[i].getType();
                    args[i] = value(comps[i].getType(), comps[i].getGenericType(), full);
                }
                return type.getDeclaredConstructor(types).newInstance(args);
            } catch (ReflectiveOperationException e) {
                throw new IllegalStateException(type + ": " + e, e);
            }
        }

        static Object value(Class<?> c, Type generic, boolean full) {
            if (c == int.class) {
                return 7;
            } else if (c == long.class) {
                return 7L;
            } else if (c == boolean.class) {
                return true;
            } else if (c == double.class) {
                return 0.5;
            } else if (!full) {
                return null;
            } else if (c == String.class) {
                return "text";
            } else if (c == Integer.class) {
                return 3;
            } else if (c == Long.class) {
                return 3L;
            } else if (c == Double.class) {
                return 1.5;
            } else if (c == Boolean.class) {
                return false;
            } else if (c == Instant.class) {
                return Instant.parse("2026-12-06T10:00:00.123456Z");
            } else if (c == JsonNode.class) {
                return Json.tree("{\"k\":[1,\"v\",null]}".getBytes());
            } else if (c == Object.class) {
                return "anything";
            } else if (List.class.isAssignableFrom(c)) {
                Type item = ((ParameterizedType) generic).getActualTypeArguments()[0];
                return List.of(value(raw(item), item, true));
            } else if (Map.class.isAssignableFrom(c)) {
                Type v = ((ParameterizedType) generic).getActualTypeArguments()[1];
                java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
                m.put("key", value(raw(v), v, true));
                m.put("empty", null);
                return m;
            } else if (c.isRecord()) {
                return of(c, true);
            }
            throw new IllegalArgumentException("no sample for " + c);
        }

        static Class<?> raw(Type t) {
            return t instanceof ParameterizedType p ? (Class<?>) p.getRawType() : (Class<?>) t;
        }
    }
}
