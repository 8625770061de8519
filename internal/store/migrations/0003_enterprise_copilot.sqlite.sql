-- An enterprise's own Copilot subscription and the seats it grants at the
-- enterprise, to enterprise members and enterprise teams, with no
-- organization in between (GitHub Enterprise Cloud).

-- Users added to the enterprise directly: enterprise members who may
-- belong to no organization of it.
CREATE TABLE enterprise_members (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    created_at    BIGINT NOT NULL,
    PRIMARY KEY (enterprise_id, user_id)
);

-- Billing managers read the enterprise's seats and billing but change nothing.
CREATE TABLE enterprise_billing_managers (
    enterprise_id BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id       BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    PRIMARY KEY (enterprise_id, user_id)
);

-- The enterprise's subscription: the same settings as an organization's.
CREATE TABLE enterprise_copilot_subscriptions (
    enterprise_id           BIGINT PRIMARY KEY REFERENCES enterprises (id) ON DELETE CASCADE,
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

-- Enterprise-level grants: to one user or to one enterprise team.
CREATE TABLE enterprise_copilot_grants (
    id                        BIGINT PRIMARY KEY,
    enterprise_id             BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id                   BIGINT REFERENCES users (id) ON DELETE CASCADE,
    enterprise_team_id        BIGINT REFERENCES enterprise_teams (id) ON DELETE CASCADE,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    pending_cancellation_date TEXT,
    CHECK ((user_id IS NOT NULL) + (enterprise_team_id IS NOT NULL) = 1),
    UNIQUE (enterprise_id, user_id),
    UNIQUE (enterprise_id, enterprise_team_id)
);
CREATE INDEX enterprise_copilot_grants_team ON enterprise_copilot_grants (enterprise_team_id);

-- The seat ledger's enterprise-level rows, kept as copilot_seats keeps an
-- organization's (ledger.go): one row per stretch of time in which the
-- seat is the same, valid_from inclusive, ends_at exclusive.
CREATE TABLE enterprise_copilot_seats (
    enterprise_id             BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id                   BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    valid_from                BIGINT NOT NULL,
    ends_at                   BIGINT NOT NULL,
    created_at                BIGINT NOT NULL,
    updated_at                BIGINT NOT NULL,
    pending_cancellation_date TEXT,
    enterprise_team_id        BIGINT,
    PRIMARY KEY (enterprise_id, user_id, valid_from)
);
CREATE INDEX enterprise_copilot_seats_user ON enterprise_copilot_seats (user_id);

-- The last Copilot use recorded for an enterprise-level seat.
CREATE TABLE enterprise_copilot_activity (
    enterprise_id        BIGINT NOT NULL REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id              BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    last_activity_at     BIGINT NOT NULL,
    last_activity_editor TEXT NOT NULL DEFAULT '',
    PRIMARY KEY (enterprise_id, user_id)
);
