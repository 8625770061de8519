-- Each user's latest usage event in each owner (an org's id, or minus an
-- enterprise's), kept by the write that records usage (store.AddUsage),
-- and copied onto the user's seat rows in an org (last_used_at, 0 when
-- none), as their activity is: the seats whose holder has no usage since
-- a moment (the usage page's idle seats) are then a range of the index
-- copilot_seats_usage, not every seat held against the set of every user
-- active since. The seat ledger's writes read it for the rows they write.
CREATE TABLE copilot_usage_last (
    owner   BIGINT NOT NULL,
    user_id BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_at BIGINT NOT NULL,
    PRIMARY KEY (owner, user_id)
) WITHOUT ROWID;
INSERT INTO copilot_usage_last (owner, user_id, last_at)
    SELECT owner, user_id, MAX(last_at) FROM copilot_usage_user_days GROUP BY owner, user_id;

ALTER TABLE copilot_seats ADD COLUMN last_used_at BIGINT NOT NULL DEFAULT 0;
UPDATE copilot_seats SET last_used_at = (SELECT l.last_at FROM copilot_usage_last l
        WHERE l.owner = copilot_seats.org_id AND l.user_id = copilot_seats.user_id)
    WHERE EXISTS (SELECT 1 FROM copilot_usage_last l WHERE l.owner = copilot_seats.org_id AND l.user_id = copilot_seats.user_id);
CREATE INDEX copilot_seats_usage ON copilot_seats (org_id, state, last_used_at, valid_from, ends_at);
