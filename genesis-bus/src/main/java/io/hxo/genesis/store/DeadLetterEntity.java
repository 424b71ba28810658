package io.hxo.genesis.store;

import io.quarkus.hibernate.reactive.panache.Panache;
import io.quarkus.hibernate.reactive.panache.PanacheEntityBase;
import io.smallrye.mutiny.Uni;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.Instant;
import java.util.Map;
import java.util.TreeMap;
import org.hibernate.annotations.Immutable;

/**
 * A record a consumer refused, as stored from {@code genesis.dlq} ({@code genesis.dead_letters}).
 * Rows are written with the event batches, in the store's one statement ({@link EventStore#store});
 * they are read through this entity. The record's headers (JSON) are not mapped: nothing reads them
 * here.
 */
@Entity
@Immutable
@Table(schema = "genesis", name = "dead_letters")
public class DeadLetterEntity extends PanacheEntityBase {
    @Id
    public long seq;
    public String reason;
    public String topic;
    @Column(name = "kafka_partition")
    public int kafkaPartition;
    @Column(name = "kafka_offset")
    public long kafkaOffset;
    public String consumer;
    @Column(name = "consumer_group")
    public String consumerGroup;
    @Column(name = "event_id")
    public String eventId;
    @Column(name = "event_source")
    public String eventSource;
    @Column(name = "event_type")
    public String eventType;
    @Column(name = "record_key")
    public String recordKey;
    @Column(name = "value_base64")
    public String valueBase64;
    @Column(name = "refused_at")
    public Instant refusedAt;
    @Column(name = "stored_at")
    public Instant storedAt;

    /** How many dead letters are stored for each reason, by reason. Needs a Vert.x context (Hibernate Reactive). */
    public static Uni<Map<String, Long>> countByReason() {
        return Panache.withSession(() -> Panache.getSession().chain(session -> session.createSelectionQuery(
                "select d.reason, count(d) from DeadLetterEntity d group by d.reason", Object[].class)
                .getResultList()))
                .map(rows -> {
                    Map<String, Long> out = new TreeMap<>();
                    for (Object[] row : rows) {
                        out.put((String) row[0], ((Number) row[1]).longValue());
                    }
                    return out;
                });
    }
}
