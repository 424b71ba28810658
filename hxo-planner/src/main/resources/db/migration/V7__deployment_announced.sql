-- When a deployment went out on deploy.platform.success. One recorded but not announced (its planner
-- stopped in between) is announced when its plan is announced again. Earlier rows were announced.
ALTER TABLE deployments ADD COLUMN announced_at timestamptz;
UPDATE deployments SET announced_at = finished_at;
