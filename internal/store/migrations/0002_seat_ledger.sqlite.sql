-- The seat ledger: each seat a grant gives an org member (active or
-- invited), kept by every write that can change it (ledger.go), so that
-- reads need not resolve seats from grants, teams and memberships. A seat
-- holds from valid_from (inclusive) to ends_at (exclusive), in Unix
-- seconds: one row while no pending cancellation takes effect, more when
-- one changes which grant holds the seat. Reads at time now take the row
-- with valid_from <= now < ends_at, so a seat whose cancellation took
-- effect leaves every answer at that second, without a background job.
-- The rows are filled from the grants when this migration runs (migrate.go).
CREATE TABLE copilot_seats (
    org_id                    BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id                   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    valid_from                BIGINT NOT NULL,
    ends_at                   BIGINT NOT NULL,
    state                     TEXT NOT NULL,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    pending_cancellation_date TEXT,
    team_id                   BIGINT,
    enterprise_team_id        BIGINT,
    PRIMARY KEY (org_id, user_id, valid_from)
);
-- A seat list's order (oldest first, ties by user id), with the bounds
-- that filter it, so that pages and counts read the index alone.
CREATE INDEX copilot_seats_list ON copilot_seats (org_id, state, created_at, user_id, valid_from, ends_at);
-- The seats pending cancellation, counted by the metrics.
CREATE INDEX copilot_seats_pending ON copilot_seats (org_id, state, valid_from, ends_at) WHERE pending_cancellation_date IS NOT NULL;
CREATE INDEX copilot_seats_user ON copilot_seats (user_id);

-- Which scopes committed writes changed, for caches that keep answers per
-- organization (changes.go): scope 0 is everything, -1 nothing a cache
-- keeps, any other an organization's id. Every write transaction adds a
-- row for each scope it changed; seq orders them as they commit (SQLite
-- has one writer at a time).
CREATE TABLE data_changes (
    seq   INTEGER PRIMARY KEY,
    scope BIGINT NOT NULL
);
