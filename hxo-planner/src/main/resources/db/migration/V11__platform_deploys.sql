-- Where CI reported that a plan's certified result was deployed (deploy.platform.success with a platform
-- block): what a rollback to that plan's deployment rolls the platform back to.
CREATE TABLE platform_deploys (
    plan_id     uuid        NOT NULL,
    platform    text        NOT NULL,
    service_id  text        NOT NULL,
    deploy_id   text        NOT NULL,
    reported_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (plan_id, platform, service_id)
);

-- The platform calls a certified rollback made: one per rolled-back service, claimed before the call so
-- an announcement repeated after a stop does not roll a service back twice.
CREATE TABLE platform_rollbacks (
    deployment_id uuid        NOT NULL REFERENCES deployments ON DELETE CASCADE,
    platform      text        NOT NULL,
    service_id    text        NOT NULL,
    deploy_id     text        NOT NULL,
    status        text        NOT NULL,
    updated_at    timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (deployment_id, platform, service_id)
);
