package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"

	"github.com/seatkeeper/seatkeeper"
)

// pullRequestCols are copilot_pull_requests' columns after org_id and
// repo_id.
const pullRequestCols = `user_id, day, at, number, action, by_agent, by_code_review, suggestions, applied_suggestions, minutes_to_merge`

// AddPullRequests records pull-request events (UserID set) in org's
// repositories; their day is their time's UTC day. A repository an event
// names is made the first time (private unless the event says), and an
// event's Visibility, when set, becomes the repository's. The caller
// checks that each user held a seat then.
func (tx *Tx) AddPullRequests(ctx context.Context, orgID int64, es []seatkeeper.PullRequestEvent) error {
	repos := map[string]int64{}
	rows := make([][]any, len(es))
	for i, e := range es {
		key := seatkeeper.LoginKey(e.Repository)
		id, ok := repos[key]
		if !ok || e.Visibility != "" {
			var err error
			if id, err = tx.repository(ctx, orgID, e.Repository, e.Visibility); err != nil {
				return err
			}
			repos[key] = id
		}
		rows[i] = []any{orgID, id, e.UserID, e.At.UTC().Format(seatkeeper.DateLayout), unix(e.At), e.Number, e.Action,
			e.ByAgent, e.ByCodeReview, e.Suggestions, e.AppliedSuggestions, e.MinutesToMerge}
	}
	return tx.insertRows(ctx, "copilot_pull_requests", "org_id, repo_id, "+pullRequestCols, rows)
}

// repository returns the id of org's repository name, made when there is
// none; visibility, when set, becomes its visibility.
func (tx *Tx) repository(ctx context.Context, orgID int64, name, visibility string) (int64, error) {
	var id int64
	err := tx.queryRow(ctx, `SELECT id FROM copilot_repositories WHERE org_id = ? AND name_key = ?`, orgID, seatkeeper.LoginKey(name)).Scan(&id)
	switch {
	case errors.Is(err, sql.ErrNoRows):
		if id, err = tx.nextID(ctx, seqRepositories); err != nil {
			return 0, err
		}
		if visibility == "" {
			visibility = "private"
		}
		_, err = tx.exec(ctx, `INSERT INTO copilot_repositories (id, org_id, name, name_key, visibility) VALUES (?, ?, ?, ?, ?)`,
			id, orgID, name, seatkeeper.LoginKey(name), visibility)
	case err == nil && visibility != "":
		_, err = tx.exec(ctx, `UPDATE copilot_repositories SET visibility = ? WHERE id = ? AND visibility <> ?`, visibility, id, visibility)
	}
	if err != nil {
		return 0, fmt.Errorf("store: repository: %w", err)
	}
	return id, nil
}

// EachPullRequest calls fn with each pull-request event in q's orgs from
// day q.From to q.To, in (org, day, repository, number, time, action)
// order, with its repository's id and org (orgID): one covering index
// scan. Repositories names them. q.Logins fills each event's Login (an
// export's).
func (o ops) EachPullRequest(ctx context.Context, q UsageQuery, fn func(orgID int64, e seatkeeper.PullRequestEvent) error) error {
	if len(q.OrgIDs) == 0 {
		return nil
	}
	args := make([]any, 0, len(q.OrgIDs)+2)
	for _, id := range q.OrgIDs {
		args = append(args, id)
	}
	login, join := "''", ""
	if q.Logins {
		login, join = "u.login", " JOIN users u ON u.id = p.user_id"
	}
	type row struct {
		org int64
		e   seatkeeper.PullRequestEvent
	}
	return queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (row, error) {
		var r row
		var at int64
		err := sc.Scan(&r.org, &r.e.RepoID, &r.e.UserID, &r.e.Login, &at, &r.e.Number, &r.e.Action,
			&r.e.ByAgent, &r.e.ByCodeReview, &r.e.Suggestions, &r.e.AppliedSuggestions, &r.e.MinutesToMerge)
		r.e.At = fromUnix(at)
		return r, err
	}, func(r row) error { return fn(r.org, r.e) }, `SELECT p.org_id, p.repo_id, p.user_id, `+login+`, p.at, p.number, p.action,
			p.by_agent, p.by_code_review, p.suggestions, p.applied_suggestions, p.minutes_to_merge
		FROM copilot_pull_requests p`+join+`
		WHERE p.org_id IN (`+marks(len(q.OrgIDs))+`) AND p.day >= ? AND p.day <= ?
		ORDER BY p.org_id, p.day, p.repo_id, p.number, p.at, p.action`, append(args, q.From, q.To)...)
}

// Repository is a repository pull-request events name.
type Repository struct {
	ID                      int64
	Owner, Name, Visibility string // Owner: its org's login
}

// Repositories returns the repositories of the orgs, by id.
func (o ops) Repositories(ctx context.Context, orgIDs []int64) (map[int64]Repository, error) {
	out := map[int64]Repository{}
	if len(orgIDs) == 0 {
		return out, nil
	}
	args := make([]any, len(orgIDs))
	for i, id := range orgIDs {
		args[i] = id
	}
	err := queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (Repository, error) {
		var r Repository
		err := sc.Scan(&r.ID, &r.Owner, &r.Name, &r.Visibility)
		return r, err
	}, func(r Repository) error { out[r.ID] = r; return nil }, `SELECT r.id, o.login, r.name, r.visibility
		FROM copilot_repositories r JOIN organizations o ON o.id = r.org_id WHERE r.org_id IN (`+marks(len(orgIDs))+`)`, args...)
	return out, err
}

// HasPullRequests reports whether q's orgs have pull-request events on
// any of q's days.
func (o ops) HasPullRequests(ctx context.Context, q UsageQuery) (bool, error) {
	if len(q.OrgIDs) == 0 {
		return false, nil
	}
	args := make([]any, 0, len(q.OrgIDs)+2)
	for _, id := range q.OrgIDs {
		args = append(args, id)
	}
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM copilot_pull_requests WHERE org_id IN (`+marks(len(q.OrgIDs))+`)
		AND day >= ? AND day <= ? LIMIT 1) x`, append(args, q.From, q.To)...).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: pull requests: %w", err)
	}
	return n > 0, nil
}
