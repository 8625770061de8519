-- Counted chunks of each org's seat list (seatchunks.go): the list of
-- active members' seats (copilot_seats by created_at, then user_id) is
-- cut into ranges of keys, each named by its first key (start_created,
-- start_user). A ledger row counts one seat in its chunk from its
-- valid_from (added at that moment) to its ends_at (removed then), so a
-- chunk's seats at a moment are the sum of its rows at or before it. The
-- ledger's writes keep them in their transaction; a page of the list
-- finds its chunk by the chunks' cumulative counts. Filled from the
-- ledger when this migration runs (migrate.go).
CREATE TABLE copilot_seat_chunks (
    org_id        BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    start_created BIGINT NOT NULL,
    start_user    BIGINT NOT NULL,
    at            BIGINT NOT NULL,
    added         INTEGER NOT NULL,
    removed       INTEGER NOT NULL,
    PRIMARY KEY (org_id, start_created, start_user, at)
);
