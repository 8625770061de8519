package store

import (
	"cmp"
	"context"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// The daily roll-ups of recorded usage (migration 0009): per user and day,
// per org and day, and the days each user was active. AddUsage keeps them
// with each write; RollUpUsage makes them again from the events.

// sumCols are the counters every roll-up sums, in sumsOf's order.
const sumCols = `generations, acceptances, loc_suggested_add, loc_suggested_delete, loc_added, loc_deleted,
	interactions, prompt_tokens, output_tokens, requests, sessions`

func sumsOf(e *seatkeeper.UsageEvent) []*int64 {
	return []*int64{&e.Generations, &e.Acceptances, &e.LOCSuggestedAdd, &e.LOCSuggestedDelete, &e.LOCAdded,
		&e.LOCDeleted, &e.Interactions, &e.PromptTokens, &e.OutputTokens, &e.Requests, &e.Sessions}
}

func addSums(to *seatkeeper.UsageEvent, e seatkeeper.UsageEvent) {
	for i, p := range sumsOf(&e) {
		*sumsOf(to)[i] += *p
	}
}

func sumValues(e seatkeeper.UsageEvent) []any {
	ps := sumsOf(&e)
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = *p
	}
	return out
}

// addedSums is the SET clause that adds a conflicting row's sums to table's.
func addedSums(table string) string {
	var b strings.Builder
	for i, c := range strings.Split(sumCols, ",") {
		c = strings.TrimSpace(c)
		if i > 0 {
			b.WriteString(", ")
		}
		b.WriteString(c + " = " + table + "." + c + " + excluded." + c)
	}
	return b.String()
}

// epochDay is the number of t's UTC day, counted from 1970-01-01; the
// active-day masks keep 32 days a row (period = day/32, bit = day%32).
func epochDay(unixSeconds int64) int64 { return unixSeconds / 86400 }

type rollKey struct {
	day                           string
	userID                        int64
	feature, ide, language, model string
}

func (k rollKey) compare(o rollKey) int {
	return cmp.Or(strings.Compare(k.day, o.day), cmp.Compare(k.userID, o.userID), strings.Compare(k.feature, o.feature),
		strings.Compare(k.ide, o.ide), strings.Compare(k.language, o.language), strings.Compare(k.model, o.model))
}

type activeKey struct{ userID, period int64 }

// rollUp adds events of one org to the roll-ups, folded in memory first
// so that each roll-up row is written once a call.
func (tx *Tx) rollUp(ctx context.Context, scope UsageScope, es []seatkeeper.UsageEvent) error {
	owner := append([]any{scope.owner()}, scope.ids()...)
	users := map[rollKey]*seatkeeper.UsageEvent{}
	days := map[rollKey]*seatkeeper.UsageEvent{}
	actives := map[activeKey]*[4]int64{}
	for _, e := range es {
		k := rollKey{e.At.UTC().Format(seatkeeper.DateLayout), e.UserID, e.Feature, e.IDE, e.Language, e.Model}
		if u := users[k]; u == nil {
			c := e
			users[k] = &c
		} else {
			addSums(u, e)
			if e.Newer(*u) {
				u.At, u.IDEVersion, u.Plugin, u.PluginVersion = e.At, e.IDEVersion, e.Plugin, e.PluginVersion
			}
		}
		k.userID = 0
		if d := days[k]; d == nil {
			c := e
			days[k] = &c
		} else {
			addSums(d, e)
		}
		n := epochDay(unix(e.At))
		a := actives[activeKey{e.UserID, n / 32}]
		if a == nil {
			a = new([4]int64)
			actives[activeKey{e.UserID, n / 32}] = a
		}
		for c, in := range e.Classes() {
			if in {
				a[c] |= 1 << (n % 32)
			}
		}
	}
	// Rows in key order: concurrent writers lock them in the same order.
	rows := make([][]any, 0, len(users))
	for _, k := range slices.SortedFunc(maps.Keys(users), rollKey.compare) {
		e := users[k]
		rows = append(rows, append(append(append(owner[:3:3], k.day, k.userID, k.feature, k.ide, k.language, k.model), sumValues(*e)...),
			unix(e.At), e.IDEVersion, e.Plugin, e.PluginVersion))
	}
	newer := `excluded.last_at > t.last_at OR excluded.last_at = t.last_at AND
		(excluded.ide_version` + tx.byteOrder() + `, excluded.plugin` + tx.byteOrder() + `, excluded.plugin_version` + tx.byteOrder() + `) >
		(t.ide_version` + tx.byteOrder() + `, t.plugin` + tx.byteOrder() + `, t.plugin_version` + tx.byteOrder() + `)`
	err := tx.insertRowsThen(ctx, "copilot_usage_user_days AS t", userDayCols, rows,
		` ON CONFLICT (owner, day, user_id, feature, ide, language, model) DO UPDATE SET `+addedSums("t")+`,
		ide_version = CASE WHEN `+newer+` THEN excluded.ide_version ELSE t.ide_version END,
		plugin = CASE WHEN `+newer+` THEN excluded.plugin ELSE t.plugin END,
		plugin_version = CASE WHEN `+newer+` THEN excluded.plugin_version ELSE t.plugin_version END,
		last_at = CASE WHEN excluded.last_at > t.last_at THEN excluded.last_at ELSE t.last_at END`)
	if err != nil {
		return err
	}
	if err := tx.keepLastUsage(ctx, scope, es); err != nil {
		return err
	}
	rows = rows[:0]
	for _, k := range slices.SortedFunc(maps.Keys(days), rollKey.compare) {
		rows = append(rows, append(append(owner[:3:3], k.day, k.feature, k.ide, k.language, k.model), sumValues(*days[k])...))
	}
	err = tx.insertRowsThen(ctx, "copilot_usage_days AS t", dayCols, rows,
		` ON CONFLICT (owner, day, feature, ide, language, model) DO UPDATE SET `+addedSums("t"))
	if err != nil {
		return err
	}
	// The kept active-user counts, from the masks before the write.
	added := map[int64]*masks{}
	for k, a := range actives {
		if added[k.userID] == nil {
			added[k.userID] = &masks{}
		}
		added[k.userID].set(k.period, *a)
	}
	if err := tx.countActive(ctx, scope, added); err != nil {
		return err
	}
	rows = rows[:0]
	for _, k := range slices.SortedFunc(maps.Keys(actives), func(a, b activeKey) int {
		return cmp.Or(cmp.Compare(a.period, b.period), cmp.Compare(a.userID, b.userID))
	}) {
		a := actives[k]
		rows = append(rows, append(owner[:3:3], k.period, k.userID, a[0], a[1], a[2], a[3]))
	}
	err = tx.insertRowsThen(ctx, "copilot_usage_active_days AS t", activeCols, rows,
		` ON CONFLICT (owner, period, user_id) DO UPDATE SET ide_days = t.ide_days | excluded.ide_days,
		chat_days = t.chat_days | excluded.chat_days, agent_days = t.agent_days | excluded.agent_days,
		cli_days = t.cli_days | excluded.cli_days`)
	if err != nil {
		return err
	}
	return tx.markShared(ctx, scope, slices.Sorted(maps.Keys(added)))
}

// keepLastUsage keeps each user's latest event in the scope
// (copilot_usage_last) and, in an org, copies it onto their seat rows
// (last_used_at), which the seats idle by usage are counted from.
func (tx *Tx) keepLastUsage(ctx context.Context, scope UsageScope, es []seatkeeper.UsageEvent) error {
	last := map[int64]int64{}
	for _, e := range es {
		last[e.UserID] = max(last[e.UserID], unix(e.At))
	}
	users := slices.Sorted(maps.Keys(last))
	rows := make([][]any, len(users))
	for i, id := range users {
		rows[i] = []any{scope.owner(), id, last[id]}
	}
	err := tx.insertRowsThen(ctx, "copilot_usage_last AS t", "owner, user_id, last_at", rows,
		` ON CONFLICT (owner, user_id) DO UPDATE SET last_at = CASE WHEN excluded.last_at > t.last_at THEN excluded.last_at ELSE t.last_at END`)
	if err != nil {
		return fmt.Errorf("store: last usage: %w", err)
	}
	if scope.OrgID == 0 {
		return nil
	}
	tx.touchOrg(scope.OrgID)
	return inBatches(len(users), func(lo, hi int) error {
		args := make([]any, 0, 1+hi-lo)
		args = append(args, scope.OrgID)
		for _, id := range users[lo:hi] {
			args = append(args, id)
		}
		_, err := tx.exec(ctx, `UPDATE copilot_seats SET last_used_at = `+lastUsedOf+`
			WHERE org_id = ? AND user_id IN (`+marks(hi-lo)+`)`, args...)
		if err != nil {
			return fmt.Errorf("store: seat usage: %w", err)
		}
		return nil
	})
}

// lastUsedOf is a seat row's holder's latest usage event in its org, 0
// for none: what its last_used_at holds.
const lastUsedOf = `COALESCE((SELECT l.last_at FROM copilot_usage_last l
	WHERE l.owner = copilot_seats.org_id AND l.user_id = copilot_seats.user_id), 0)`

const (
	ownerCols   = "owner, org_id, enterprise_id"
	userDayCols = ownerCols + ", day, user_id, feature, ide, language, model, " + sumCols + ", last_at, ide_version, plugin, plugin_version"
	dayCols     = ownerCols + ", day, feature, ide, language, model, " + sumCols
	activeCols  = ownerCols + ", period, user_id, ide_days, chat_days, agent_days, cli_days"
)

// byteOrder makes a text comparison compare bytes, as Go does: SQLite's
// default; PostgreSQL's needs the C collation.
func (o ops) byteOrder() string {
	if o.d == Postgres {
		return ` COLLATE "C"`
	}
	return ""
}

// RollUpUsage makes the roll-ups again from the recorded events: the
// migration that adds them fills them so, and tests compare what the
// writes kept with it.
func (tx *Tx) RollUpUsage(ctx context.Context) error {
	var set [4]string
	var args []any
	for c, features := range seatkeeper.UsageClasses() {
		set[c] = `CAST(SUM(DISTINCT CASE WHEN feature IN (` + marks(len(features)) + `) THEN CAST(1 AS BIGINT) << CAST(at / 86400 % 32 AS INTEGER) ELSE 0 END) AS BIGINT)`
		for _, f := range features {
			args = append(args, f)
		}
	}
	owner := "COALESCE(org_id, -enterprise_id), org_id, enterprise_id"
	keys := "org_id, enterprise_id, day, user_id, feature, ide, language, model"
	var sums []string
	for _, c := range strings.Split(sumCols, ",") {
		c = strings.TrimSpace(c)
		sums = append(sums, "SUM("+c+") OVER w AS "+c)
	}
	b := tx.byteOrder()
	for _, q := range []struct {
		sql  string
		args []any
	}{
		{`DELETE FROM copilot_usage_user_days`, nil},
		{`DELETE FROM copilot_usage_days`, nil},
		{`DELETE FROM copilot_usage_active_days`, nil},
		{`DELETE FROM copilot_usage_last`, nil},
		{`INSERT INTO copilot_usage_user_days (` + userDayCols + `)
			SELECT COALESCE(org_id, -enterprise_id), ` + keys + `, ` + sumCols + `, at, ide_version, plugin, plugin_version FROM (
				SELECT ` + keys + `, ` + strings.Join(sums, ", ") + `, at, ide_version, plugin, plugin_version,
					ROW_NUMBER() OVER (w ORDER BY at DESC, ide_version` + b + ` DESC, plugin` + b + ` DESC, plugin_version` + b + ` DESC) AS n
				FROM copilot_usage WINDOW w AS (PARTITION BY ` + keys + `)) x
			WHERE n = 1`, nil},
		{`INSERT INTO copilot_usage_days (` + dayCols + `)
			SELECT ` + owner + `, day, feature, ide, language, model, SUM(` + strings.ReplaceAll(sumCols, ",", "), SUM(") + `)
			FROM copilot_usage GROUP BY org_id, enterprise_id, day, feature, ide, language, model`, nil},
		{`INSERT INTO copilot_usage_active_days (` + activeCols + `)
			SELECT ` + owner + `, at / 86400 / 32, user_id, ` + strings.Join(set[:], ", ") + `
			FROM copilot_usage GROUP BY org_id, enterprise_id, at / 86400 / 32, user_id`, args},
		{`INSERT INTO copilot_usage_last (owner, user_id, last_at)
			SELECT owner, user_id, MAX(last_at) FROM copilot_usage_user_days GROUP BY owner, user_id`, nil},
		{`UPDATE copilot_seats SET last_used_at = ` + lastUsedOf, nil},
	} {
		if _, err := tx.exec(ctx, q.sql, q.args...); err != nil {
			return fmt.Errorf("store: rolling up usage: %w", err)
		}
	}
	return tx.CountActiveUsers(ctx)
}

// HasUsage reports whether q selects any recorded usage.
func (o ops) HasUsage(ctx context.Context, q UsageQuery) (bool, error) {
	if q.empty() {
		return false, nil
	}
	where, args := q.rollupWhere("")
	var n int
	if err := o.queryRow(ctx, `SELECT COUNT(*) FROM (SELECT 1 FROM copilot_usage_days WHERE `+where+` LIMIT 1) x`, args...).Scan(&n); err != nil {
		return false, fmt.Errorf("store: usage: %w", err)
	}
	return n > 0, nil
}

// EachUserDayUsage calls fn with each of q's per-user roll-up rows, in
// (day, user) order, as an event with the row's sums, the user's login,
// and the time and versions of the row's latest event: callers group
// consecutive rows by day and user while they stream, so memory does not
// grow with the seats. A user with usage in two of q's orgs has rows
// from both.
func (o ops) EachUserDayUsage(ctx context.Context, q UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error {
	if q.empty() {
		return nil
	}
	where, args := q.rollupWhere("r.")
	return queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (dayRow, error) {
		var r dayRow
		var at int64
		dest := append([]any{&r.e.Login, &r.day, &r.e.UserID, &r.e.Feature, &r.e.IDE, &r.e.Language, &r.e.Model}, sumDest(&r.e)...)
		err := sc.Scan(append(dest, &at, &r.e.IDEVersion, &r.e.Plugin, &r.e.PluginVersion)...)
		r.e.At = fromUnix(at)
		return r, err
	}, func(r dayRow) error { return fn(r.day, r.e) }, `SELECT u.login, r.day, r.user_id, r.feature, r.ide, r.language, r.model, r.`+
		strings.ReplaceAll(sumCols, ", ", ", r.")+`, r.last_at, r.ide_version, r.plugin, r.plugin_version
		FROM copilot_usage_user_days r JOIN users u ON u.id = r.user_id
		WHERE `+where+` ORDER BY r.day, r.user_id`, args...)
}

// dayRow is a roll-up row read back: its day and its sums as an event.
type dayRow struct {
	day string
	e   seatkeeper.UsageEvent
}

func sumDest(e *seatkeeper.UsageEvent) []any {
	ps := sumsOf(e)
	out := make([]any, len(ps))
	for i, p := range ps {
		out[i] = p
	}
	return out
}

// EachDayUsage calls fn with each of q's per-org roll-up rows, in no
// particular order (callers sum them by day; sorting an enterprise's
// rows cost more than reading them): the sums of the events of an org's
// day that share a feature, IDE, language and model.
func (o ops) EachDayUsage(ctx context.Context, q UsageQuery, fn func(day string, e seatkeeper.UsageEvent) error) error {
	if q.empty() {
		return nil
	}
	where, args := q.rollupWhere("")
	return queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (dayRow, error) {
		var r dayRow
		return r, sc.Scan(append([]any{&r.day, &r.e.Feature, &r.e.IDE, &r.e.Language, &r.e.Model}, sumDest(&r.e)...)...)
	}, func(r dayRow) error { return fn(r.day, r.e) }, `SELECT day, feature, ide, language, model, `+sumCols+`
		FROM copilot_usage_days WHERE `+where, args...)
}

// DaySum is the sums of an org's roll-up rows of a day that share a
// feature, IDE and language (of every model): what the dashboard's usage
// page shows of a day.
type DaySum struct {
	Day, Feature, IDE, Language            string
	Generations, Acceptances, Interactions int64
}

// EachDaySum calls fn with q's DaySums, summed by the database over q's
// owners, in no particular order: a fraction of EachDayUsage's rows and
// columns.
func (o ops) EachDaySum(ctx context.Context, q UsageQuery, fn func(DaySum) error) error {
	if q.empty() {
		return nil
	}
	where, args := q.rollupWhere("")
	return queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (DaySum, error) {
		var d DaySum
		return d, sc.Scan(&d.Day, &d.Feature, &d.IDE, &d.Language, &d.Generations, &d.Acceptances, &d.Interactions)
	}, fn, `SELECT day, feature, ide, language, CAST(SUM(generations) AS BIGINT), CAST(SUM(acceptances) AS BIGINT),
		CAST(SUM(interactions) AS BIGINT) FROM copilot_usage_days WHERE `+where+` GROUP BY day, feature, ide, language`, args...)
}

// UserTeam is a user's membership of a team, for the user-teams report.
type UserTeam struct {
	UserID int64
	Login  string
	TeamID int64
	Slug   string
}

// EachUserTeam calls fn, in (user, team) order, with the team memberships
// of each user with usage on q's day (From) in q's roll-ups: their teams
// in q's orgs and, when q.EnterpriseID is not 0, that enterprise's own
// teams. The model keeps current memberships: those that began by the
// day's end count.
func (o ops) EachUserTeam(ctx context.Context, q UsageQuery, fn func(UserTeam) error) error {
	if q.empty() {
		return nil
	}
	t, err := time.Parse(seatkeeper.DateLayout, q.From)
	if err != nil {
		return err
	}
	end := unix(t.AddDate(0, 0, 1))
	owners := q.owners()
	active := `(SELECT DISTINCT user_id FROM copilot_usage_user_days WHERE owner IN (` + marks(len(owners)) + `) AND day = ?) a`
	var parts []string
	var args []any
	if len(q.OrgIDs) > 0 {
		parts = append(parts, `SELECT a.user_id, u.login, t.id, t.slug FROM `+active+`
		JOIN users u ON u.id = a.user_id JOIN team_members m ON m.user_id = a.user_id JOIN teams t ON t.id = m.team_id
		WHERE t.org_id IN (`+marks(len(q.OrgIDs))+`) AND m.created_at < ?`)
		args = append(append(args, owners...), q.From)
		for _, id := range q.OrgIDs {
			args = append(args, id)
		}
		args = append(args, end)
	}
	if q.EnterpriseID != 0 {
		parts = append(parts, `SELECT a.user_id, u.login, t.id, t.slug FROM `+active+`
		JOIN users u ON u.id = a.user_id JOIN enterprise_team_members m ON m.user_id = a.user_id
		JOIN enterprise_teams t ON t.id = m.team_id WHERE t.enterprise_id = ? AND m.created_at < ?`)
		args = append(append(args, owners...), q.From, q.EnterpriseID, end)
	}
	return queryEach(ctx, o, func(sc interface{ Scan(...any) error }) (UserTeam, error) {
		var ut UserTeam
		return ut, sc.Scan(&ut.UserID, &ut.Login, &ut.TeamID, &ut.Slug)
	}, fn, strings.Join(parts, " UNION ALL ")+` ORDER BY 1, 3`, args...)
}
