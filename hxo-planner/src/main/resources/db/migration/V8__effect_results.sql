-- Outcomes of effects (hooks, cache warm-ups, migrations). Unlike hxo.results, which holds one result per
-- content id for any plan to reuse, an effect's outcome belongs to the plan that caused it: another plan
-- with the same inputs acts again. The row lets a task delivered twice within its plan be answered
-- without acting twice, and lets integrity checks read what the plan's leaf was made of.
CREATE TABLE effect_results (
    plan_id          uuid        NOT NULL REFERENCES plans ON DELETE CASCADE,
    cas_id           bytea       NOT NULL,
    output_digest    bytea       NOT NULL,
    output           jsonb,
    kind             text        NOT NULL,
    executor         text        NOT NULL,
    executor_version text        NOT NULL,
    created_at       timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, cas_id)
);

-- Which worker is acting out an effect's attempt right now. A task can arrive twice (re-sent after it
-- looked lost, or delivered again after a rebalance); the second copy finds the claim and does not act.
-- A claim older than twice the shard timeout belongs to a worker that died: it can be taken over.
CREATE TABLE effect_claims (
    plan_id    uuid        NOT NULL REFERENCES plans ON DELETE CASCADE,
    cas_id     bytea       NOT NULL,
    attempt    int         NOT NULL,
    worker     text        NOT NULL,
    claimed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, cas_id, attempt)
);
