-- A completed plan with a deploy.* stage is a deployment, and a rollback point.
CREATE TABLE deployments (
    deployment_id  uuid PRIMARY KEY,
    plan_id        uuid NOT NULL UNIQUE REFERENCES plans ON DELETE CASCADE,
    name           text NOT NULL,
    merkle_root    text NOT NULL,
    certificate    jsonb,
    rollback_of    uuid,
    hook_status    text,
    finished_at    timestamptz NOT NULL,
    created_at     timestamptz NOT NULL DEFAULT now()
);
CREATE INDEX deployments_recent ON deployments (finished_at DESC);
