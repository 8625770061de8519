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

// repoDay gathers one repository's events of the day, which come in
// (number, time) order: a pull request's events one after another, so
// that each counts once a day in each total.
type repoDay struct {
	rec                                repoRecord
	pr                                 prDay   // the pull request being read
	toMerge, toMergeAgent, toMergeRevd []int64 // the merges' minutes, a merged pull request each
}

// prDay is what one pull request did on the day.
type prDay struct {
	number                                       int64
	created, createdAgent, reviewed, reviewedBot bool
	merged, mergedAgent, mergedReview            bool
	minutes                                      int64
}

func newRepoDay(rec repoRecord) *repoDay { return &repoDay{rec: rec} }

func (d *repoDay) add(e seatkeeper.PullRequestEvent) {
	if e.Number != d.pr.number {
		d.done()
		d.pr = prDay{number: e.Number}
	}
	p, pr := &d.rec.PullRequests, &d.pr
	switch e.Action {
	case seatkeeper.PullRequestCreated:
		pr.created = true
		pr.createdAgent = pr.createdAgent || e.ByAgent
	case seatkeeper.PullRequestReviewed:
		pr.reviewed = true
		p.Suggestions += e.Suggestions
		p.AppliedSuggestions += e.AppliedSuggestions
		if e.ByCodeReview {
			pr.reviewedBot = true
			p.CopilotSuggestions += e.Suggestions
			p.CopilotApplied += e.AppliedSuggestions
		}
	case seatkeeper.PullRequestMerged:
		// A pull request merges once: a later event of the day for it is
		// the same merge.
		if !pr.merged {
			pr.merged, pr.mergedAgent, pr.mergedReview, pr.minutes = true, e.ByAgent, e.ByCodeReview, e.MinutesToMerge
		}
	}
}

// done counts the pull request read so far.
func (d *repoDay) done() {
	p, pr := &d.rec.PullRequests, d.pr
	if pr.number == 0 {
		return
	}
	count := func(n *int64, yes bool) {
		if yes {
			*n++
		}
	}
	count(&p.Created, pr.created)
	count(&p.CreatedByCopilot, pr.createdAgent)
	count(&p.Reviewed, pr.reviewed)
	count(&p.ReviewedByCopilot, pr.reviewedBot)
	count(&p.Merged, pr.merged)
	count(&p.MergedCreatedByCopilot, pr.mergedAgent)
	count(&p.MergedReviewedByCopilot, pr.mergedReview)
	if pr.merged {
		d.toMerge = append(d.toMerge, pr.minutes)
		if pr.mergedAgent {
			d.toMergeAgent = append(d.toMergeAgent, pr.minutes)
		}
		if pr.mergedReview {
			d.toMergeRevd = append(d.toMergeRevd, pr.minutes)
		}
	}
	d.pr = prDay{}
}

// counts sets the record's totals from the pull requests read.
func (d *repoDay) counts() *pullRequests {
	d.done()
	return &d.rec.PullRequests
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
	repos, err := src.Repositories(ctx, r.OrgIDs)
	if err != nil {
		return err
	}
	var cur *repoDay
	flush := func() error {
		if cur == nil {
			return nil
		}
		return enc.Encode(cur.record())
	}
	err = src.EachPullRequest(ctx, r.query(), func(orgID int64, e seatkeeper.PullRequestEvent) error {
		if cur == nil || cur.rec.RepoID != e.RepoID {
			if err := flush(); err != nil {
				return err
			}
			repo := repos[e.RepoID]
			cur = newRepoDay(repoRecord{Day: r.From, EnterpriseID: r.Scope.EnterpriseID, OrgID: strconv.FormatInt(orgID, 10),
				RepoID: e.RepoID, Owner: repo.Owner, Name: repo.Name, Visibility: repo.Visibility})
		}
		cur.add(e)
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}
