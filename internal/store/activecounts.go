package store

import (
	"context"
	"fmt"
	"maps"
	"math"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// The aggregate reports' active-user counts of each day, kept per owner
// (migration 0016): AddUsage adds what its events change to them, from
// the active-day masks before and after the write; CountActiveUsers makes
// them again from the masks. An enterprise's counts are its owners'
// summed, corrected for the users active in more than one of them
// (copilot_usage_shared_users), who count once.

// ActiveCount is a day's active users, as the aggregate reports count
// them: Daily used an IDE feature that day and CLI the CLI; Weekly used an
// IDE feature in the 7 days to it, Monthly in the 28, Chat and Agent chat
// and agent features in the 28.
type ActiveCount struct{ Daily, CLI, Weekly, Monthly, Chat, Agent int }

func (a *ActiveCount) add(b ActiveCount, sign int) {
	a.Daily += sign * b.Daily
	a.CLI += sign * b.CLI
	a.Weekly += sign * b.Weekly
	a.Monthly += sign * b.Monthly
	a.Chat += sign * b.Chat
	a.Agent += sign * b.Agent
}

func (a ActiveCount) values() []any {
	return []any{a.Daily, a.CLI, a.Weekly, a.Monthly, a.Chat, a.Agent}
}

// activeBack is how many days before a day its counts look back: the
// monthly counts' 28 days are the day and the 27 before it.
const activeBack = 27

// masks are a user's active-day masks in one owner, period First on: by
// period, by class (seatkeeper.UsageClasses), bit i for the period's day i.
type masks struct {
	First   int64
	Periods [][4]int64
}

// used reports whether the user used class c on day d.
func (m *masks) used(c int, d int64) bool {
	if d < 0 {
		return false
	}
	i := d/32 - m.First
	if i < 0 || i >= int64(len(m.Periods)) {
		return false
	}
	return m.Periods[i][c]>>(d%32)&1 != 0
}

// set ors period p's class masks in, growing the periods as needed.
func (m *masks) set(p int64, ms [4]int64) {
	if len(m.Periods) == 0 {
		m.First = p
	}
	for p < m.First {
		m.Periods = slices.Insert(m.Periods, 0, [4]int64{})
		m.First--
	}
	for p-m.First >= int64(len(m.Periods)) {
		m.Periods = append(m.Periods, [4]int64{})
	}
	for c := range ms {
		m.Periods[p-m.First][c] |= ms[c]
	}
}

// days are the first and last days with a bit set, ok false for none.
func (m *masks) days() (first, last int64, ok bool) {
	first, last = math.MaxInt64, math.MinInt64
	for i, ms := range m.Periods {
		for _, x := range ms {
			for bit := range int64(32) {
				if x>>bit&1 != 0 {
					d := (m.First+int64(i))*32 + bit
					first, last, ok = min(first, d), max(last, d), true
				}
			}
		}
	}
	return first, last, ok
}

// countDays calls fn with each day from first to last on which the user
// of m counts in the active users, and how: the one home of the rule the
// kept counts follow.
func (m *masks) countDays(first, last int64, fn func(day int64, a ActiveCount)) {
	seen := [4]int64{math.MinInt64 / 2, math.MinInt64 / 2, math.MinInt64 / 2, math.MinInt64 / 2}
	for d := first - activeBack; d <= last; d++ {
		for c := range seen {
			if m.used(c, d) {
				seen[c] = d
			}
		}
		if d < first {
			continue
		}
		var a ActiveCount
		ide := d - seen[seatkeeper.ClassIDE]
		if ide == 0 {
			a.Daily = 1
		}
		if seen[seatkeeper.ClassCLI] == d {
			a.CLI = 1
		}
		if ide < 7 {
			a.Weekly = 1
		}
		if ide <= activeBack {
			a.Monthly = 1
		}
		if d-seen[seatkeeper.ClassChat] <= activeBack {
			a.Chat = 1
		}
		if d-seen[seatkeeper.ClassAgent] <= activeBack {
			a.Agent = 1
		}
		if a != (ActiveCount{}) {
			fn(d, a)
		}
	}
}

// countActive adds the users' changes, from old to now, to an owner's
// kept counts: for each user, the days from their first added day to 27
// days after their last counted with the masks now, less as counted
// before. added holds each user's days added by the write; old is read
// from copilot_usage_active_days before the write.
func (tx *Tx) countActive(ctx context.Context, scope UsageScope, added map[int64]*masks) error {
	if len(added) == 0 {
		return nil
	}
	// The periods whose days the changed counts look at.
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	span := map[int64][2]int64{} // user → first and last day changed
	for id, m := range added {
		first, last, ok := m.days()
		if !ok {
			continue
		}
		span[id] = [2]int64{first, last + activeBack}
		lo, hi = min(lo, (first-activeBack)/32), max(hi, (last+activeBack)/32)
	}
	ids := slices.Sorted(maps.Keys(span))
	old := map[int64]*masks{}
	for p := lo; p <= hi; p++ {
		err := inBatches(len(ids), func(a, b int) error {
			args := []any{scope.owner(), p}
			for _, id := range ids[a:b] {
				args = append(args, id)
			}
			return queryEach(ctx, tx.ops, func(sc interface{ Scan(...any) error }) (struct{}, error) {
				var id int64
				var ms [4]int64
				if err := sc.Scan(&id, &ms[0], &ms[1], &ms[2], &ms[3]); err != nil {
					return struct{}{}, err
				}
				if old[id] == nil {
					old[id] = &masks{}
				}
				old[id].set(p, ms)
				return struct{}{}, nil
			}, func(struct{}) error { return nil }, `SELECT user_id, ide_days, chat_days, agent_days, cli_days FROM copilot_usage_active_days
				WHERE owner = ? AND period = ? AND user_id IN (`+marks(b-a)+`)`, args...)
		})
		if err != nil {
			return err
		}
	}
	delta := map[int64]*ActiveCount{}
	count := func(m *masks, first, last int64, sign int) {
		m.countDays(first, last, func(d int64, a ActiveCount) {
			if delta[d] == nil {
				delta[d] = &ActiveCount{}
			}
			delta[d].add(a, sign)
		})
	}
	for _, id := range ids {
		before, now := old[id], &masks{}
		if before == nil {
			before = &masks{}
		}
		for i, ms := range before.Periods {
			now.set(before.First+int64(i), ms)
		}
		for i, ms := range added[id].Periods {
			now.set(added[id].First+int64(i), ms)
		}
		s := span[id]
		count(now, s[0], s[1], 1)
		count(before, s[0], s[1], -1)
	}
	return tx.addActiveCounts(ctx, scope, delta)
}

// addActiveCounts adds counts to an owner's kept rows, by day.
func (tx *Tx) addActiveCounts(ctx context.Context, scope UsageScope, counts map[int64]*ActiveCount) error {
	owner := append([]any{scope.owner()}, scope.ids()...)
	var rows [][]any
	for _, d := range slices.Sorted(maps.Keys(counts)) {
		if a := counts[d]; *a != (ActiveCount{}) {
			rows = append(rows, append(append(owner[:3:3], d), a.values()...))
		}
	}
	return tx.insertRowsThen(ctx, "copilot_usage_active_counts AS t", activeCountCols, rows,
		` ON CONFLICT (owner, day) DO UPDATE SET daily = t.daily + excluded.daily, cli = t.cli + excluded.cli,
		weekly = t.weekly + excluded.weekly, monthly = t.monthly + excluded.monthly, chat = t.chat + excluded.chat,
		agent = t.agent + excluded.agent`)
}

const activeCountCols = ownerCols + ", day, daily, cli, weekly, monthly, chat, agent"

// markShared records which of ids now have active days in an owner
// other than scope's.
func (tx *Tx) markShared(ctx context.Context, scope UsageScope, ids []int64) error {
	return inBatches(len(ids), func(a, b int) error {
		args := []any{}
		for _, id := range ids[a:b] {
			args = append(args, id)
		}
		_, err := tx.exec(ctx, `INSERT INTO copilot_usage_shared_users (user_id)
			SELECT DISTINCT user_id FROM copilot_usage_active_days WHERE user_id IN (`+marks(b-a)+`) AND owner <> ?
			ON CONFLICT (user_id) DO NOTHING`, append(args, scope.owner())...)
		if err != nil {
			return fmt.Errorf("store: shared users: %w", err)
		}
		return nil
	})
}

// CountActiveUsers makes the kept counts and the shared users again from
// copilot_usage_active_days: the migration that adds them fills them so,
// as RollUpUsage does.
func (tx *Tx) CountActiveUsers(ctx context.Context) error {
	for _, q := range []string{`DELETE FROM copilot_usage_active_counts`, `DELETE FROM copilot_usage_shared_users`,
		`INSERT INTO copilot_usage_shared_users (user_id) SELECT user_id FROM copilot_usage_active_days
			GROUP BY user_id HAVING COUNT(DISTINCT owner) > 1`} {
		if _, err := tx.exec(ctx, q); err != nil {
			return fmt.Errorf("store: counting active users: %w", err)
		}
	}
	type key struct{ owner, user int64 }
	var cur key
	m := &masks{}
	counts := map[int64]*ActiveCount{}
	flush := func() error {
		if first, last, ok := m.days(); ok {
			m.countDays(first, last+activeBack, func(d int64, a ActiveCount) {
				if counts[d] == nil {
					counts[d] = &ActiveCount{}
				}
				counts[d].add(a, 1)
			})
		}
		m = &masks{}
		return nil
	}
	owner := int64(0)
	write := func() error {
		if len(counts) == 0 {
			return nil
		}
		scope := UsageScope{OrgID: owner}
		if owner < 0 {
			scope = UsageScope{EnterpriseID: -owner}
		}
		err := tx.addActiveCounts(ctx, scope, counts)
		counts = map[int64]*ActiveCount{}
		return err
	}
	// Read whole first: the counts are written on the same connection.
	type row struct {
		key
		period int64
		ms     [4]int64
	}
	rows, err := queryAll(ctx, tx.ops, func(sc interface{ Scan(...any) error }) (row, error) {
		var r row
		return r, sc.Scan(&r.owner, &r.user, &r.period, &r.ms[0], &r.ms[1], &r.ms[2], &r.ms[3])
	}, `SELECT owner, user_id, period, ide_days, chat_days, agent_days, cli_days FROM copilot_usage_active_days
		ORDER BY owner, user_id, period`)
	if err != nil {
		return fmt.Errorf("store: counting active users: %w", err)
	}
	for i, r := range rows {
		if i == 0 || r.key != cur {
			if err := flush(); err != nil {
				return err
			}
			if i == 0 || r.owner != owner {
				if err := write(); err != nil {
					return err
				}
				owner = r.owner
			}
			cur = r.key
		}
		m.set(r.period, r.ms)
	}
	if err := flush(); err != nil {
		return err
	}
	return write()
}

// ActiveCounts are the active users of q's orgs (and its enterprise's
// own, when set) on each day from q.From to q.To, in day order: the kept
// counts of q's owners summed, then, when q has more than one owner, each
// user active in more than one of them counted once.
func (o ops) ActiveCounts(ctx context.Context, q UsageQuery) ([]ActiveCount, error) {
	from, err := time.Parse(seatkeeper.DateLayout, q.From)
	if err != nil {
		return nil, err
	}
	to, err := time.Parse(seatkeeper.DateLayout, q.To)
	if err != nil {
		return nil, err
	}
	first, last := epochDay(from.Unix()), epochDay(to.Unix())
	if last < first {
		return nil, nil
	}
	out := make([]ActiveCount, last-first+1)
	if q.empty() {
		return out, nil
	}
	owners := q.owners()
	in := marks(len(owners))
	err = queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (struct{}, error) {
		var d int64
		var a ActiveCount
		if err := sc.Scan(&d, &a.Daily, &a.CLI, &a.Weekly, &a.Monthly, &a.Chat, &a.Agent); err != nil {
			return struct{}{}, err
		}
		out[d-first].add(a, 1)
		return struct{}{}, nil
	}, func(struct{}) error { return nil }, `SELECT day, CAST(SUM(daily) AS BIGINT), CAST(SUM(cli) AS BIGINT), CAST(SUM(weekly) AS BIGINT),
		CAST(SUM(monthly) AS BIGINT), CAST(SUM(chat) AS BIGINT), CAST(SUM(agent) AS BIGINT)
		FROM copilot_usage_active_counts WHERE owner IN (`+in+`) AND day >= ? AND day <= ? GROUP BY day`,
		append(slices.Clip(owners), first, last)...)
	if err != nil || len(owners) == 1 {
		return out, err
	}
	// The shared users' rows in q's owners, by user: each counted once
	// over the union of their days, not once per owner. SQLite: CROSS
	// JOIN reads the shared users first, each one's rows by the index
	// copilot_usage_active_days_user, never the owners' every row.
	type row struct {
		user, owner, period int64
		ms                  [4]int64
	}
	var user int64
	byOwner := map[int64]*masks{}
	correct := func() {
		if len(byOwner) > 1 {
			all := &masks{}
			for _, m := range byOwner {
				for i, ms := range m.Periods {
					all.set(m.First+int64(i), ms)
				}
				m.countDays(first, last, func(d int64, a ActiveCount) { out[d-first].add(a, -1) })
			}
			all.countDays(first, last, func(d int64, a ActiveCount) { out[d-first].add(a, 1) })
		}
		clear(byOwner)
	}
	err = queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (row, error) {
		var r row
		return r, sc.Scan(&r.user, &r.owner, &r.period, &r.ms[0], &r.ms[1], &r.ms[2], &r.ms[3])
	}, func(r row) error {
		if r.user != user {
			correct()
			user = r.user
		}
		if byOwner[r.owner] == nil {
			byOwner[r.owner] = &masks{}
		}
		byOwner[r.owner].set(r.period, r.ms)
		return nil
	}, `SELECT a.user_id, a.owner, a.period, a.ide_days, a.chat_days, a.agent_days, a.cli_days
		FROM copilot_usage_shared_users s CROSS JOIN copilot_usage_active_days a
		WHERE a.user_id = s.user_id AND a.owner IN (`+in+`) AND a.period >= ? AND a.period <= ? ORDER BY a.user_id`,
		append(slices.Clip(owners), (first-activeBack)/32, last/32)...)
	if err != nil {
		return nil, err
	}
	correct()
	return out, nil
}
