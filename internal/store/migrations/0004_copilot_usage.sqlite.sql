-- Copilot usage: each event a seat holder's editor (or the CLI) reported,
-- recorded through the control API, seeds or generate, and summed into
-- GitHub's usage-metrics reports when they are downloaded (internal/usage);
-- reports are never stored. day is the UTC day (YYYY-MM-DD) of at, the
-- event's time in Unix seconds, by the service clock.
CREATE TABLE copilot_usage (
    org_id         BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    user_id        BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day            TEXT NOT NULL,
    at             BIGINT NOT NULL,
    feature        TEXT NOT NULL,
    ide            TEXT NOT NULL,
    ide_version    TEXT NOT NULL,
    plugin         TEXT NOT NULL,
    plugin_version TEXT NOT NULL,
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
    sessions       BIGINT NOT NULL
);
-- Reports read an org's days in (day, user) order.
CREATE INDEX copilot_usage_day ON copilot_usage (org_id, day, user_id);

-- Keys that sign download links (internal/usage): made once, at random,
-- when first needed, and never written anywhere else.
CREATE TABLE signing_keys (
    name TEXT PRIMARY KEY,
    secret TEXT NOT NULL
);
