package io.hxo.contracts.catalog;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.hxo.contracts.payload.Arie;
import io.hxo.contracts.payload.DeadLetter;
import io.hxo.contracts.payload.Events;
import io.hxo.contracts.topic.Topic;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The event types HXO publishes on its event topics, each with the payload record its {@code data}
 * is, and that record's JSON Schema. An event whose data is the type's record names the schema in
 * its CloudEvents {@code dataschema} attribute ({@link #dataSchema}); the gateway serves the schema
 * at {@code GET /api/genesis/schemas/{type}}.
 *
 * <p>{@code hxo.shard.claimed} is a topic of the catalog that nothing publishes yet, so it has no
 * type here. Events published from outside through the gateway carry the client's JSON and no
 * {@code dataschema}.
 */
public final class EventCatalog {
    /** The {@code dataschema} of a type: a URN, the same in every deployment (and the schema's {@code $id}). */
    public static final String SCHEMA_URN_PREFIX = "urn:hxo:schema:";

    private static final Map<String, Class<?>> PAYLOADS;

    static {
        Map<String, Class<?>> m = new LinkedHashMap<>();
        m.put(Topic.HXO_PLAN.topicName(), Events.PlanChanged.class);
        m.put(Topic.HXO_SHARD_CREATED.topicName(), Events.ShardsCreated.class);
        m.put(Topic.HXO_SHARD_DONE.topicName(), Events.ShardsDone.class);
        m.put(Topic.HXO_SHARD_FAILED.topicName(), Events.ShardFailed.class);
        m.put(Topic.HXO_SHARD_SPLIT.topicName(), Events.ShardSplit.class);
        m.put(Topic.HXO_SHARD_RETRY.topicName(), Events.ShardFailed.class);
        m.put(Topic.HXO_AGGREGATE_READY.topicName(), Events.AggregateReady.class);
        m.put(Topic.HXO_AGGREGATE_VOTE.topicName(), Events.Vote.class);
        m.put(Topic.HXO_AGGREGATE_FINALIZED.topicName(), Events.Certificate.class);
        m.put(Topic.HXO_AGGREGATE_FAILED.topicName(), Events.Certificate.class);
        m.put(Topic.HXO_AUTOTUNE_SIGNAL.topicName(), Events.AutotuneSignal.class);
        m.put(Topic.HXO_AUDIT.topicName(), Events.AuditRecord.class);
        m.put(Topic.HXO_ALERT.topicName(), Events.Alert.class);
        m.put(Topic.DEPLOY_PLATFORM_START.topicName(), Events.DeployReport.class);
        m.put(Topic.DEPLOY_PLATFORM_SUCCESS.topicName(), Events.DeployReport.class);
        m.put(Topic.DEPLOY_PLATFORM_FAILURE.topicName(), Events.DeployReport.class);
        m.put(Topic.ARIE_AUDIT.topicName(), Arie.AuditSummary.class);
        m.put(Topic.ARIE_ALERT.topicName(), Arie.Alert.class);
        m.put(Topic.FEDERATION_HEARTBEAT.topicName(), Events.Heartbeat.class);
        m.put(Topic.GENESIS_DLQ.topicName(), DeadLetter.class);
        PAYLOADS = Collections.unmodifiableMap(m);
    }

    private static final Map<String, ObjectNode> SCHEMAS = new ConcurrentHashMap<>();

    private EventCatalog() {
    }

    /** Every catalogued type with its payload record, in catalog order. */
    public static Map<String, Class<?>> types() {
        return PAYLOADS;
    }

    public static Optional<Class<?>> payload(String type) {
        return Optional.ofNullable(PAYLOADS.get(type));
    }

    /** The {@code dataschema} URI of a catalogued type. */
    public static String dataSchema(String type) {
        return SCHEMA_URN_PREFIX + type;
    }

    /** The {@code dataschema} for an event of {@code type} carrying {@code data}: null unless data is the type's record. */
    public static String dataSchemaOf(String type, Object data) {
        Class<?> payload = PAYLOADS.get(type);
        return payload != null && payload.isInstance(data) ? dataSchema(type) : null;
    }

    /** The JSON Schema (2020-12) of a type's {@code data}; empty for a type the catalog does not have. */
    public static Optional<ObjectNode> schema(String type) {
        Class<?> payload = PAYLOADS.get(type);
        if (payload == null) {
            return Optional.empty();
        }
        ObjectNode schema = SCHEMAS.computeIfAbsent(type, t -> JsonSchemas.of(payload, dataSchema(t),
                "data of " + t + " events (" + payload.getSimpleName() + ")"));
        return Optional.of(schema.deepCopy());
    }
}
