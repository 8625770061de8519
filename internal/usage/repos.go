package usage

import (
	"bufio"
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// pullRequests is the pull_requests of a repos-1-day record (a
// repository's day) and of an aggregate record (the scope's day), as the
// field reference names it. A pull request counts once a day in each
// total whatever the number of its events (by its number); the medians
// are null when nothing merged.
type pullRequests struct {
	Created                 int64    `json:"total_created"`
	Reviewed                int64    `json:"total_reviewed"`
	Merged                  int64    `json:"total_merged"`
	MedianToMerge           *float64 `json:"median_minutes_to_merge"`
	Suggestions             int64    `json:"total_suggestions"`
	AppliedSuggestions      int64    `json:"total_applied_suggestions"`
	CreatedByCopilot        int64    `json:"total_created_by_copilot"`
	ReviewedByCopilot       int64    `json:"total_reviewed_by_copilot"`
	MergedCreatedByCopilot  int64    `json:"total_merged_created_by_copilot"`
	MergedReviewedByCopilot int64    `json:"total_merged_reviewed_by_copilot"`
	MedianToMergeAuthored   *float64 `json:"median_minutes_to_merge_copilot_authored"`
	MedianToMergeReviewed   *float64 `json:"median_minutes_to_merge_copilot_reviewed"`
	CopilotSuggestions      int64    `json:"total_copilot_suggestions"`
	CopilotApplied          int64    `json:"total_copilot_applied_suggestions"`
}

// repoRecord is a line of the repos-1-day reports: one repository's day.
type repoRecord struct {
	Day          string       `json:"day"`
	EnterpriseID string       `json:"enterprise_id,omitempty"`
	OrgID        string       `json:"organization_id"`
	RepoID       int64        `json:"repo_id"`
	Owner        string       `json:"repo_owner_name"`
	Name         string       `json:"repo_name"`
	Visibility   string       `json:"repo_visibility"`
	PullRequests pullRequests `json:"pull_requests"`
}

// merges are the minutes to merge of a group's merges: all, the coding
// agent's pull requests', and those Copilot code review reviewed.
type merges struct{ all, agent, review []int64 }

func (m *merges) add(x store.Merge) {
	m.all = append(m.all, x.Minutes)
	if x.ByAgent {
		m.agent = append(m.agent, x.Minutes)
	}
	if x.ByCodeReview {
		m.review = append(m.review, x.Minutes)
	}
}

// pullRequestsOf is a record's pull_requests: the database's counts, and
// the medians of the group's merges (m, nil for none).
func pullRequestsOf(c store.PullRequestCounts, m *merges) pullRequests {
	p := pullRequests{Created: c.Created, Reviewed: c.Reviewed, Merged: c.Merged, Suggestions: c.Suggestions,
		AppliedSuggestions: c.Applied, CreatedByCopilot: c.CreatedByAgent, ReviewedByCopilot: c.ReviewedByCodeReview,
		MergedCreatedByCopilot: c.MergedByAgent, MergedReviewedByCopilot: c.MergedReviewed,
		CopilotSuggestions: c.CodeReviewSuggestions, CopilotApplied: c.CodeReviewApplied}
	if m != nil {
		p.MedianToMerge, p.MedianToMergeAuthored, p.MedianToMergeReviewed = median(m.all), median(m.agent), median(m.review)
	}
	return p
}

// median is the median of vs (which it sorts), nil for none.
func median(vs []int64) *float64 {
	if len(vs) == 0 {
		return nil
	}
	slices.Sort(vs)
	mid := len(vs) / 2
	out := float64(vs[mid])
	if len(vs)%2 == 0 {
		out = float64(vs[mid-1]+vs[mid]) / 2
	}
	return &out
}

// dayPullRequests are the pull-request totals of r's orgs on each of r's
// days with events, for the aggregate records: the database's counts by
// day, the medians over all the day's merges.
func dayPullRequests(ctx context.Context, src Source, r Request) (map[string]*pullRequests, error) {
	byDay := map[string]*merges{}
	err := src.EachMerge(ctx, r.query(), func(x store.Merge) error {
		if byDay[x.Day] == nil {
			byDay[x.Day] = &merges{}
		}
		byDay[x.Day].add(x)
		return nil
	})
	if err != nil {
		return nil, err
	}
	out := map[string]*pullRequests{}
	err = src.EachPullRequestCount(ctx, r.query(), false, func(c store.PullRequestCounts) error {
		p := pullRequestsOf(c, byDay[c.Day])
		out[c.Day] = &p
		return nil
	})
	return out, err
}

// writeRepos writes a line per repository of r's orgs with pull-request
// events on day r.From, in (org, repository id) order.
func writeRepos(ctx context.Context, w *bufio.Writer, src Source, r Request) error {
	repos, err := src.Repositories(ctx, r.OrgIDs)
	if err != nil {
		return err
	}
	byRepo := map[int64]*merges{}
	err = src.EachMerge(ctx, r.query(), func(x store.Merge) error {
		if byRepo[x.RepoID] == nil {
			byRepo[x.RepoID] = &merges{}
		}
		byRepo[x.RepoID].add(x)
		return nil
	})
	if err != nil {
		return err
	}
	enc := json.NewEncoder(w)
	return src.EachPullRequestCount(ctx, r.query(), true, func(c store.PullRequestCounts) error {
		repo := repos[c.RepoID]
		return enc.Encode(repoRecord{Day: c.Day, EnterpriseID: r.Scope.EnterpriseID, OrgID: strconv.FormatInt(c.OrgID, 10),
			RepoID: c.RepoID, Owner: repo.Owner, Name: repo.Name, Visibility: repo.Visibility,
			PullRequests: pullRequestsOf(c, byRepo[c.RepoID])})
	})
}
