-- On SQLite one process owns the file and keeps the service clock,
-- faults, dashboard sessions and their Undo offers, rate limits, slots
-- of the secondary limit and the request journal in its
-- memory: nothing to add (0005_replica_state.postgres.sql holds them on
-- PostgreSQL, where replicas share them).
SELECT 1;
