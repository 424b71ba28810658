-- Secrets a plan gave literally (a hook URL, a database URL with a password), sealed with AES-256-GCM
-- under a key derived from SEED_SECRET (key_id says which seed). Plans, shard inputs, tasks, events and
-- reports carry only {"secret_fingerprint": ...}; executors open the value here when they act.
CREATE TABLE secrets (
    fingerprint text PRIMARY KEY,
    key_id      text        NOT NULL,
    sealed      bytea       NOT NULL,
    created_at  timestamptz NOT NULL DEFAULT now()
);
