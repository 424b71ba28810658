-- Completed plans still waiting for a consensus decision, which their owner looks for every 30 s to
-- announce again when the decision is overdue. Partial: a plan stays completed only briefly.
CREATE INDEX plans_undecided ON plans (owner_partition, finished_at) WHERE status = 'completed';
