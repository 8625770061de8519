-- What an enterprise's seat list needs counted (enterprise_list.go), kept
-- by the seat ledger's writes in their transaction, so that any page of
-- the list and its total_seats cost what a page of a small list costs.
-- Filled from the ledger when this migration runs (migrate.go).

-- The enterprise-level seats in the list's order, with the bounds that
-- filter them, so that a page reads the index alone.
CREATE INDEX enterprise_copilot_seats_list ON enterprise_copilot_seats (enterprise_id, created_at, user_id, valid_from, ends_at);

-- Counted chunks of each enterprise's list (its own seats and its orgs'
-- active members' seats, merged by created_at, then org_id with 0 for
-- the enterprise's own, then user_id), as copilot_seat_chunks counts an
-- org's: a chunk is named by its first key, and a seat row counts one
-- seat in its chunk from its valid_from (added) to its ends_at (removed).
CREATE TABLE enterprise_seat_chunks (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    start_created BIGINT NOT NULL,
    start_org     BIGINT NOT NULL,
    start_user    BIGINT NOT NULL,
    at            BIGINT NOT NULL,
    added         INTEGER NOT NULL,
    removed       INTEGER NOT NULL,
    PRIMARY KEY (enterprise_id, start_created, start_org, start_user, at)
);

-- When each user holds at least one seat of an enterprise's list: the
-- union of their rows' spans (valid_from inclusive, ends_at exclusive).
CREATE TABLE enterprise_seat_holders (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    valid_from    BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, user_id, valid_from)
);

-- The holders counted: each span adds one at its valid_from and takes it
-- back at its ends_at, so the distinct holders at a moment (total_seats)
-- are the sum of the rows at or before it. Rows at zero are dropped.
CREATE TABLE enterprise_seat_holder_counts (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    at            BIGINT NOT NULL,
    holders       BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, at)
);
