-- A seat lookup that misses the read cache (store.UserSeatByLogin) reads
-- one b-tree a table: the user by login_key and the seat row by its key
-- each from an index that holds every column the answer needs. Before,
-- each was an index and then the table by rowid: twice the pages, on
-- 1,000,000 seats most of them not in the page cache. The statistics of
-- the new indexes are taken when the store opens (PRAGMA optimize), which
-- makes the planner choose them over the older ones.
CREATE INDEX users_by_login ON users (login_key, id, login, name, email, site_admin, created_at, updated_at);
CREATE INDEX copilot_seats_by_user ON copilot_seats (org_id, user_id, valid_from, ends_at, state, created_at, updated_at,
    pending_cancellation_date, team_id, enterprise_team_id, last_activity_at, last_activity_editor, last_authenticated_at);
