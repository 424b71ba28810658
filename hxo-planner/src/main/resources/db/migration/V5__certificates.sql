-- The consensus outcome for a completed plan: the certificate (votes and all) or the failed decision.
ALTER TABLE hxo.plans ADD COLUMN certificate jsonb;
