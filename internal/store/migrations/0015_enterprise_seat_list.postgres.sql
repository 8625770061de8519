-- An enterprise's merged seat list as rows in its order (enterprise_list.go):
-- its orgs' active members' seat rows and its own (org_id 0), by created_at,
-- then org_id, then user_id, with the bounds that filter them. Kept by the
-- seat ledger's writes in their transaction, beside the list's counted
-- chunks: a page walks this one index from its chunk's first key and joins
-- each row's seat by primary key, in one query, whatever the number of orgs.
CREATE TABLE enterprise_seat_list (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    org_id        BIGINT NOT NULL,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    valid_from    BIGINT NOT NULL,
    ends_at       BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, created_at, org_id, user_id, valid_from) INCLUDE (ends_at)
);

INSERT INTO enterprise_seat_list (enterprise_id, created_at, org_id, user_id, valid_from, ends_at)
SELECT g.enterprise_id, s.created_at, s.org_id, s.user_id, s.valid_from, s.ends_at
    FROM copilot_seats s JOIN organizations g ON g.id = s.org_id
    WHERE g.enterprise_id IS NOT NULL AND s.state = 'active'
UNION ALL
SELECT enterprise_id, created_at, 0, user_id, valid_from, ends_at FROM enterprise_copilot_seats;
