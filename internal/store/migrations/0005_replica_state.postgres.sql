-- Replicas on one PostgreSQL database answer as one service: what a
-- single process keeps in memory on SQLite (internal/store/shared.go)
-- lives here. Tables whose rows no cached answer depends on are written
-- outside data_changes' scopes (unscopedTables); counters that may be
-- lost in a crash are UNLOGGED (no write-ahead log: cheap to write, empty
-- after a crash, which only forgives some requests).

-- The service clock when it is set (PUT /_seatkeeper/clock): one row, or
-- none while no replica has set or released it.
CREATE TABLE service_clock (
    id       SMALLINT PRIMARY KEY CHECK (id = 1),
    fixed_at BIGINT -- NULL: the clock follows the system clock
);

-- Faults (internal/faults): what each does, as JSON, and apart from it
-- what firing changes, so that a fault firing does not move what the
-- read cache keeps.
CREATE TABLE faults (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    spec       TEXT NOT NULL,
    created_at BIGINT NOT NULL
);
CREATE TABLE fault_counts (
    fault_id  BIGINT PRIMARY KEY REFERENCES faults (id) ON DELETE CASCADE,
    fired     INTEGER NOT NULL DEFAULT 0,
    remaining INTEGER,
    rng       BYTEA -- the probability's generator, as it stands
);

-- Dashboard sessions, by the SHA-256 of their id: the id itself is never
-- stored.
CREATE TABLE dashboard_sessions (
    id_hash    BYTEA PRIMARY KEY,
    token_id   BIGINT NOT NULL,
    created_at BIGINT NOT NULL,
    last_seen  BIGINT NOT NULL,
    flash      TEXT,
    -- the Undo button of its last cancellation: the offer's key (its
    -- organization and id) and what it undoes, as JSON
    undo_key   TEXT,
    undo       TEXT
);

-- Failed dashboard sign-ins per client address, in fixed windows.
CREATE UNLOGGED TABLE signin_failures (
    addr       TEXT PRIMARY KEY,
    failures   INTEGER NOT NULL,
    window_end BIGINT NOT NULL
);

-- Primary rate limits: per token (by hash) or client address, per
-- resource, the budget replicas have claimed in the current window, and
-- the last claim's size (what the claiming replica may spend).
CREATE UNLOGGED TABLE rate_limits (
    rate_key   TEXT NOT NULL,
    resource   SMALLINT NOT NULL,
    reset_at   BIGINT NOT NULL,
    claimed    BIGINT NOT NULL,
    granted    BIGINT NOT NULL,
    PRIMARY KEY (rate_key, resource)
);

-- The secondary limit: per token (by hash), the slots for requests in
-- progress each replica holds, until it stops renewing them (expires_at,
-- in milliseconds on the database's clock, so that replicas' clocks need
-- not agree).
CREATE UNLOGGED TABLE concurrency_slots (
    token_hash TEXT NOT NULL,
    replica    TEXT NOT NULL,
    slots      INTEGER NOT NULL,
    expires_at BIGINT NOT NULL,
    PRIMARY KEY (token_hash, replica)
);

-- The request journal (GET /_seatkeeper/requests), redacted as in
-- memory, bounded by entries and bytes.
CREATE TABLE request_journal (
    seq   BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    size  INTEGER NOT NULL,
    entry TEXT NOT NULL
);
