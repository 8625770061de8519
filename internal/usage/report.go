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

// Source is where reports read recorded usage: a *store.Store.
type Source interface {
	EachUsage(ctx context.Context, q store.UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error
	EachUsageSum(ctx context.Context, q store.UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error
	EachUserDay(ctx context.Context, q store.UsageQuery, classes [4][]string, fn func(store.UserDay) error) error
}

// Request names a report file: per-user records or the scope's
// aggregate, over the days From to To. A Window aggregate is one record
// with the days' day_totals (the 28-day reports); otherwise each day's
// aggregate is its own line.
type Request struct {
	Users    bool
	Window   bool
	Scope    Scope
	OrgIDs   []int64
	From, To string
}

// Write writes the report's NDJSON to w as it reads the events: per-user
// records one (day, user) at a time, so memory does not grow with the
// seats; aggregates from the database's sums, with the active-user
// counts keeping a few bytes per active user (countActives).
func Write(ctx context.Context, w io.Writer, src Source, r Request) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	var err error
	if r.Users {
		err = writeUsers(ctx, bw, src, r)
	} else {
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
	err := src.EachUsage(ctx, store.UsageQuery{OrgIDs: r.OrgIDs, From: r.From, To: r.To}, func(day string, e seatkeeper.UsageEvent) error {
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

// dayActives are a day's active-user counts.
type dayActives struct{ daily, cli, weekly, monthly, chat, agent int }

// The feature classes of the active-user counts: the IDE's (the CLI is
// counted apart, as on GitHub), chat's, agents', and the CLI's.
const (
	classIDE = iota
	classChat
	classAgent
	classCLI
)

// countActives reads each (day, user) once, from 27 days before r.From
// to r.To, and counts each day's daily, weekly (7 days) and monthly (28
// days) active users. It keeps, per active user, the last day they used
// each class of features, and how many users last used it on each day.
func countActives(ctx context.Context, src Source, r Request) (map[string]dayActives, error) {
	first, err := time.Parse(seatkeeper.DateLayout, r.From)
	if err != nil {
		return nil, err
	}
	first = first.AddDate(0, 0, -27)
	end, err := time.Parse(seatkeeper.DateLayout, r.To)
	if err != nil {
		return nil, err
	}
	n := int(end.Sub(first)/(24*time.Hour)) + 1
	var hist [3][]int
	for c := range hist {
		hist[c] = make([]int, n)
	}
	last := map[int64]*[3]int32{} // day index + 1 of each class's last use; 0 for none
	out := map[string]dayActives{}
	cur, daily, cli := 0, 0, 0
	sum := func(c, k, days int) int {
		t := 0
		for j := max(0, k-days+1); j <= k; j++ {
			t += hist[c][j]
		}
		return t
	}
	finish := func() {
		day := first.AddDate(0, 0, cur).Format(seatkeeper.DateLayout)
		if day >= r.From {
			out[day] = dayActives{daily: daily, cli: cli, weekly: sum(classIDE, cur, 7), monthly: sum(classIDE, cur, 28),
				chat: sum(classChat, cur, 28), agent: sum(classAgent, cur, 28)}
		}
		cur, daily, cli = cur+1, 0, 0
	}
	q := store.UsageQuery{OrgIDs: r.OrgIDs, From: first.Format(seatkeeper.DateLayout), To: r.To}
	err = src.EachUserDay(ctx, q, featureClasses, func(d store.UserDay) error {
		t, err := time.Parse(seatkeeper.DateLayout, d.Day)
		if err != nil {
			return err
		}
		for k := int(t.Sub(first) / (24 * time.Hour)); cur < k; {
			finish()
		}
		if d.Used[classIDE] {
			daily++
		}
		if d.Used[classCLI] {
			cli++
		}
		l := last[d.UserID]
		if l == nil {
			l = new([3]int32)
			last[d.UserID] = l
		}
		for c := range hist {
			if d.Used[c] {
				if l[c] > 0 {
					hist[c][l[c]-1]--
				}
				l[c] = int32(cur + 1)
				hist[c][cur]++
			}
		}
		return nil
	})
	for cur < n {
		finish()
	}
	return out, err
}

// dayRecords are the scope's aggregate records for each day from r.From
// to r.To, in day order. The totals are summed by the database, by day,
// feature, IDE, language and model; the active users are counted by
// countActives. The reports and the dashboard's usage page read them.
func dayRecords(ctx context.Context, src Source, r Request) ([]dayRecord, error) {
	acts, err := countActives(ctx, src, r)
	if err != nil {
		return nil, err
	}
	days := map[string]*totals{}
	err = src.EachUsageSum(ctx, store.UsageQuery{OrgIDs: r.OrgIDs, From: r.From, To: r.To}, func(day string, e seatkeeper.UsageEvent) error {
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
	var out []dayRecord
	err = eachDay(r.From, r.To, func(day string) error {
		rec := dayRecord{Day: day, Scope: r.Scope, totals: newTotals()}
		if t := days[day]; t != nil {
			rec.totals = *t
		}
		a := acts[day]
		rec.DailyActiveUsers, rec.WeeklyActiveUsers, rec.MonthlyActiveUsers = a.daily, a.weekly, a.monthly
		rec.MonthlyActiveChatUsers, rec.MonthlyActiveAgentUsers = a.chat, a.agent
		if a.cli > 0 {
			cli := a.cli
			rec.DailyActiveCLIUsers = &cli
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

// featureClasses are the features of each class, in class order.
var featureClasses = func() (c [4][]string) {
	for _, f := range seatkeeper.Features {
		e := seatkeeper.UsageEvent{Feature: f}
		if f == seatkeeper.FeatureCLI {
			c[classCLI] = append(c[classCLI], f)
		} else {
			c[classIDE] = append(c[classIDE], f)
		}
		if e.UsedChat() {
			c[classChat] = append(c[classChat], f)
		}
		if e.UsedAgent() {
			c[classAgent] = append(c[classAgent], f)
		}
	}
	return c
}()
