-- A validator's read of one plan's leaves (subject = the plan, topic = hxo.shard.done, seq > n, in
-- order) matched two indexes, each on part of it. Without statistics (a database where nothing has
-- run ANALYZE) PostgreSQL chose (topic, seq) and filtered every stored leaf event of every plan by
-- subject: a read that grew with the store, 188 ms after 8,000 one-shard plans. One index on all three
-- columns answers exactly that read (0.3 ms on the same rows); nothing else looks events up by subject.
CREATE INDEX events_subject_topic ON events (subject, topic, seq);
DROP INDEX events_subject;
