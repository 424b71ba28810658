-- How much work the recorded shards of a kind did: items (files, routes, statements) and bytes. With
-- the time they took, predictive mode turns this into a cost per item and per byte and sizes new shards.
ALTER TABLE kind_stats ADD COLUMN items bigint NOT NULL DEFAULT 0;
ALTER TABLE kind_stats ADD COLUMN bytes bigint NOT NULL DEFAULT 0;
-- The shards items and bytes were counted for (rows from before this column count none).
ALTER TABLE kind_stats ADD COLUMN sized_shards bigint NOT NULL DEFAULT 0;
