package usage

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Source is where reports read recorded usage: a *store.Store's daily
// roll-ups, never the usage events, and the pull-request events' counts.
type Source interface {
	EachUserDayUsage(ctx context.Context, q store.UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error
	EachDayUsage(ctx context.Context, q store.UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error
	EachDaySum(ctx context.Context, q store.UsageQuery, fn func(store.DaySum) error) error
	ActiveCounts(ctx context.Context, q store.UsageQuery) ([]store.ActiveCount, error)
	EachUserTeam(ctx context.Context, q store.UsageQuery, fn func(store.UserTeam) error) error
	EachPullRequestCount(ctx context.Context, q store.UsageQuery, byRepo bool, fn func(store.PullRequestCounts) error) error
	EachMerge(ctx context.Context, q store.UsageQuery, fn func(store.Merge) error) error
	Repositories(ctx context.Context, orgIDs []int64) (map[int64]store.Repository, error)
}

// Request names a report file: per-user records or the scope's
// aggregate, over the days From to To. A Window aggregate is one record
// with the days' day_totals (the 28-day reports); otherwise each day's
// aggregate is its own line.
type Request struct {
	Users    bool
	Teams    bool // the user-teams records of day From
	Repos    bool // the repositories' pull-request records of day From
	Window   bool
	Scope    Scope
	OrgIDs   []int64
	From, To string
	// EnterpriseID is the enterprise of an enterprise's report (0 for an
	// org's): the usage recorded at the enterprise itself counts with its
	// orgs', and its user-teams records list its own teams.
	EnterpriseID int64
	// PullRequests: the aggregate records carry the day's pull_requests
	// (the 1-day reports'; the 28-day reports and the dashboard's pages
	// leave them out: counting 28 days of pull requests costs seconds).
	PullRequests bool
}

// query selects the usage r reports.
func (r Request) query() store.UsageQuery {
	return store.UsageQuery{OrgIDs: r.OrgIDs, EnterpriseID: r.EnterpriseID, From: r.From, To: r.To}
}

// Write writes the report's NDJSON to w as it reads the roll-ups: per-user
// records one (day, user) at a time, aggregates from the orgs' daily
// sums and the kept active-user counts (store.ActiveCounts), so that
// memory does not grow with the seats.
func Write(ctx context.Context, w io.Writer, src Source, r Request) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	var err error
	switch {
	case r.Repos:
		err = writeRepos(ctx, bw, src, r)
	case r.Teams:
		err = writeUserTeams(ctx, bw, src, r)
	case r.Users:
		err = writeUsers(ctx, bw, src, r)
	default:
		err = writeAggregates(ctx, bw, src, r)
	}
	if err != nil {
		return err
	}
	return bw.Flush()
}

func writeUsers(ctx context.Context, w *bufio.Writer, src Source, r Request) error {
	enc := json.NewEncoder(w)
	var cur *userRecord
	flush := func() error {
		if cur == nil {
			return nil
		}
		cur.totals.sort()
		cur.UsedAgent, cur.UsedChat, cur.UsedCLI = cur.usedAgent, cur.usedChat, cur.usedCLI
		return enc.Encode(cur)
	}
	err := src.EachUserDayUsage(ctx, r.query(), func(day string, e seatkeeper.UsageEvent) error {
		if cur == nil || cur.Day != day || cur.UserID != e.UserID {
			if err := flush(); err != nil {
				return err
			}
			cur = &userRecord{Day: day, Scope: r.Scope, UserID: e.UserID, UserLogin: e.Login, totals: newTotals()}
		}
		cur.add(e, true)
		return nil
	})
	if err != nil {
		return err
	}
	return flush()
}

// userTeam is a line of the user-teams reports: one of an active user's
// teams on the day.
type userTeam struct {
	Day string `json:"day"`
	Scope
	UserID    int64  `json:"user_id"`
	UserLogin string `json:"user_login"`
	TeamID    int64  `json:"team_id"`
	Slug      string `json:"slug"`
}

// writeUserTeams writes a line per team of each user with usage on the
// day, for joining with the users-1-day records by user_id.
func writeUserTeams(ctx context.Context, w *bufio.Writer, src Source, r Request) error {
	enc := json.NewEncoder(w)
	return src.EachUserTeam(ctx, r.query(), func(t store.UserTeam) error {
		return enc.Encode(userTeam{Day: r.From, Scope: r.Scope, UserID: t.UserID, UserLogin: t.Login, TeamID: t.TeamID, Slug: t.Slug})
	})
}

// dayRecords are the scope's aggregate records for each day from r.From
// to r.To, in day order. The totals are summed by the database, by day,
// feature, IDE, language and model; the active users are the store's kept
// counts (store.ActiveCounts).
func dayRecords(ctx context.Context, src Source, r Request) ([]dayRecord, error) {
	acts, err := src.ActiveCounts(ctx, r.query())
	if err != nil {
		return nil, err
	}
	days := map[string]*totals{}
	err = src.EachDayUsage(ctx, r.query(), func(day string, e seatkeeper.UsageEvent) error {
		t := days[day]
		if t == nil {
			nt := newTotals()
			t = &nt
			days[day] = t
		}
		t.add(e, false)
		return nil
	})
	if err != nil {
		return nil, err
	}
	var prs map[string]*pullRequests
	if r.PullRequests {
		if prs, err = dayPullRequests(ctx, src, r); err != nil {
			return nil, err
		}
	}
	var out []dayRecord
	err = eachDay(r.From, r.To, func(day string) error {
		a := acts[len(out)]
		rec := dayRecord{Day: day, Scope: r.Scope, totals: newTotals()}
		if t := days[day]; t != nil {
			rec.totals = *t
		}
		rec.DailyActiveUsers, rec.WeeklyActiveUsers, rec.MonthlyActiveUsers = a.Daily, a.Weekly, a.Monthly
		rec.MonthlyActiveChatUsers, rec.MonthlyActiveAgentUsers = a.Chat, a.Agent
		if a.CLI > 0 {
			cli := a.CLI
			rec.DailyActiveCLIUsers = &cli
		}
		if r.PullRequests {
			rec.PullRequests = &pullRequests{}
			if p := prs[day]; p != nil {
				rec.PullRequests = p
			}
		}
		rec.totals.sort()
		out = append(out, rec)
		return nil
	})
	return out, err
}

// writeAggregates writes the scope's aggregate records for each day from
// r.From to r.To (dayRecords): a line each, or (Window) one record with
// day_totals.
func writeAggregates(ctx context.Context, w *bufio.Writer, src Source, r Request) error {
	recs, err := dayRecords(ctx, src, r)
	if err != nil {
		return err
	}
	if r.Window {
		head, err := json.Marshal(struct {
			Start string `json:"report_start_day"`
			End   string `json:"report_end_day"`
			Scope
		}{r.From, r.To, r.Scope})
		if err != nil {
			return err
		}
		w.Write(head[:len(head)-1])
		w.WriteString(`,"day_totals":[`)
	}
	for i, rec := range recs {
		b, err := json.Marshal(rec)
		if err != nil {
			return err
		}
		if r.Window && i > 0 {
			w.WriteByte(',')
		}
		w.Write(b)
		if !r.Window {
			w.WriteByte('\n')
		}
	}
	if r.Window {
		_, err = w.WriteString("]}\n")
	}
	return err
}

// eachDay calls fn with each day from from to to, inclusive.
func eachDay(from, to string, fn func(day string) error) error {
	t, err := time.Parse(seatkeeper.DateLayout, from)
	if err != nil {
		return err
	}
	for ; ; t = t.AddDate(0, 0, 1) {
		d := t.Format(seatkeeper.DateLayout)
		if d > to {
			return nil
		}
		if err := fn(d); err != nil {
			return err
		}
	}
}
