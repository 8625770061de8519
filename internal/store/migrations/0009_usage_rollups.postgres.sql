-- Daily roll-ups of copilot_usage, kept by the same write that records
-- each event (store.AddUsage) and read by the usage-metrics reports in
-- place of the events. The store fills them from the events recorded
-- before this migration (RollUpUsage), in the migration's transaction.

-- A user's day in an org, by feature, IDE, language and model: the sums
-- of the events, and the IDE, plugin (the CLI's for copilot_cli) and
-- versions of the latest of them (last_at; on a tie the greatest
-- versions), which the per-user records report as last known.
CREATE TABLE copilot_usage_user_days (
    org_id         BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
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
    PRIMARY KEY (org_id, day, user_id, feature, ide, language, model)
);

-- An org's day, by feature, IDE, language and model: the sums of its
-- users' events (the aggregate reports' totals).
CREATE TABLE copilot_usage_days (
    org_id         BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
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
    PRIMARY KEY (org_id, day, feature, ide, language, model)
);

-- The days a user used each class of features in an org (the active-user
-- counts), 32 days a row: bit i of a mask is day number period*32+i,
-- days counted from 1970-01-01. The classes are seatkeeper.UsageClasses'.
CREATE TABLE copilot_usage_active_days (
    org_id     BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id    BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    period     BIGINT NOT NULL,
    ide_days   BIGINT NOT NULL,
    chat_days  BIGINT NOT NULL,
    agent_days BIGINT NOT NULL,
    cli_days   BIGINT NOT NULL,
    PRIMARY KEY (org_id, period, user_id)
);
