package usage

import (
	"bufio"
	"context"
	"encoding/json"
	"slices"
	"strconv"

	"github.com/seatkeeper/seatkeeper"
)

// pullRequests is a repos-1-day record's pull_requests: the day's
// pull-request activity in one repository, as the field reference names
// it. A pull request counts once a day in each total whatever the number
// of its events (by its number); the medians are null when nothing
// merged.
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

// repoDay gathers one repository's events of the day, by pull request.
type repoDay struct {
	rec                                repoRecord
	created, reviewed, merged          map[int64]bool // by number: any event
	createdAgent, reviewedCopilot      map[int64]bool
	mergedAgent, mergedReview          map[int64]bool
	toMerge, toMergeAgent, toMergeRevd []int64 // the merges' minutes, a merged pull request each
}

func newRepoDay(rec repoRecord) *repoDay {
	return &repoDay{rec: rec, created: map[int64]bool{}, reviewed: map[int64]bool{}, merged: map[int64]bool{},
		createdAgent: map[int64]bool{}, reviewedCopilot: map[int64]bool{}, mergedAgent: map[int64]bool{}, mergedReview: map[int64]bool{}}
}

func (d *repoDay) add(e seatkeeper.PullRequestEvent) {
	p := &d.rec.PullRequests
	switch e.Action {
	case seatkeeper.PullRequestCreated:
		d.created[e.Number] = true
		if e.ByAgent {
			d.createdAgent[e.Number] = true
		}
	case seatkeeper.PullRequestReviewed:
		d.reviewed[e.Number] = true
		p.Suggestions += e.Suggestions
		p.AppliedSuggestions += e.AppliedSuggestions
		if e.ByCodeReview {
			d.reviewedCopilot[e.Number] = true
			p.CopilotSuggestions += e.Suggestions
			p.CopilotApplied += e.AppliedSuggestions
		}
	case seatkeeper.PullRequestMerged:
		// A pull request merges once: a second event of the day for it
		// is the same merge.
		if d.merged[e.Number] {
			return
		}
		d.merged[e.Number] = true
		d.toMerge = append(d.toMerge, e.MinutesToMerge)
		if e.ByAgent {
			d.mergedAgent[e.Number] = true
			d.toMergeAgent = append(d.toMergeAgent, e.MinutesToMerge)
		}
		if e.ByCodeReview {
			d.mergedReview[e.Number] = true
			d.toMergeRevd = append(d.toMergeRevd, e.MinutesToMerge)
		}
	}
}

// counts sets the record's totals from the pull requests seen.
func (d *repoDay) counts() *pullRequests {
	p := &d.rec.PullRequests
	p.Created, p.Reviewed, p.Merged = int64(len(d.created)), int64(len(d.reviewed)), int64(len(d.merged))
	p.CreatedByCopilot, p.ReviewedByCopilot = int64(len(d.createdAgent)), int64(len(d.reviewedCopilot))
	p.MergedCreatedByCopilot, p.MergedReviewedByCopilot = int64(len(d.mergedAgent)), int64(len(d.mergedReview))
	return p
}

func (d *repoDay) record() repoRecord {
	p := d.counts()
	p.MedianToMerge, p.MedianToMergeAuthored, p.MedianToMergeReviewed = median(d.toMerge), median(d.toMergeAgent), median(d.toMergeRevd)
	return d.rec
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

// dayPullRequests sums the pull-request activity of r's orgs on each of
// r's days, for the aggregate records: each repository's day counted as
// repos-1-day counts it, and the medians over all the day's merges. It
// holds one repository's day and the days' merge times.
func dayPullRequests(ctx context.Context, src Source, r Request) (map[string]*pullRequests, error) {
	type dayMerges struct{ all, agent, review []int64 }
	days := map[string]*pullRequests{}
	merges := map[string]*dayMerges{}
	var cur *repoDay
	flush := func() {
		if cur == nil {
			return
		}
		p, day := cur.counts(), cur.rec.Day
		t := days[day]
		if t == nil {
			t, merges[day] = &pullRequests{}, &dayMerges{}
			days[day] = t
		}
		t.Created += p.Created
		t.Reviewed += p.Reviewed
		t.Merged += p.Merged
		t.Suggestions += p.Suggestions
		t.AppliedSuggestions += p.AppliedSuggestions
		t.CreatedByCopilot += p.CreatedByCopilot
		t.ReviewedByCopilot += p.ReviewedByCopilot
		t.MergedCreatedByCopilot += p.MergedCreatedByCopilot
		t.MergedReviewedByCopilot += p.MergedReviewedByCopilot
		t.CopilotSuggestions += p.CopilotSuggestions
		t.CopilotApplied += p.CopilotApplied
		m := merges[day]
		m.all, m.agent, m.review = append(m.all, cur.toMerge...), append(m.agent, cur.toMergeAgent...), append(m.review, cur.toMergeRevd...)
	}
	err := src.EachPullRequest(ctx, r.query(), func(_ int64, e seatkeeper.PullRequestEvent) error {
		day := e.At.UTC().Format(seatkeeper.DateLayout)
		if cur == nil || cur.rec.RepoID != e.RepoID || cur.rec.Day != day {
			flush()
			cur = newRepoDay(repoRecord{Day: day, RepoID: e.RepoID})
		}
		cur.add(e)
		return nil
	})
	if err != nil {
		return nil, err
	}
	flush()
	for day, t := range days {
		m := merges[day]
		t.MedianToMerge, t.MedianToMergeAuthored, t.MedianToMergeReviewed = median(m.all), median(m.agent), median(m.review)
	}
	return days, nil
}

// writeRepos writes a line per repository of r's orgs with pull-request
// activity on day r.From, in (org, repository id) order, one repository
// in memory at a time.
func writeRepos(ctx context.Context, w *bufio.Writer, src Source, r Request) error {
	enc := json.NewEncoder(w)
	var cur *repoDay
	flush := func() error {
		if cur == nil {
			return nil
		}
		return enc.Encode(cur.record())
	}
	err := src.EachPullRequest(ctx, r.query(), func(orgID int64, e seatkeeper.PullRequestEvent) error {
		if cur == nil || cur.rec.RepoID != e.RepoID {
			if err := flush(); err != nil {
				return err
			}
			cur = newRepoDay(repoRecord{Day: r.From, EnterpriseID: r.Scope.EnterpriseID, OrgID: strconv.FormatInt(orgID, 10),
				RepoID: e.RepoID, Owner: e.Owner, Name: e.Repository, Visibility: e.Visibility})
		}
		cur.add(e)
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
