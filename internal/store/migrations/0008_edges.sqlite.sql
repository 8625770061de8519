-- Copilot activity also records the last Copilot sign-in
-- (last_authenticated_at, GitHub's seat field), and a sign-in may come
-- before any use: last_activity_at becomes nullable. SQLite cannot drop
-- NOT NULL in place, so the table is rebuilt.
CREATE TABLE copilot_activity_0008 (
    org_id                BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id               BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_activity_at      BIGINT,
    last_activity_editor  TEXT NOT NULL DEFAULT '',
    last_authenticated_at BIGINT,
    PRIMARY KEY (org_id, user_id)
);
INSERT INTO copilot_activity_0008 (org_id, user_id, last_activity_at, last_activity_editor)
    SELECT org_id, user_id, last_activity_at, last_activity_editor FROM copilot_activity;
DROP TABLE copilot_activity;
ALTER TABLE copilot_activity_0008 RENAME TO copilot_activity;

-- Public organization membership (GitHub's public_members): a member who
-- made their membership visible to everyone. It goes with the membership.
CREATE TABLE org_public_members (
    org_id  BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES org_memberships (org_id, user_id) ON DELETE CASCADE
);
