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
	ActiveUsers(ctx context.Context, q store.UsageQuery, features ...string) (int, error)
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
// records one (day, user) at a time, aggregates one day at a time, so
// memory does not grow with the seats.
func Write(ctx context.Context, w io.Writer, src Source, r Request) error {
	bw := bufio.NewWriterSize(w, 32<<10)
	var err error
	switch {
	case r.Users:
		err = writeUsers(ctx, bw, src, r)
	case r.Window:
		err = writeWindow(ctx, bw, src, r)
	default:
		err = eachDay(r.From, r.To, func(day string) error { return writeDay(ctx, bw, src, r, day, true) })
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

// writeDay writes one day's aggregate record (a line when line is set).
func writeDay(ctx context.Context, w *bufio.Writer, src Source, r Request, day string, line bool) error {
	rec := dayRecord{Day: day, Scope: r.Scope, totals: newTotals()}
	var lastIDE, lastCLI int64
	cli := 0
	err := src.EachUsage(ctx, store.UsageQuery{OrgIDs: r.OrgIDs, From: day, To: day}, func(_ string, e seatkeeper.UsageEvent) error {
		// Events come in user order: a user is counted at their first.
		if e.Feature == seatkeeper.FeatureCLI {
			if e.UserID != lastCLI {
				cli++
				lastCLI = e.UserID
			}
		} else if e.UserID != lastIDE {
			rec.DailyActiveUsers++
			lastIDE = e.UserID
		}
		rec.add(e, false)
		return nil
	})
	if err != nil {
		return err
	}
	if cli > 0 {
		rec.DailyActiveCLIUsers = &cli
	}
	t, _ := time.Parse(seatkeeper.DateLayout, day)
	since := func(days int) string { return t.AddDate(0, 0, -days+1).Format(seatkeeper.DateLayout) }
	for _, c := range []struct {
		n        *int
		days     int
		features []string
	}{
		{&rec.WeeklyActiveUsers, 7, ideFeatures},
		{&rec.MonthlyActiveUsers, 28, ideFeatures},
		{&rec.MonthlyActiveChatUsers, 28, chatFeatures},
		{&rec.MonthlyActiveAgentUsers, 28, agentFeatures},
	} {
		if *c.n, err = src.ActiveUsers(ctx, store.UsageQuery{OrgIDs: r.OrgIDs, From: since(c.days), To: day}, c.features...); err != nil {
			return err
		}
	}
	rec.totals.sort()
	b, err := json.Marshal(rec)
	if err != nil {
		return err
	}
	w.Write(b)
	if line {
		w.WriteByte('\n')
	}
	return nil
}

func writeWindow(ctx context.Context, w *bufio.Writer, src Source, r Request) error {
	head := struct {
		Start string `json:"report_start_day"`
		End   string `json:"report_end_day"`
		Scope
	}{r.From, r.To, r.Scope}
	b, err := json.Marshal(head)
	if err != nil {
		return err
	}
	w.Write(b[:len(b)-1])
	w.WriteString(`,"day_totals":[`)
	first := true
	err = eachDay(r.From, r.To, func(day string) error {
		if !first {
			w.WriteByte(',')
		}
		first = false
		return writeDay(ctx, w, src, r, day, false)
	})
	if err != nil {
		return err
	}
	_, err = w.WriteString("]}\n")
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

// The features each active-user count counts: the IDE's (the CLI is
// counted apart, as on GitHub), chat's and agents'.
var ideFeatures, chatFeatures, agentFeatures = func() (ide, chat, agent []string) {
	for _, f := range seatkeeper.Features {
		e := seatkeeper.UsageEvent{Feature: f}
		if f != seatkeeper.FeatureCLI {
			ide = append(ide, f)
		}
		if e.UsedChat() {
			chat = append(chat, f)
		}
		if e.UsedAgent() {
			agent = append(agent, f)
		}
	}
	return
}()
