-- Shards that failed for good (a halted plan's report, and what replay re-runs).
CREATE TABLE failures (
    plan_id    uuid NOT NULL REFERENCES plans ON DELETE CASCADE,
    slot       int  NOT NULL,
    stage_id   text NOT NULL,
    cas_id     bytea NOT NULL,
    attempts   int  NOT NULL,
    error      text,
    failed_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, slot)
);

-- Autosplit: a shard replaced by children that take its place among the leaves. Replayed in seq
-- order on resume, before the checkpointed leaves.
CREATE TABLE splits (
    plan_id     uuid NOT NULL REFERENCES plans ON DELETE CASCADE,
    seq         int  NOT NULL,
    parent_slot int  NOT NULL,
    first_child int  NOT NULL,
    child_count int  NOT NULL,
    reason      text NOT NULL,
    inputs      bytea NOT NULL,  -- gzip'd JSON array of the children's inputs
    created_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, seq)
);

-- Per kind, how long shards take: sizes new shards and predicts a plan's duration.
CREATE TABLE kind_stats (
    kind        text   NOT NULL,
    executor    text   NOT NULL,
    shards      bigint NOT NULL,
    mean_ms     double precision NOT NULL,
    p95_ms      double precision NOT NULL,
    updated_at  timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (kind, executor)
);
