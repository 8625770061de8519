-- Search by login and name (the dashboard's seat list and assign page):
-- trigram indexes (pg_trgm) of every user's login_key and lowercased
-- name, so that a LIKE '%...%' of three characters or more reads the
-- users whose login or name contains it instead of every user. pg_trgm
-- ships with PostgreSQL (postgresql-contrib) and is a trusted extension
-- (a database owner may create it); where it cannot be created the
-- search still answers the same, by reading every user. The extension
-- goes to the schema public, shared by every schema of the database.
DO $$
BEGIN
    IF NOT EXISTS (SELECT 1 FROM pg_extension WHERE extname = 'pg_trgm') THEN
        CREATE EXTENSION pg_trgm SCHEMA public;
    END IF;
EXCEPTION WHEN OTHERS THEN
    RAISE NOTICE 'pg_trgm is not available (%): search by login and name reads every user', SQLERRM;
END $$;
DO $$
DECLARE ns TEXT;
BEGIN
    SELECT n.nspname INTO ns FROM pg_extension e JOIN pg_namespace n ON n.oid = e.extnamespace WHERE e.extname = 'pg_trgm';
    IF ns IS NOT NULL THEN
        EXECUTE format('CREATE INDEX users_search_login ON users USING gin (login_key %I.gin_trgm_ops)', ns);
        EXECUTE format('CREATE INDEX users_search_name ON users USING gin ((LOWER(name)) %I.gin_trgm_ops)', ns);
    END IF;
END $$;
