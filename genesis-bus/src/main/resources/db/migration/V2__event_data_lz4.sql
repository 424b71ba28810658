-- Large event data (a plan's leaves, 2,000 to an event, ~200 KB each) is compressed out of line.
-- With lz4 instead of the default pglz, storing the leaves of a 1,000,000-shard plan took 2.3 s of
-- PostgreSQL time instead of 6.6 s, and reading them back was faster too (docs/BENCHMARKS.md).
-- It applies to values written from now on; existing rows keep their compression and stay
-- readable. A server built without lz4 keeps pglz: the bus works the same, only slower.
DO $$
BEGIN
    EXECUTE 'ALTER TABLE genesis.events ALTER COLUMN data SET COMPRESSION lz4';
EXCEPTION
    WHEN feature_not_supported OR syntax_error OR invalid_parameter_value THEN
        RAISE NOTICE 'genesis.events.data stays pglz-compressed: %', SQLERRM;
END
$$;
