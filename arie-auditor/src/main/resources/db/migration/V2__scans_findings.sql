-- ARIE's scans, their findings, operators' suppressions and the certificates ARIE has seen.
CREATE TABLE scans (
    id           TEXT PRIMARY KEY,
    trigger      TEXT NOT NULL,
    requested_by TEXT NOT NULL,
    read_only    BOOLEAN NOT NULL,
    workspace    TEXT,
    status       TEXT NOT NULL CHECK (status IN ('queued', 'running', 'done', 'failed')),
    created_at   TIMESTAMPTZ NOT NULL,
    started_at   TIMESTAMPTZ,
    finished_at  TIMESTAMPTZ,
    error        TEXT,
    summary      JSONB,
    report       JSONB,
    sarif        JSONB
);
CREATE INDEX scans_created ON scans (created_at DESC);

CREATE TABLE findings (
    scan_id     TEXT NOT NULL REFERENCES scans (id) ON DELETE CASCADE,
    fingerprint TEXT NOT NULL,
    rule_id     TEXT NOT NULL,
    severity    TEXT NOT NULL,
    file        TEXT,
    line        INTEGER,
    service     TEXT,
    fact        TEXT,
    message     TEXT NOT NULL,
    baseline    TEXT NOT NULL CHECK (baseline IN ('new', 'existing')),
    suppressed  BOOLEAN NOT NULL,
    PRIMARY KEY (scan_id, fingerprint)
);

CREATE TABLE suppressions (
    fingerprint   TEXT PRIMARY KEY,
    reason        TEXT NOT NULL,
    suppressed_by TEXT NOT NULL,
    suppressed_at TIMESTAMPTZ NOT NULL
);

CREATE TABLE certificates (
    plan_id     TEXT PRIMARY KEY,
    merkle_root TEXT NOT NULL,
    leaf_count  BIGINT NOT NULL,
    hash_alg    TEXT NOT NULL,
    outcome     TEXT NOT NULL,
    decided_at  TIMESTAMPTZ,
    received_at TIMESTAMPTZ NOT NULL
);
