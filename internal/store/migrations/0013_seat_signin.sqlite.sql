-- The seat ledger's rows carry their holder's whole activity: the last
-- sign-in too, beside the last use that 0007 copied on (copied from
-- copilot_activity by the same writes). A seat is then read from its row
-- and its holder alone: a seat lookup that misses the read cache reads no
-- copilot_activity page.
ALTER TABLE copilot_seats ADD COLUMN last_authenticated_at BIGINT;
UPDATE copilot_seats SET last_authenticated_at = (SELECT a.last_authenticated_at FROM copilot_activity a
        WHERE a.org_id = copilot_seats.org_id AND a.user_id = copilot_seats.user_id)
    WHERE EXISTS (SELECT 1 FROM copilot_activity a
        WHERE a.org_id = copilot_seats.org_id AND a.user_id = copilot_seats.user_id AND a.last_authenticated_at IS NOT NULL);
