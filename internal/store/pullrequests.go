package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"strings"

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
//
// A pull request merges once a day: a second merged event for it on the
// same day, in es or recorded before, is refused (422).
func (tx *Tx) AddPullRequests(ctx context.Context, orgID int64, es []seatkeeper.PullRequestEvent) error {
	type prDay struct {
		repo, number int64
		day          string
	}
	repos := map[string]int64{}
	merged := map[prDay]bool{}
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
		day := e.At.UTC().Format(seatkeeper.DateLayout)
		if e.Action == seatkeeper.PullRequestMerged {
			k := prDay{id, e.Number, day}
			var n int
			err := tx.queryRow(ctx, `SELECT COUNT(*) FROM copilot_pull_requests WHERE org_id = ? AND day = ? AND repo_id = ? AND number = ? AND action = ?`,
				orgID, day, id, e.Number, seatkeeper.PullRequestMerged).Scan(&n)
			if err != nil {
				return fmt.Errorf("store: pull requests: %w", err)
			}
			if merged[k] || n > 0 {
				return seatkeeper.Errorf(seatkeeper.KindInvalid, "pull_requests: %s#%d was merged on %s already: a pull request merges once a day.", e.Repository, e.Number, day)
			}
			merged[k] = true
		}
		rows[i] = []any{orgID, id, e.UserID, day, unix(e.At), e.Number, e.Action,
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

// PullRequestCounts are a day's pull-request totals in q's orgs, or in one
// repository (RepoID set): each pull request counts once in each, however
// many events it had that day.
type PullRequestCounts struct {
	Day                                                            string
	OrgID, RepoID                                                  int64 // of EachPullRequestCount's byRepo
	Created, CreatedByAgent, Reviewed, ReviewedByCodeReview        int64
	Merged, MergedByAgent, MergedReviewed                          int64
	Suggestions, Applied, CodeReviewSuggestions, CodeReviewApplied int64
}

// EachPullRequestCount calls fn with the pull-request totals of q's orgs
// on each of q's days with events, by day, or (byRepo) by day, org and
// repository, in that order: the database counts (the one place that
// says what counts), a row a group.
func (o ops) EachPullRequestCount(ctx context.Context, q UsageQuery, byRepo bool, fn func(PullRequestCounts) error) error {
	if len(q.OrgIDs) == 0 {
		return nil
	}
	args := make([]any, 0, len(q.OrgIDs)+2)
	for _, id := range q.OrgIDs {
		args = append(args, id)
	}
	group := "day"
	if byRepo {
		group = "day, org_id, repo_id"
	}
	keys := "0, 0"
	if byRepo {
		keys = "org_id, repo_id"
	}
	// The inner query is a row per pull request and day (the index's
	// order), its flags each pull request's once; the outer sums them.
	flag := func(cond, name string) string { return "MAX(CASE WHEN " + cond + " THEN 1 ELSE 0 END) " + name }
	sum := func(cond, col, name string) string {
		return "SUM(CASE WHEN " + cond + " THEN " + col + " ELSE 0 END) " + name
	}
	const created, reviewed, merged = "action = 'created'", "action = 'reviewed'", "action = 'merged'"
	const codeReview = " AND by_code_review"
	return queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (PullRequestCounts, error) {
		var c PullRequestCounts
		err := sc.Scan(&c.Day, &c.OrgID, &c.RepoID, &c.Created, &c.CreatedByAgent, &c.Reviewed, &c.ReviewedByCodeReview,
			&c.Merged, &c.MergedByAgent, &c.MergedReviewed, &c.Suggestions, &c.Applied, &c.CodeReviewSuggestions, &c.CodeReviewApplied)
		return c, err
	}, fn, `SELECT day, `+keys+`, SUM(c), SUM(ca), SUM(r), SUM(rc), SUM(m), SUM(ma), SUM(mr), SUM(s), SUM(sa), SUM(cs), SUM(csa)
		FROM (SELECT org_id, day, repo_id, `+strings.Join([]string{
		flag(created, "c"), flag(created+" AND by_agent", "ca"), flag(reviewed, "r"), flag(reviewed+codeReview, "rc"),
		flag(merged, "m"), flag(merged+" AND by_agent", "ma"), flag(merged+codeReview, "mr"),
		sum(reviewed, "suggestions", "s"), sum(reviewed, "applied_suggestions", "sa"),
		sum(reviewed+codeReview, "suggestions", "cs"), sum(reviewed+codeReview, "applied_suggestions", "csa"),
	}, ", ")+`
			FROM copilot_pull_requests WHERE org_id IN (`+marks(len(q.OrgIDs))+`) AND day >= ? AND day <= ?
			GROUP BY org_id, day, repo_id, number) x
		GROUP BY `+group+` ORDER BY `+group, append(args, q.From, q.To)...)
}

// Merge is a pull request's merge, for the medians.
type Merge struct {
	Day                   string
	RepoID, Minutes       int64
	ByAgent, ByCodeReview bool
}

// EachMerge calls fn with each merge in q's orgs on q's days, in (day,
// org, repository) order.
func (o ops) EachMerge(ctx context.Context, q UsageQuery, fn func(Merge) error) error {
	if len(q.OrgIDs) == 0 {
		return nil
	}
	args := make([]any, 0, len(q.OrgIDs)+3)
	for _, id := range q.OrgIDs {
		args = append(args, id)
	}
	return queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (Merge, error) {
		var m Merge
		err := sc.Scan(&m.Day, &m.RepoID, &m.Minutes, &m.ByAgent, &m.ByCodeReview)
		return m, err
	}, fn, `SELECT day, repo_id, minutes_to_merge, by_agent, by_code_review FROM copilot_pull_requests
		WHERE org_id IN (`+marks(len(q.OrgIDs))+`) AND day >= ? AND day <= ? AND action = ?
		ORDER BY day, org_id, repo_id`, append(args, q.From, q.To, seatkeeper.PullRequestMerged)...)
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
