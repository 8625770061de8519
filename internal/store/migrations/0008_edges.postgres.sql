-- Copilot activity also records the last Copilot sign-in
-- (last_authenticated_at, GitHub's seat field), and a sign-in may come
-- before any use: last_activity_at becomes nullable.
ALTER TABLE copilot_activity ALTER COLUMN last_activity_at DROP NOT NULL;
ALTER TABLE copilot_activity ADD COLUMN last_authenticated_at BIGINT;

-- Public organization membership (GitHub's public_members): a member who
-- made their membership visible to everyone. It goes with the membership.
CREATE TABLE org_public_members (
    org_id  BIGINT NOT NULL,
    user_id BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES org_memberships (org_id, user_id) ON DELETE CASCADE
);
