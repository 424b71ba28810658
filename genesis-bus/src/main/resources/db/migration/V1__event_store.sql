-- Every event of the catalog's event topics, stored once (dedup on source + id), in arrival order.
-- seq is the global replay cursor.
CREATE TABLE events (
    seq             bigserial   PRIMARY KEY,
    source          text        NOT NULL,
    id              text        NOT NULL,
    topic           text        NOT NULL,
    type            text        NOT NULL,
    subject         text,
    time            timestamptz NOT NULL,
    correlation_id  text,
    causation_id    text,
    kafka_partition int         NOT NULL,
    kafka_offset    bigint      NOT NULL,
    data            jsonb,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT events_once UNIQUE (source, id)
);
CREATE INDEX events_topic_seq ON events (topic, seq);
CREATE INDEX events_subject ON events (subject, seq);
CREATE INDEX events_time ON events (time);

-- Records a consumer refused (zero trust), as they arrived on genesis.dlq.
CREATE TABLE dead_letters (
    seq             bigserial   PRIMARY KEY,
    reason          text        NOT NULL,
    topic           text        NOT NULL,
    kafka_partition int         NOT NULL,
    kafka_offset    bigint      NOT NULL,
    consumer        text        NOT NULL,
    consumer_group  text,
    event_id        text,
    event_source    text,
    event_type      text,
    record_key      text,
    headers         jsonb,
    value_base64    text,
    refused_at      timestamptz,
    stored_at       timestamptz NOT NULL DEFAULT now(),
    CONSTRAINT dead_letters_once UNIQUE (topic, kafka_partition, kafka_offset, consumer)
);
CREATE INDEX dead_letters_reason ON dead_letters (reason);
