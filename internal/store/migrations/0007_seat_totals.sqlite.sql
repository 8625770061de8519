-- The seat ledger's rows carry their holder's last Copilot use (copied
-- from copilot_activity by the writes that record it, and by those that
-- write the rows) and idle_since: that use, or when the seat was granted
-- if it was never used. The dashboard's idle buckets, idle filter and
-- 12-cycle chart then count ranges of index entries (copilot_seats_sums,
-- copilot_seats_used) instead of reading every seat with its activity.
ALTER TABLE copilot_seats ADD COLUMN last_activity_at BIGINT;
ALTER TABLE copilot_seats ADD COLUMN last_activity_editor TEXT NOT NULL DEFAULT '';
ALTER TABLE copilot_seats ADD COLUMN idle_since BIGINT NOT NULL DEFAULT 0;
UPDATE copilot_seats SET
    last_activity_at = (SELECT a.last_activity_at FROM copilot_activity a
        WHERE a.org_id = copilot_seats.org_id AND a.user_id = copilot_seats.user_id),
    last_activity_editor = COALESCE((SELECT a.last_activity_editor FROM copilot_activity a
        WHERE a.org_id = copilot_seats.org_id AND a.user_id = copilot_seats.user_id), '');
UPDATE copilot_seats SET idle_since = COALESCE(last_activity_at, created_at);
CREATE INDEX copilot_seats_sums ON copilot_seats (org_id, state, idle_since, last_activity_at, created_at,
    valid_from, ends_at, pending_cancellation_date, team_id, enterprise_team_id, user_id);
-- The seats never used, and those used since a moment, as a range.
CREATE INDEX copilot_seats_used ON copilot_seats (org_id, state, last_activity_at, valid_from, ends_at);

-- Per-org seat totals, kept by the ledger's writes in their transaction
-- (ledger_totals.go): each seat row adds one seat at its valid_from and
-- takes it back at its ends_at (never, for a row without an end), counted
-- by the holder's state, whether the seat is pending cancellation and the
-- team or enterprise team that carries it (0 for none). The seats of an
-- org at a moment are the sum of its rows at or before it: a few rows,
-- whatever the org's size. Rows that sum to nothing are dropped.
CREATE TABLE copilot_seat_totals (
    org_id             BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    at                 BIGINT NOT NULL,
    state              TEXT NOT NULL,
    pending            INTEGER NOT NULL,
    team_id            BIGINT NOT NULL,
    enterprise_team_id BIGINT NOT NULL,
    seats              BIGINT NOT NULL,
    PRIMARY KEY (org_id, at, state, pending, team_id, enterprise_team_id)
);
INSERT INTO copilot_seat_totals (org_id, at, state, pending, team_id, enterprise_team_id, seats)
    SELECT org_id, at, state, pending, team_id, enterprise_team_id, SUM(seats) FROM (
        SELECT org_id, valid_from AS at, state, CASE WHEN pending_cancellation_date IS NULL THEN 0 ELSE 1 END AS pending,
            COALESCE(team_id, 0) AS team_id, COALESCE(enterprise_team_id, 0) AS enterprise_team_id, 1 AS seats
        FROM copilot_seats
        UNION ALL
        SELECT org_id, ends_at, state, CASE WHEN pending_cancellation_date IS NULL THEN 0 ELSE 1 END,
            COALESCE(team_id, 0), COALESCE(enterprise_team_id, 0), -1
        FROM copilot_seats WHERE ends_at < 4611686018427387904
    ) AS d
    GROUP BY org_id, at, state, pending, team_id, enterprise_team_id
    HAVING SUM(seats) <> 0;
