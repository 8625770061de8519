-- Each owner's active-user counts of each day (the aggregate reports'
-- daily, CLI, weekly, monthly, chat and agent active users), kept by the
-- write that records the usage (store.AddUsage) from the days it adds to
-- copilot_usage_active_days, so that a report or the usage page reads a
-- row a day rather than a row per active user. day counts from
-- 1970-01-01, as the active-day masks' periods do. A row is kept only
-- when one of its counts is not 0. The store fills it from
-- copilot_usage_active_days (CountActiveUsers) in the migration's
-- transaction.
CREATE TABLE copilot_usage_active_counts (
    owner         BIGINT NOT NULL,
    org_id        BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    enterprise_id BIGINT REFERENCES enterprises (id) ON DELETE CASCADE,
    day           BIGINT NOT NULL,
    daily         BIGINT NOT NULL,
    cli           BIGINT NOT NULL,
    weekly        BIGINT NOT NULL,
    monthly       BIGINT NOT NULL,
    chat          BIGINT NOT NULL,
    agent         BIGINT NOT NULL,
    PRIMARY KEY (owner, day)
);

-- The users with active days in more than one owner: an enterprise's
-- counts are its owners' summed, then corrected for these users alone
-- (counted once, not once per owner).
CREATE TABLE copilot_usage_shared_users (
    user_id BIGINT PRIMARY KEY REFERENCES users (id) ON DELETE CASCADE
);
CREATE INDEX copilot_usage_active_days_user ON copilot_usage_active_days (user_id, owner);
