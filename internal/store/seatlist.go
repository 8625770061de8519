package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"github.com/seatkeeper/seatkeeper"
)

// Seat lists read from the seat ledger for the dashboard: an org's listed
// seats (those of active members) at a moment, filtered, counted and
// summed by one query, sorted and cut into pages by another, so that a
// page costs the same whatever the org's size. The rules (what "idle 30
// days" means, the billing cycles' bounds) are the caller's: it passes
// them as times.

// SeatFilter selects an org's listed seats at a moment.
type SeatFilter struct {
	OrgID int64
	At    time.Time
	// Search keeps the seats whose holder's login or name contains it,
	// ignoring case.
	Search string
	// IdleAt, when not zero, keeps the seats last used (or granted, if
	// never used) at or before it.
	IdleAt  time.Time
	Never   bool       // only seats never used
	Pending bool       // only seats pending cancellation
	Grant   *SeatGrant // only the seats this grant carries; nil for any
	Logins  []string   // when not empty, only the seats of these logins (any case)
	UserIDs []int64    // when not empty, only the seats of these users
	// NotPending keeps only the seats not pending cancellation, ByTeams
	// only those a team or enterprise team carries.
	NotPending, ByTeams bool
	// UnusedSince, when not zero, keeps only the seats whose holder has
	// no Copilot usage event in the org at or after it (last_used_at,
	// kept on the seat row from copilot_usage_last).
	UnusedSince time.Time

	// except leaves out the seats of these users: a search that most
	// users match, resolved to those it does not (narrowSearch).
	except []int64
}

// SeatGrant names what carries a seat: a team, an enterprise team, or
// (both zero) a direct grant.
type SeatGrant struct{ TeamID, EnterpriseTeamID int64 }

const seatListFrom = ` FROM copilot_seats s JOIN users u ON u.id = s.user_id`

// base is the condition every listed seat at f.At meets, and filter the
// one f adds ("1 = 1" when none). Both read only the seat row's columns
// (the search through a subquery on users), so that a count needs no
// more than the index copilot_seats_sums.
func (f SeatFilter) conditions() (base string, baseArgs []any, filter string, filterArgs []any) {
	return f.conditionsOn(false)
}

// conditionsOn is conditions, the search on the holders (u) when
// joined (a walk of the users that reads them anyway).
func (f SeatFilter) conditionsOn(joined bool) (base string, baseArgs []any, filter string, filterArgs []any) {
	at := unix(f.At)
	base = `s.org_id = ? AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ?`
	baseArgs = []any{f.OrgID, seatkeeper.StateActive, at, at}
	var conds []string
	if f.Search != "" {
		search, args := userSearch("s.user_id", f.Search)
		if joined {
			search, args = userMatch("u.", f.Search)
		}
		conds = append(conds, search)
		filterArgs = append(filterArgs, args...)
	}
	if !f.IdleAt.IsZero() {
		conds = append(conds, `s.idle_since <= ?`)
		filterArgs = append(filterArgs, unix(f.IdleAt))
	}
	if f.Never {
		conds = append(conds, `s.last_activity_at IS NULL`)
	}
	if f.Pending {
		conds = append(conds, `s.pending_cancellation_date IS NOT NULL`)
	}
	if f.NotPending {
		conds = append(conds, `s.pending_cancellation_date IS NULL`)
	}
	if f.ByTeams {
		conds = append(conds, `(s.team_id IS NOT NULL OR s.enterprise_team_id IS NOT NULL)`)
	}
	if f.Grant != nil {
		cond, args := f.Grant.carries()
		conds = append(conds, cond)
		filterArgs = append(filterArgs, args...)
	}
	if len(f.Logins) > 0 {
		// Through the users' login index: a few seats, found by key.
		conds = append(conds, `s.user_id IN (SELECT id FROM users WHERE login_key IN (`+marks(len(f.Logins))+`))`)
		for _, l := range f.Logins {
			filterArgs = append(filterArgs, seatkeeper.LoginKey(l))
		}
	}
	if !f.UnusedSince.IsZero() {
		// The holder's latest usage event in the org, kept on the seat
		// row (0: none): a range of copilot_seats_usage.
		conds = append(conds, `s.last_used_at < ?`)
		filterArgs = append(filterArgs, unix(f.UnusedSince))
	}
	if len(f.UserIDs) > 0 {
		conds = append(conds, `s.user_id IN (`+marks(len(f.UserIDs))+`)`)
		for _, id := range f.UserIDs {
			filterArgs = append(filterArgs, id)
		}
	}
	if len(f.except) > 0 {
		conds = append(conds, `s.user_id NOT IN (`+marks(len(f.except))+`)`)
		for _, id := range f.except {
			filterArgs = append(filterArgs, id)
		}
	}
	filter = "1 = 1"
	if len(conds) > 0 {
		filter = strings.Join(conds, " AND ")
	}
	return base, baseArgs, filter, filterArgs
}

// carries is the condition that g carries a seat (s), with its
// arguments.
func (g SeatGrant) carries() (string, []any) {
	switch {
	case g.TeamID != 0:
		return `s.team_id = ?`, []any{g.TeamID}
	case g.EnterpriseTeamID != 0:
		return `s.enterprise_team_id = ?`, []any{g.EnterpriseTeamID}
	}
	return `s.team_id IS NULL AND s.enterprise_team_id IS NULL`, nil
}

// Filtered reports whether f may keep fewer than every listed seat.
func (f SeatFilter) Filtered() bool {
	_, _, filter, _ := f.conditions()
	return filter != "1 = 1"
}

// userSearch is the condition that col (a user id) names a user whose
// login or name contains search, ignoring case, with its arguments: a
// walk of every user. A search that few users match is resolved to their
// ids first (narrowSearch).
func userSearch(col, search string) (string, []any) {
	match, args := userMatch("", search)
	return col + ` IN (SELECT id FROM users WHERE ` + match + `)`, args
}

// userMatch is the condition on users (their columns prefixed with
// prefix) that their login or name contains search, ignoring case.
func userMatch(prefix, search string) (string, []any) {
	pattern := "%" + likeEscaper.Replace(strings.ToLower(search)) + "%"
	return `(` + prefix + `login_key LIKE ? ESCAPE '\' OR LOWER(` + prefix + `name) LIKE ? ESCAPE '\')`, []any{pattern, pattern}
}

// searchFew is the most users a search is resolved to by id: a list
// that size is read by key; a search matching more users walks them
// (userSearch). A variable for tests.
var searchFew = 1000

// searchIDs returns the ids of the users whose login or name contains
// search, ignoring case, when there are at most searchFew of them (ok).
// A search of three characters or more finds its candidates in the
// users' trigram index (migration 0011; SQLite's FTS5 table users_search,
// PostgreSQL's pg_trgm indexes, which its LIKE uses) and reads no more
// than searchFew+1 of them; the candidates are then held to userSearch's
// condition, so that either way a search finds the same users.
func (o ops) searchIDs(ctx context.Context, search string) (ids []int64, ok bool, err error) {
	if utf8.RuneCountInString(search) < 3 {
		return nil, false, nil // no trigram: every user is a candidate
	}
	cond, args := userMatch("", search)
	query := `SELECT id FROM users WHERE ` + cond + ` LIMIT ?`
	if o.d == SQLite {
		// The trigram tokenizer folds case; one phrase is its trigrams
		// in a row: the text as a substring.
		query = `SELECT id FROM users WHERE id IN (SELECT rowid FROM users_search WHERE users_search MATCH ? LIMIT ?) AND ` + cond
		args = append([]any{`"` + strings.ReplaceAll(search, `"`, `""`) + `"`, searchFew + 1}, args...)
	} else {
		args = append(args, searchFew+1)
	}
	ids, err = queryAllCap(ctx, o, searchFew+1, scanInt64, query, args...)
	if err != nil {
		return nil, false, fmt.Errorf("store: search users: %w", err)
	}
	// On SQLite more than searchFew candidates may hold fewer matches;
	// the walk is right for them too.
	if len(ids) > searchFew {
		return nil, false, nil
	}
	return ids, true, nil
}

// NarrowSearch resolves f's search as each read of f would
// (narrowSearch): a page that reads f more than once resolves it once.
func (o ops) NarrowSearch(ctx context.Context, f SeatFilter) (SeatFilter, error) {
	return o.narrowSearch(ctx, f)
}

// narrowSearch replaces f's search by the ids of the users it matches,
// when they are few (searchIDs): the seats are then found by key. A
// search that matches most users is replaced by the few it does not
// match (searchMisses), whose seats are left out: a count is then what
// the rest of the filter keeps less their seats (countExcept).
func (o ops) narrowSearch(ctx context.Context, f SeatFilter) (SeatFilter, error) {
	f, err := o.searchByIDs(ctx, f)
	if err != nil || f.Search == "" || len(f.UserIDs) > 0 || len(f.Logins) > 0 {
		return f, err // resolved, or a few users already: their seats, searched
	}
	misses, ok, err := o.searchMisses(ctx, f.OrgID, f.Search)
	if err != nil || !ok {
		return f, err
	}
	f.Search, f.except = "", misses
	return f, nil
}

// searchByIDs replaces f's search by the ids of the users it matches,
// when they are few (searchIDs).
func (o ops) searchByIDs(ctx context.Context, f SeatFilter) (SeatFilter, error) {
	if f.Search == "" {
		return f, nil
	}
	ids, ok, err := o.searchIDs(ctx, f.Search)
	if err != nil || !ok {
		return f, err
	}
	if len(f.UserIDs) > 0 {
		keep := map[int64]bool{}
		for _, id := range f.UserIDs {
			keep[id] = true
		}
		ids = slices.DeleteFunc(ids, func(id int64) bool { return !keep[id] })
	}
	if len(ids) == 0 {
		ids = []int64{0} // no user's id
	}
	f.Search, f.UserIDs = "", ids
	return f, nil
}

// searchMisses returns the ids of the users that might hold a seat in
// an org (those whose ids lie between the least and the greatest of its
// seat rows' holders, at any time) whose login and name do not contain
// search, ignoring case, when there are at most searchFew of them (ok):
// a walk of that range of users, which stops at the first searchFew+1.
// Every seat of the org whose holder is not one of them matches.
func (o ops) searchMisses(ctx context.Context, orgID int64, search string) (ids []int64, ok bool, err error) {
	var lo, hi sql.NullInt64
	err = o.queryRow(ctx, `SELECT (SELECT MIN(user_id) FROM copilot_seats WHERE org_id = ?),
		(SELECT MAX(user_id) FROM copilot_seats WHERE org_id = ?)`, orgID, orgID).Scan(&lo, &hi)
	if err != nil {
		return nil, false, fmt.Errorf("store: search users: %w", err)
	}
	if !lo.Valid {
		return nil, true, nil // no seat to leave out
	}
	cond, args := userMatch("", search)
	ids, err = queryAllCap(ctx, o, searchFew+1, scanInt64, `SELECT id FROM users WHERE id >= ? AND id <= ? AND NOT `+cond+` LIMIT ?`,
		append(append([]any{lo.Int64, hi.Int64}, args...), searchFew+1)...)
	if err != nil {
		return nil, false, fmt.Errorf("store: search users: %w", err)
	}
	if len(ids) > searchFew {
		return nil, false, nil
	}
	return ids, true, nil
}

// countExcept splits a count of the seats f keeps that leaves out some
// users' (a broad search, narrowSearch) into two that do not: all is f
// without leaving them out, less is f kept to their seats; the count is
// all's less less's. ok is false when f leaves out no one.
func countExcept(f SeatFilter) (all, less SeatFilter, ok bool) {
	if len(f.except) == 0 {
		return f, f, false
	}
	all, less = f, f
	all.except, less.except, less.UserIDs = nil, nil, f.except
	return all, less, true
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// CountSeatList counts the listed seats f keeps at f.At: index entries
// only (copilot_seats_sums). A search that most users match counts the
// seats the rest of f keeps less those of the users it does not match
// (countExcept): two counts of index entries, no users walked but those.
func (o ops) CountSeatList(ctx context.Context, f SeatFilter) (int, error) {
	f, err := o.narrowSearch(ctx, f)
	if err != nil {
		return 0, err
	}
	all, less, ok := countExcept(f)
	n, err := o.countSeatList(ctx, all)
	if err != nil || !ok {
		return n, err
	}
	m, err := o.countSeatList(ctx, less)
	return n - m, err
}

func (o ops) countSeatList(ctx context.Context, f SeatFilter) (int, error) {
	base, args, filter, filterArgs := f.conditions()
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM copilot_seats s WHERE `+base+` AND `+filter, append(args, filterArgs...)...).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count seats: %w", err)
	}
	return n, nil
}

// SeatListSplit counts the listed seats f keeps at f.At in one pass of
// the index copilot_seats_sums: those held directly and not pending
// cancellation (with a sum of a hash of their holders' ids: with the
// count, a key of the set that changes when a seat joins or leaves it),
// and the others (pending cancellation, or carried by a team). A search
// that most users match is counted as CountSeatList counts it.
func (o ops) SeatListSplit(ctx context.Context, f SeatFilter) (direct int, sum int64, others int, err error) {
	f, err = o.narrowSearch(ctx, f)
	if err != nil {
		return 0, 0, 0, err
	}
	const isDirect = `s.team_id IS NULL AND s.enterprise_team_id IS NULL AND s.pending_cancellation_date IS NULL`
	all, less, ok := countExcept(f)
	a, err := o.splitSeats(ctx, all, isDirect)
	if err != nil || !ok {
		return a.Part, a.PartSum, a.All - a.Part, err
	}
	l, err := o.splitSeats(ctx, less, isDirect)
	return a.Part - l.Part, a.PartSum - l.PartSum, a.All - a.Part - l.All + l.Part, err
}

// SeatSplit counts seats, and a part of them, each with a sum of a hash
// of their holders' ids: with the count, a key of the set that changes
// when a seat joins or leaves it.
type SeatSplit struct {
	All, Part       int
	AllSum, PartSum int64
}

// SeatsCarried counts the listed seats at at of users (any number of
// them; read a batch at a time, each by key) in an org: all of them, and
// the part g carries.
func (o ops) SeatsCarried(ctx context.Context, orgID int64, at time.Time, users []int64, g SeatGrant) (SeatSplit, error) {
	var out SeatSplit
	cond, condArgs := g.carries()
	for batch := range slices.Chunk(users, seatsCarriedBatch) {
		s, err := o.splitSeats(ctx, SeatFilter{OrgID: orgID, At: at, UserIDs: batch}, cond, condArgs...)
		if err != nil {
			return out, err
		}
		out.All, out.Part, out.AllSum, out.PartSum = out.All+s.All, out.Part+s.Part, out.AllSum+s.AllSum, out.PartSum+s.PartSum
	}
	return out, nil
}

// seatsCarriedBatch is how many users a query of SeatsCarried names.
const seatsCarriedBatch = 5000

// splitSeats counts the listed seats f keeps at f.At in one pass, and
// those of them that part (a condition on the seat, s, with partArgs)
// keeps.
func (o ops) splitSeats(ctx context.Context, f SeatFilter, part string, partArgs ...any) (SeatSplit, error) {
	var out SeatSplit
	base, args, filter, filterArgs := f.conditions()
	const hash = `(s.user_id % 1000003) * (s.user_id % 1000003) + s.user_id`
	args = append(append(append(slices.Clip(partArgs), partArgs...), args...), filterArgs...)
	err := o.queryRow(ctx, `SELECT COUNT(*), COALESCE(SUM(`+hash+`), 0),
		COALESCE(SUM(CASE WHEN `+part+` THEN 1 ELSE 0 END), 0), COALESCE(SUM(CASE WHEN `+part+` THEN `+hash+` ELSE 0 END), 0)
		FROM copilot_seats s WHERE `+base+` AND `+filter, args...).Scan(&out.All, &out.AllSum, &out.Part, &out.PartSum)
	if err != nil {
		return out, fmt.Errorf("store: count seats: %w", err)
	}
	return out, nil
}

// SeatLogins returns the logins of the holders of the listed seats f
// keeps at f.At, in no order.
func (o ops) SeatLogins(ctx context.Context, f SeatFilter) ([]string, error) {
	f, err := o.narrowSearch(ctx, f)
	if err != nil {
		return nil, err
	}
	base, args, filter, filterArgs := f.conditions()
	return queryAll(ctx, o, func(row interface{ Scan(...any) error }) (string, error) {
		var login string
		return login, row.Scan(&login)
	}, `SELECT u.login FROM copilot_seats s JOIN users u ON u.id = s.user_id WHERE `+base+` AND `+filter, append(args, filterArgs...)...)
}

// IdleSums are counts of an org's listed seats by how long they have
// been idle.
type IdleSums struct {
	// Since[k] counts the seats last used (or granted, if never used)
	// after cuts[k] and at or before cuts[k-1] (after cuts[0]: k = 0; at
	// or before the last cut: k = len(cuts)). Cuts go back in time.
	Since []int
	Never int // seats never used
}

// SumIdle counts an org's listed seats at at, listed of them in all, by
// the cuts (times going back, as SeatFilter.IdleAt finds seats idle since
// each or longer), and those never used. Each count is a range of an
// index (copilot_seats_sums, copilot_seats_used); the seats idle longest
// are what the others leave of listed, not read.
func (o ops) SumIdle(ctx context.Context, orgID int64, at time.Time, listed int, cuts []time.Time) (IdleSums, error) {
	out := IdleSums{Since: make([]int, len(cuts)+1)}
	base, args, _, _ := SeatFilter{OrgID: orgID, At: at}.conditions()
	count := func(cond string, more ...any) (int, error) {
		var n int
		err := o.queryRow(ctx, `SELECT COUNT(*) FROM copilot_seats s WHERE `+base+cond, append(slices.Clip(args), more...)...).Scan(&n)
		if err != nil {
			return 0, fmt.Errorf("store: sum idle seats: %w", err)
		}
		return n, nil
	}
	rest := listed
	for k, cut := range cuts {
		cond, more := ` AND s.idle_since > ?`, []any{unix(cut)}
		if k > 0 {
			cond += ` AND s.idle_since <= ?`
			more = append(more, unix(cuts[k-1]))
		}
		n, err := count(cond, more...)
		if err != nil {
			return out, err
		}
		out.Since[k] = n
		rest -= n
	}
	out.Since[len(cuts)] = rest
	var err error
	out.Never, err = count(` AND s.last_activity_at IS NULL`)
	return out, err
}

// SeatSpan is a span of time [From, Until) a seat sum counts the seats of:
// those granted before Until that are not cancelled on or before From.
// Both are 00:00 UTC.
type SeatSpan struct{ From, Until time.Time }

// HeldInSpans counts, for each span (oldest first), the listed seats at
// at held in it, of listed seats in all: those granted since the first
// span ended come from a range of the list index, the cancelled ones from
// the index of pending cancellations, the rest need no reading.
func (o ops) HeldInSpans(ctx context.Context, orgID int64, at time.Time, listed int, spans []SeatSpan) ([]int, error) {
	out := make([]int, len(spans))
	if len(spans) == 0 {
		return out, nil
	}
	base, args, _, _ := SeatFilter{OrgID: orgID, At: at}.conditions()
	// late[k]: the seats granted at or after span k-1's end and before
	// span k's (k = len(spans): at or after the last's), a range of the
	// list index each; none is granted before the first span's end and
	// not held in it.
	late := make([]int, len(spans)+1)
	for k := 1; k <= len(spans); k++ {
		cond, more := ` AND s.created_at >= ?`, []any{unix(spans[k-1].Until)}
		if k < len(spans) {
			cond += ` AND s.created_at < ?`
			more = append(more, unix(spans[k].Until))
		}
		err := o.queryRow(ctx, `SELECT COUNT(*) FROM copilot_seats s WHERE `+base+cond, append(slices.Clip(args), more...)...).Scan(&late[k])
		if err != nil {
			return nil, fmt.Errorf("store: seats held: %w", err)
		}
	}
	// Of the listed seats, those granted at or after span k's end: in
	// the buckets after k.
	for k := range spans {
		held := listed
		for _, n := range late[k+1:] {
			held -= n
		}
		out[k] = held
	}
	// Seats cancelled on or before a span's start are not held in it.
	type cancelled struct {
		created int64
		date    string
	}
	cs, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) (cancelled, error) {
		var c cancelled
		return c, row.Scan(&c.created, &c.date)
	}, `SELECT s.created_at, s.pending_cancellation_date FROM copilot_seats s
		WHERE `+base+` AND s.pending_cancellation_date IS NOT NULL AND s.pending_cancellation_date <= ?`,
		append(args, seatkeeper.DateOf(spans[len(spans)-1].From).String())...)
	if err != nil {
		return nil, fmt.Errorf("store: seats held: %w", err)
	}
	for _, c := range cs {
		for k, sp := range spans {
			if c.created < unix(sp.Until) && c.date <= seatkeeper.DateOf(sp.From).String() {
				out[k]--
			}
		}
	}
	return out, nil
}

// Seat list orders.
const (
	SeatsByLogin    = "login"
	SeatsByGrant    = "grant"
	SeatsByCreated  = "created"
	SeatsByActivity = "activity"
	SeatsByIdle     = "idle"
	SeatsByEditor   = "editor"
	SeatsByPending  = "pending"
)

// SeatOrder sorts a seat list by a column (missing values first when
// ascending), ties by login, ascending.
type SeatOrder struct {
	By   string // one of the SeatsBy constants; SeatsByIdle for any other
	Desc bool
}

// orderBy is the ORDER BY clause of o at at, with its arguments.
func (o ops) seatOrderBy(ord SeatOrder, at time.Time) (string, []any) {
	text := func(expr string) string {
		if o.d == Postgres {
			return expr + ` COLLATE "C"`
		}
		return expr
	}
	var key string
	var args []any
	switch ord.By {
	case SeatsByLogin:
		key = text(`u.login_key`)
	case SeatsByGrant:
		key = text(`CASE WHEN s.team_id IS NOT NULL THEN (SELECT LOWER(t.name) FROM teams t WHERE t.id = s.team_id)
			WHEN s.enterprise_team_id IS NOT NULL THEN (SELECT LOWER(e.name) FROM enterprise_teams e WHERE e.id = s.enterprise_team_id)
			ELSE 'direct' END`)
	case SeatsByCreated:
		key = `s.created_at`
	case SeatsByActivity:
		key = `COALESCE(s.last_activity_at, 0)`
	case SeatsByEditor:
		key = text(`s.last_activity_editor`)
	case SeatsByPending:
		key = text(`COALESCE(s.pending_cancellation_date, '')`)
	default:
		// Whole days idle, as the report counts them.
		key = `CASE WHEN ? < s.idle_since THEN 0 ELSE (? - s.idle_since) / 86400 END`
		args = []any{unix(at), unix(at)}
	}
	dir := ""
	if ord.Desc {
		dir = " DESC"
	}
	return ` ORDER BY ` + key + dir + `, ` + text(`u.login_key`), args
}

// ListSeats returns the seats f keeps, sorted, limit of them (all when
// limit is 0) from offset. A page by days idle reads only the seats idle
// as many days as those on it (idleWindow); a page of a big org's seats
// by login walks the users' login index instead of sorting every seat.
func (o ops) ListSeats(ctx context.Context, f SeatFilter, ord SeatOrder, offset, limit int) ([]LedgerSeat, error) {
	f, err := o.narrowSearch(ctx, f)
	if err != nil {
		return nil, err
	}
	var w seatWindow
	// A list narrowed to a few users (by login, by id, or a search that
	// few match) is sorted whole: no window, no walk of the users.
	if limit > 0 && len(f.Logins) == 0 && len(f.UserIDs) == 0 {
		switch ord.By {
		case SeatsByLogin:
			if w.byUsers, err = o.bigOrg(ctx, f); err != nil {
				return nil, err
			}
		case SeatsByGrant, SeatsByCreated, SeatsByActivity, SeatsByEditor, SeatsByPending:
		default:
			var empty bool
			if w, empty, err = o.idleWindow(ctx, f, ord.Desc, offset, limit); err != nil || empty {
				return nil, err
			}
			offset -= w.before
		}
	}
	query, args := o.listSeatsQuery(f, ord, w)
	if limit > 0 || offset > 0 {
		query += ` LIMIT ? OFFSET ?`
		n := int64(limit)
		if limit == 0 {
			n = seatForever
		}
		args = append(args, n, offset)
	}
	return queryAllCap(ctx, o, limit, scanLedgerSeat, query, args...)
}

// seatWindow narrows a seat list query: to a range of idle_since (cond),
// of which before seats come earlier in the list; or, byUsers, to
// walking the users in login order.
type seatWindow struct {
	cond    string
	args    []any
	before  int
	byUsers bool
	// whole: the list is read whole (then sorted); SQLite reads the
	// seats in the ledger's key order (org, user), and so each seat's user
	// and activity in order too, instead of by an index in another order,
	// each seat then a read of another page: several times faster at
	// 100,000 seats.
	whole bool
	// cols are the columns read, ledgerSeatCols when "".
	cols string
}

// listedSeatCols are the columns EachSeat reads, as scanListedSeat scans
// them.
const listedSeatCols = `u.id, u.login, s.created_at, s.pending_cancellation_date, s.team_id, s.enterprise_team_id,
	s.last_activity_at, s.last_activity_editor`

func scanListedSeat(row interface{ Scan(...any) error }) (LedgerSeat, error) {
	var s LedgerSeat
	var c seatCols
	if err := row.Scan(&s.User.ID, &s.User.Login, &c.created, &c.pending, &c.team, &c.eteam, &c.activeAt, &c.editor); err != nil {
		return s, err
	}
	err := c.fill(&s)
	s.UpdatedAt = time.Time{}
	return s, err
}

// bigOrgSeats is how many listed seats make an org big enough that a page
// by login walks the users' login index: its seats are then a share of
// the users large enough that the walk soon finds a page of them.
var bigOrgSeats = 10000

// bigOrg reports whether f's org is that big, from its kept totals.
func (o ops) bigOrg(ctx context.Context, f SeatFilter) (bool, error) {
	totals, err := o.OrgSeatTotals(ctx, f.OrgID, f.At)
	n := 0
	for _, t := range totals {
		n += t.Seats
	}
	return n >= bigOrgSeats, err
}

// idleWindow finds where the page of limit seats from offset of the list
// of f's seats by days idle (desc: most first) lies: the seats at its
// first and last places, found by walking the index copilot_seats_sums
// in idle_since order (no seat row read), bound the days idle of every
// seat on it. The window is the seats idle that many days; before counts
// those ahead of it in the list. empty when the list ends before offset.
func (o ops) idleWindow(ctx context.Context, f SeatFilter, desc bool, offset, limit int) (w seatWindow, empty bool, err error) {
	base, args, filter, filterArgs := f.conditions()
	args = append(args, filterArgs...)
	where := ` FROM copilot_seats s WHERE ` + base + ` AND ` + filter
	// Most days idle first: the oldest idle_since first.
	dir, back := ` ASC`, ` DESC`
	if !desc {
		dir, back = back, dir
	}
	pick := func(order string, pos int) (int64, bool, error) {
		var x int64
		err := o.queryRow(ctx, `SELECT s.idle_since`+where+` ORDER BY s.idle_since`+order+` LIMIT 1 OFFSET ?`, append(args, pos)...).Scan(&x)
		if errors.Is(err, sql.ErrNoRows) {
			return 0, false, nil
		}
		if err != nil {
			return 0, false, fmt.Errorf("store: list seats: %w", err)
		}
		return x, true, nil
	}
	first, ok, err := pick(dir, offset)
	if err != nil || !ok {
		return w, true, err
	}
	last, ok, err := pick(dir, offset+limit-1)
	if err == nil && !ok { // the page is the list's last
		last, _, err = pick(back, 0)
	}
	if err != nil {
		return w, false, err
	}
	at := unix(f.At)
	days := func(x int64) int64 { // as the list's order counts them
		if at < x {
			return 0
		}
		return (at - x) / 86400
	}
	lo, hi := min(days(first), days(last)), max(days(first), days(last))
	// Idle at least d days: idle_since at or before at - d days (d > 0).
	w.cond, w.args = ` AND s.idle_since > ?`, []any{at - (hi+1)*86400}
	if lo > 0 {
		w.cond += ` AND s.idle_since <= ?`
		w.args = append(w.args, at-lo*86400)
	}
	ahead, aheadArgs := ` AND s.idle_since <= ?`, at-(hi+1)*86400 // idle more than hi days
	if !desc {
		if lo == 0 {
			return w, false, nil // nothing is idle fewer than 0 days
		}
		ahead, aheadArgs = ` AND s.idle_since > ?`, at-lo*86400 // idle fewer than lo days
	}
	err = o.queryRow(ctx, `SELECT COUNT(*)`+where+ahead, append(args, aheadArgs)...).Scan(&w.before)
	if err != nil {
		return w, false, fmt.Errorf("store: list seats: %w", err)
	}
	return w, false, nil
}

// EachSeat calls fn with each seat f keeps, sorted, as the database
// returns them, without holding them all: what a list of the seats
// shows of them (listedSeatCols: the holder's id and login, the seat's
// grant, dates and activity; not the holder's name, email and dates, nor
// the seat's state, update and sign-in), the columns it sorts fewer. A list by days idle is read a
// day of idleness at a time (the next day found in the index
// copilot_seats_sums), a big org's list by login walking the users' login
// index, so that the first seats come without sorting every seat; other
// orders are sorted whole by the database. Its queries should share a
// snapshot (Store.Snapshot) for the list to be of one moment.
func (o ops) EachSeat(ctx context.Context, f SeatFilter, ord SeatOrder, fn func(LedgerSeat) error) error {
	f, err := o.narrowSearch(ctx, f)
	if err != nil {
		return err
	}
	listed := 0
	each := func(w seatWindow) error {
		w.cols = listedSeatCols
		query, args := o.listSeatsQuery(f, ord, w)
		rows, err := o.query(ctx, query, args...)
		if err != nil {
			return fmt.Errorf("store: list seats: %w", err)
		}
		return eachRow(rows, func(row *sql.Rows) error {
			s, err := scanListedSeat(row)
			if err != nil {
				return fmt.Errorf("store: list seats: %w", err)
			}
			listed++
			return fn(s)
		})
	}
	if len(f.Logins) > 0 || len(f.UserIDs) > 0 { // a few seats: sorted whole
		return each(seatWindow{})
	}
	switch ord.By {
	case SeatsByLogin:
		var w seatWindow
		if w.byUsers, err = o.bigOrg(ctx, f); err != nil {
			return err
		}
		return each(w)
	case SeatsByGrant, SeatsByCreated, SeatsByActivity, SeatsByEditor, SeatsByPending:
		return each(seatWindow{whole: true})
	}
	base, args, filter, filterArgs := f.conditions()
	where := ` FROM copilot_seats s WHERE ` + base + ` AND ` + filter
	args = append(args, filterArgs...)
	at := unix(f.At)
	// Most days idle first: idle_since ascending, each day's seats after
	// those idle longer; else descending. next finds the idle_since of the
	// first seat past the days already listed (after, or before, bound).
	next, past := `SELECT MIN(s.idle_since)`+where+` AND s.idle_since > ?`, int64(math.MinInt64)
	if !ord.Desc {
		next, past = `SELECT MAX(s.idle_since)`+where+` AND s.idle_since <= ?`, math.MaxInt64
	}
	for {
		var x sql.NullInt64
		if err := o.queryRow(ctx, next, append(slices.Clip(args), past)...).Scan(&x); err != nil {
			return fmt.Errorf("store: list seats: %w", err)
		}
		if !x.Valid {
			return nil
		}
		// The seats idle as many whole days as x's (as the list's order
		// counts them): idle_since in (at-(d+1) days, at-d days], or
		// after at-1 day for 0 days.
		var d int64
		if x.Int64 <= at {
			d = (at - x.Int64) / 86400
		}
		w := seatWindow{cond: ` AND s.idle_since > ?`, args: []any{at - (d+1)*86400}}
		if d > 0 {
			w.cond += ` AND s.idle_since <= ?`
			w.args = append(w.args, at-d*86400)
		}
		if err := each(w); err != nil {
			return err
		}
		switch {
		case ord.Desc && d == 0:
			return nil // nothing is idle fewer days
		case ord.Desc:
			past = at - d*86400
			w = seatWindow{cond: ` AND s.idle_since > ?`, args: []any{past}, whole: true}
		default:
			past = at - (d+1)*86400
			w = seatWindow{cond: ` AND s.idle_since <= ?`, args: []any{past}, whole: true}
		}
		if listed >= eachSeatHead {
			// The rest in one query, read whole and sorted: a day at a
			// time reads the seats in idle order, a page each, slower in
			// all.
			return each(w)
		}
	}
}

// eachSeatHead is how many seats EachSeat reads a day idle at a time
// before it reads the rest in one query. A variable for tests.
var eachSeatHead = 2000

func (o ops) listSeatsQuery(f SeatFilter, ord SeatOrder, w seatWindow) (string, []any) {
	base, args, filter, filterArgs := f.conditionsOn(true)
	order, orderArgs := o.seatOrderBy(ord, f.At)
	from := seatListFrom
	if w.whole && o.d == SQLite {
		from = ` FROM copilot_seats s INDEXED BY sqlite_autoindex_copilot_seats_1 JOIN users u ON u.id = s.user_id`
	}
	if w.byUsers {
		// SQLite: CROSS JOIN keeps the users, in their login index's
		// order, first; each one's seat is found by the ledger's primary
		// key, not by a range of another index for each user.
		from = ` FROM users u CROSS JOIN copilot_seats s`
		if o.d == SQLite {
			from += ` INDEXED BY sqlite_autoindex_copilot_seats_1`
		}
		base = `s.user_id = u.id AND ` + base
	}
	cols := ledgerSeatCols
	if w.cols != "" {
		cols = w.cols
	}
	query := `SELECT ` + cols + from + ` WHERE ` + base + ` AND ` + filter + w.cond + order
	args = append(append(append(args, filterArgs...), w.args...), orderArgs...)
	return query, args
}

// SeatedUserIDs returns which of userIDs (every user, when nil) hold a
// listed seat in an org at at.
func (o ops) SeatedUserIDs(ctx context.Context, orgID int64, at time.Time, userIDs []int64) (map[int64]bool, error) {
	out := map[int64]bool{}
	query := `SELECT s.user_id FROM copilot_seats s WHERE s.org_id = ? AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ?`
	read := func(extra string, more ...any) error {
		ids, err := queryAll(ctx, o, scanInt64, query+extra, append([]any{orgID, seatkeeper.StateActive, unix(at), unix(at)}, more...)...)
		for _, id := range ids {
			out[id] = true
		}
		return err
	}
	if userIDs == nil {
		return out, read("")
	}
	for batch := range slices.Chunk(userIDs, 500) {
		args := make([]any, len(batch))
		for i, id := range batch {
			args[i] = id
		}
		if err := read(` AND s.user_id IN (`+marks(len(batch))+`)`, args...); err != nil {
			return nil, err
		}
	}
	return out, nil
}

// Unseated returns an org's members (active or invited) who hold no
// listed seat at at and whose login or name contains search (any, when
// empty), by login, limit of them, and how many there are in all. The
// count is a difference of two counts (the members, the listed seats,
// each matching search); the list of a big org walks the users in login
// order and stops as soon as it holds limit of them, or all of them.
func (o ops) Unseated(ctx context.Context, orgID int64, at time.Time, search string, limit int) ([]Member, int, error) {
	// Resolved to ids, or not: the users a broad search misses
	// (narrowSearch) are found among the seats' holders, not the members.
	f, err := o.searchByIDs(ctx, SeatFilter{OrgID: orgID, At: at, Search: search})
	if err != nil {
		return nil, 0, err
	}
	where, args := `m.org_id = ?`, []any{orgID}
	switch {
	case f.Search != "":
		cond, more := userSearch("m.user_id", search)
		where += ` AND ` + cond
		args = append(args, more...)
	case len(f.UserIDs) > 0:
		where += ` AND m.user_id IN (` + marks(len(f.UserIDs)) + `)`
		for _, id := range f.UserIDs {
			args = append(args, id)
		}
	}
	var members int
	if err := o.queryRow(ctx, `SELECT COUNT(*) FROM org_memberships m WHERE `+where, args...).Scan(&members); err != nil {
		return nil, 0, fmt.Errorf("store: members without a seat: %w", err)
	}
	seated, err := o.CountSeatList(ctx, f)
	if err != nil {
		return nil, 0, err
	}
	n := members - seated
	if n <= 0 || limit <= 0 {
		return nil, max(n, 0), nil
	}
	t := unix(at)
	from, order := membersFrom+` WHERE `+where, `u.login_key`
	if o.d == Postgres {
		order += ` COLLATE "C"`
	}
	if len(f.UserIDs) == 0 && members >= bigOrgSeats {
		// A big org: walk the users in login order (SQLite: CROSS JOIN
		// keeps them first), each one's membership and seat found by
		// key, until the page is full or every member without a seat is
		// found, instead of sorting every member.
		from, args = `SELECT `+prefixCols("u", userCols)+`, `+prefixCols("m", membershipCols)+`
			FROM users u CROSS JOIN org_memberships m WHERE m.user_id = u.id AND m.org_id = ?`, []any{orgID}
		if f.Search != "" {
			cond, more := userMatch("u.", f.Search)
			from += ` AND ` + cond
			args = append(args, more...)
		}
	}
	out, err := queryAllCap(ctx, o, min(n, limit), scanMember, from+`
		AND NOT EXISTS (SELECT 1 FROM copilot_seats s WHERE s.org_id = m.org_id AND s.user_id = m.user_id
			AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ?)
		ORDER BY `+order+` LIMIT ?`, append(args, seatkeeper.StateActive, t, t, min(n, limit))...)
	if err != nil {
		return nil, 0, fmt.Errorf("store: members without a seat: %w", err)
	}
	return out, n, nil
}
