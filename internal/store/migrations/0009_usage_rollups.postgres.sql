-- Daily roll-ups of copilot_usage, kept by the same write that records
-- each event (store.AddUsage) and read by the usage-metrics reports in
-- place of the events. The store fills them from the events recorded
-- before this migration (RollUpUsage), in the migration's transaction.
--
-- Every roll-up row belongs to an owner: an org's id, or minus an
-- enterprise's id for usage recorded at the enterprise itself (a user
-- whose only seat is enterprise-level); org_id or enterprise_id says
-- which, so that deleting either deletes its rows.

-- Usage of a user whose only seat is enterprise-level is recorded at the
-- enterprise: copilot_usage takes an enterprise_id, and org_id may be
-- NULL (exactly one of them is set).
ALTER TABLE copilot_usage ALTER COLUMN org_id DROP NOT NULL,
    ADD COLUMN enterprise_id BIGINT REFERENCES enterprises (id) ON DELETE CASCADE,
    ADD CHECK ((org_id IS NULL) <> (enterprise_id IS NULL));
CREATE INDEX copilot_usage_enterprise_day ON copilot_usage (enterprise_id, day, user_id);

-- A user's day in an owner, by feature, IDE, language and model: the sums
-- of the events, and the IDE, plugin (the CLI's for copilot_cli) and
-- versions of the latest of them (last_at; on a tie the greatest
-- versions), which the per-user records report as last known.
CREATE TABLE copilot_usage_user_days (
    owner          BIGINT NOT NULL,
    org_id         BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    enterprise_id  BIGINT REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    feature        TEXT NOT NULL,
    ide            TEXT NOT NULL,
    language       TEXT NOT NULL,
    model          TEXT NOT NULL,
    generations    BIGINT NOT NULL,
    acceptances    BIGINT NOT NULL,
    loc_suggested_add    BIGINT NOT NULL,
    loc_suggested_delete BIGINT NOT NULL,
    loc_added      BIGINT NOT NULL,
    loc_deleted    BIGINT NOT NULL,
    interactions   BIGINT NOT NULL,
    prompt_tokens  BIGINT NOT NULL,
    output_tokens  BIGINT NOT NULL,
    requests       BIGINT NOT NULL,
    sessions       BIGINT NOT NULL,
    last_at        BIGINT NOT NULL,
    ide_version    TEXT NOT NULL,
    plugin         TEXT NOT NULL,
    plugin_version TEXT NOT NULL,
    PRIMARY KEY (owner, day, user_id, feature, ide, language, model)
);

-- An owner's day, by feature, IDE, language and model: the sums of its
-- users' events (the aggregate reports' totals).
CREATE TABLE copilot_usage_days (
    owner          BIGINT NOT NULL,
    org_id         BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    enterprise_id  BIGINT REFERENCES enterprises (id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    feature        TEXT NOT NULL,
    ide            TEXT NOT NULL,
    language       TEXT NOT NULL,
    model          TEXT NOT NULL,
    generations    BIGINT NOT NULL,
    acceptances    BIGINT NOT NULL,
    loc_suggested_add    BIGINT NOT NULL,
    loc_suggested_delete BIGINT NOT NULL,
    loc_added      BIGINT NOT NULL,
    loc_deleted    BIGINT NOT NULL,
    interactions   BIGINT NOT NULL,
    prompt_tokens  BIGINT NOT NULL,
    output_tokens  BIGINT NOT NULL,
    requests       BIGINT NOT NULL,
    sessions       BIGINT NOT NULL,
    PRIMARY KEY (owner, day, feature, ide, language, model)
);

-- The days a user used each class of features in an owner (the active-user
-- counts), 32 days a row: bit i of a mask is day number period*32+i,
-- days counted from 1970-01-01. The classes are seatkeeper.UsageClasses'.
CREATE TABLE copilot_usage_active_days (
    owner      BIGINT NOT NULL,
    org_id     BIGINT REFERENCES organizations (id) ON DELETE CASCADE,
    enterprise_id BIGINT REFERENCES enterprises (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period     BIGINT NOT NULL,
    ide_days   BIGINT NOT NULL,
    chat_days  BIGINT NOT NULL,
    agent_days BIGINT NOT NULL,
    cli_days   BIGINT NOT NULL,
    PRIMARY KEY (owner, period, user_id)
);
