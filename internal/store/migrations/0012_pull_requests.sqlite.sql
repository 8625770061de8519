-- Pull-request activity in organizations' repositories, which GitHub's
-- repos-1-day usage-metrics reports count per repository and day
-- (internal/usage). seatkeeper keeps no repositories otherwise: a
-- repository is made the first time an event names it.
CREATE TABLE copilot_repositories (
    id         BIGINT PRIMARY KEY,
    org_id     BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    name       TEXT NOT NULL,
    name_key   TEXT NOT NULL,
    visibility TEXT NOT NULL,
    UNIQUE (org_id, name_key)
);

-- Each event a seat holder's pull request took (store.AddPullRequests):
-- action is created, reviewed or merged; by_agent says Copilot's coding
-- agent created the pull request, by_code_review that Copilot code review
-- reviewed it. day is the UTC day of at (Unix seconds), by the service
-- clock.
CREATE TABLE copilot_pull_requests (
    org_id      BIGINT NOT NULL REFERENCES organizations (id) ON DELETE CASCADE,
    repo_id     BIGINT NOT NULL REFERENCES copilot_repositories (id) ON DELETE CASCADE,
    user_id     BIGINT NOT NULL REFERENCES users (id) ON DELETE CASCADE,
    day         TEXT NOT NULL,
    at          BIGINT NOT NULL,
    number      BIGINT NOT NULL,
    action      TEXT NOT NULL,
    by_agent    BOOLEAN NOT NULL,
    by_code_review BOOLEAN NOT NULL,
    suggestions BIGINT NOT NULL,
    applied_suggestions BIGINT NOT NULL,
    minutes_to_merge    BIGINT NOT NULL
);
-- Reports read an org's days in (repository, number, time) order from
-- this index alone (it covers every column they read).
CREATE INDEX copilot_pull_requests_day ON copilot_pull_requests (org_id, day, repo_id, number, at, action,
    user_id, by_agent, by_code_review, suggestions, applied_suggestions, minutes_to_merge);
