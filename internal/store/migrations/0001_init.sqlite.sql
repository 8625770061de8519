-- seatkeeper schema, version 1 (SQLite). Times are Unix seconds (UTC);
-- calendar dates are TEXT YYYY-MM-DD. *_key columns hold the lower-case
-- form of a login, slug or name, because GitHub compares them without case.

-- Every exposed id comes from a named sequence, so that seeded explicit ids
-- and generated ones never collide on either database.
CREATE TABLE id_sequences (
    name    TEXT PRIMARY KEY,
    last_id BIGINT NOT NULL
);

CREATE TABLE users (
    id         BIGINT PRIMARY KEY,
    login      TEXT NOT NULL,
    login_key  TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL DEFAULT '',
    email      TEXT NOT NULL DEFAULT '',
    site_admin BOOLEAN NOT NULL DEFAULT FALSE,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE enterprises (
    id         BIGINT PRIMARY KEY,
    slug       TEXT NOT NULL,
    slug_key   TEXT NOT NULL UNIQUE,
    name       TEXT NOT NULL,
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL
);

CREATE TABLE enterprise_owners (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (enterprise_id, user_id)
);

CREATE TABLE organizations (
    id            BIGINT PRIMARY KEY,
    login         TEXT NOT NULL,
    login_key     TEXT NOT NULL UNIQUE,
    name          TEXT NOT NULL DEFAULT '',
    description   TEXT NOT NULL DEFAULT '',
    enterprise_id BIGINT REFERENCES enterprises (id) ON DELETE SET NULL,
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL
);

CREATE TABLE org_memberships (
    org_id     BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL CHECK (role IN ('admin', 'member')),
    state      TEXT NOT NULL CHECK (state IN ('active', 'pending')),
    created_at BIGINT NOT NULL,
    updated_at BIGINT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);
CREATE INDEX org_memberships_user ON org_memberships (user_id);

-- The invitation behind each pending membership: the id GitHub's
-- invitation endpoints show and who sent it (NULL when unknown). It goes
-- with the membership, and goes when the membership turns active.
CREATE TABLE org_invitations (
    id         BIGINT PRIMARY KEY,
    org_id     BIGINT NOT NULL,
    user_id    BIGINT NOT NULL,
    inviter_id BIGINT REFERENCES users (id) ON DELETE SET NULL,
    created_at BIGINT NOT NULL,
    UNIQUE (org_id, user_id),
    FOREIGN KEY (org_id, user_id) REFERENCES org_memberships (org_id, user_id) ON DELETE CASCADE
);

CREATE TABLE teams (
    id                   BIGINT PRIMARY KEY,
    org_id               BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name                 TEXT NOT NULL,
    name_key             TEXT NOT NULL,
    slug                 TEXT NOT NULL,
    slug_key             TEXT NOT NULL,
    description          TEXT NOT NULL DEFAULT '',
    privacy              TEXT NOT NULL,
    notification_setting TEXT NOT NULL,
    permission           TEXT NOT NULL,
    parent_id            BIGINT REFERENCES teams (id) ON DELETE SET NULL,
    created_at           BIGINT NOT NULL,
    updated_at           BIGINT NOT NULL,
    UNIQUE (org_id, slug_key),
    UNIQUE (org_id, name_key)
);
CREATE INDEX teams_parent ON teams (parent_id);

CREATE TABLE team_members (
    team_id    BIGINT NOT NULL REFERENCES teams (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    role       TEXT NOT NULL DEFAULT 'member' CHECK (role IN ('member', 'maintainer')),
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX team_members_user ON team_members (user_id);

CREATE TABLE enterprise_teams (
    id            BIGINT PRIMARY KEY,
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    name          TEXT NOT NULL,
    slug          TEXT NOT NULL,
    slug_key      TEXT NOT NULL,
    description   TEXT NOT NULL DEFAULT '',
    created_at    BIGINT NOT NULL,
    updated_at    BIGINT NOT NULL,
    UNIQUE (enterprise_id, slug_key)
);

CREATE TABLE enterprise_team_members (
    team_id    BIGINT NOT NULL REFERENCES enterprise_teams (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at BIGINT NOT NULL,
    PRIMARY KEY (team_id, user_id)
);
CREATE INDEX enterprise_team_members_user ON enterprise_team_members (user_id);

CREATE TABLE copilot_subscriptions (
    org_id                  BIGINT PRIMARY KEY REFERENCES organizations (id) ON DELETE CASCADE,
    plan_type               TEXT NOT NULL,
    seat_management_setting TEXT NOT NULL,
    public_code_suggestions TEXT NOT NULL,
    ide_chat                TEXT NOT NULL,
    platform_chat           TEXT NOT NULL,
    cli                     TEXT NOT NULL,
    billing_cycle_day       INTEGER NOT NULL CHECK (billing_cycle_day BETWEEN 1 AND 28),
    created_at              BIGINT NOT NULL,
    updated_at              BIGINT NOT NULL
);

-- A grant gives seats to one user, one org team (and its child teams) or
-- one enterprise team, in one organization.
CREATE TABLE copilot_grants (
    id                        BIGINT PRIMARY KEY,
    org_id                    BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id                   BIGINT REFERENCES users (id) ON DELETE CASCADE,
    team_id                   BIGINT REFERENCES teams (id) ON DELETE CASCADE,
    enterprise_team_id        BIGINT REFERENCES enterprise_teams (id) ON DELETE CASCADE,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    pending_cancellation_date TEXT,
    CHECK ((user_id IS NOT NULL) + (team_id IS NOT NULL) + (enterprise_team_id IS NOT NULL) = 1),
    UNIQUE (org_id, user_id),
    UNIQUE (org_id, team_id),
    UNIQUE (org_id, enterprise_team_id)
);
CREATE INDEX copilot_grants_team ON copilot_grants (team_id);
CREATE INDEX copilot_grants_enterprise_team ON copilot_grants (enterprise_team_id);

-- A seat kept until its cancellation date after its holder lost the team
-- membership that carried it: GitHub bills it, and reports it, until the
-- next billing cycle starts. team_id or enterprise_team_id names the team
-- that carried it (both NULL once that team is gone).
CREATE TABLE copilot_residual_seats (
    org_id                    BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id                   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    team_id                   BIGINT REFERENCES teams (id) ON DELETE SET NULL,
    enterprise_team_id        BIGINT REFERENCES enterprise_teams (id) ON DELETE SET NULL,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    pending_cancellation_date TEXT NOT NULL,
    PRIMARY KEY (org_id, user_id)
);

CREATE TABLE copilot_activity (
    org_id               BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id              BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_activity_at     BIGINT NOT NULL,
    last_activity_editor TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (org_id, user_id)
);

-- Tokens are stored only as the hex SHA-256 of the secret.
CREATE TABLE tokens (
    id          BIGINT PRIMARY KEY,
    hash        TEXT NOT NULL UNIQUE,
    kind        TEXT NOT NULL CHECK (kind IN ('classic', 'oauth', 'fine_grained', 'installation')),
    hint        TEXT NOT NULL DEFAULT '',
    user_id     BIGINT REFERENCES users (id) ON DELETE CASCADE,
    org_id      BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    scopes      TEXT NOT NULL DEFAULT '',
    permissions TEXT NOT NULL DEFAULT '{}',
    note        TEXT NOT NULL DEFAULT '',
    expires_at  BIGINT,
    revoked_at  BIGINT,
    created_at  BIGINT NOT NULL
);
CREATE INDEX tokens_user ON tokens (user_id);

-- The audit log: every change, appended with who made it, when, and under
-- which request. An entry whose time is still in the future is scheduled
-- (a seat's expiry at its cancellation date) and is shown once that time
-- has come. Ids come from the database, not id_sequences, so appending
-- never contends with other writes.
CREATE TABLE audit_log (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    at               BIGINT NOT NULL,
    action           TEXT NOT NULL,
    actor            TEXT NOT NULL DEFAULT '',
    actor_token_kind TEXT NOT NULL DEFAULT '',
    request_id       TEXT NOT NULL DEFAULT '',
    org_id           BIGINT,
    org              TEXT NOT NULL DEFAULT '',
    subject          TEXT NOT NULL DEFAULT '',
    details          TEXT NOT NULL DEFAULT '{}'
);
CREATE INDEX audit_log_org ON audit_log (org_id, at);
CREATE INDEX audit_log_at ON audit_log (at);
