-- Plans, their stages, the global content-addressed result store, and per-plan checkpoints.
-- Results are append-only (INSERT … ON CONFLICT DO NOTHING); a plan's progress is a sequence of
-- checkpoint rows, each a packed batch of leaves, so a checkpoint is one small write per batch.

CREATE TABLE plans (
    plan_id          uuid PRIMARY KEY,
    name             text        NOT NULL,
    spec             jsonb       NOT NULL,
    status           text        NOT NULL,
    hash_alg         text        NOT NULL,
    owner_partition  int         NOT NULL,
    idempotency_key  text UNIQUE,
    total_shards     bigint      NOT NULL,
    done_shards      bigint      NOT NULL DEFAULT 0,
    cached_shards    bigint      NOT NULL DEFAULT 0,
    failed_shards    bigint      NOT NULL DEFAULT 0,
    split_shards     bigint      NOT NULL DEFAULT 0,
    merkle_root      text,
    error            text,
    requested_by     text,
    created_at       timestamptz NOT NULL DEFAULT now(),
    started_at       timestamptz,
    finished_at      timestamptz
);
CREATE INDEX plans_unfinished ON plans (owner_partition) WHERE status IN ('accepted', 'running');
CREATE INDEX plans_recent ON plans (created_at DESC);

CREATE TABLE stages (
    plan_id          uuid NOT NULL REFERENCES plans ON DELETE CASCADE,
    stage_id         text NOT NULL,
    position         int  NOT NULL,
    kind             text NOT NULL,
    partitioner      text NOT NULL,
    executor         text NOT NULL,
    executor_version text NOT NULL,
    first_leaf       int  NOT NULL,
    shard_count      int  NOT NULL,
    -- shard inputs fixed at submit (gzip'd JSON array); NULL when the partitioner derives them from config
    inputs           bytea,
    root             text,
    PRIMARY KEY (plan_id, stage_id)
);

CREATE TABLE results (
    cas_id           bytea PRIMARY KEY,
    output_digest    bytea       NOT NULL,
    output           jsonb,
    kind             text        NOT NULL,
    executor         text        NOT NULL,
    executor_version text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE checkpoints (
    plan_id     uuid NOT NULL REFERENCES plans ON DELETE CASCADE,
    seq         int  NOT NULL,
    leaf_count  int  NOT NULL,
    -- per leaf: index (int32), cas id (32 bytes), output digest (32 bytes), flags (1 byte: bit 0 = cached)
    leaves      bytea NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, seq)
);
