-- Which instance queued a scan, and when each instance last said it was alive: a scan whose
-- instance stopped before finishing it is failed instead of staying queued or running for ever.
ALTER TABLE scans ADD COLUMN instance TEXT;
CREATE TABLE instances (
    instance TEXT PRIMARY KEY,
    seen_at  TIMESTAMPTZ NOT NULL
);
CREATE INDEX scans_unfinished ON scans (instance) WHERE status IN ('queued', 'running');
