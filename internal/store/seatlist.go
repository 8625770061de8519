package store

import (
	"context"
	"database/sql"
	"fmt"
	"slices"
	"strings"
	"time"

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
}

// SeatGrant names what carries a seat: a team, an enterprise team, or
// (both zero) a direct grant.
type SeatGrant struct{ TeamID, EnterpriseTeamID int64 }

const (
	seatListFrom     = ` FROM copilot_seats s JOIN users u ON u.id = s.user_id` + seatActivityJoin
	seatActivityJoin = `
	LEFT JOIN copilot_activity a ON a.org_id = s.org_id AND a.user_id = s.user_id`
)

// byUser reports whether f reads the holders' logins or names.
func (f SeatFilter) byUser() bool { return f.Search != "" || len(f.Logins) > 0 }

// seatIdleSince is when a seat was last used, or granted if never used.
const seatIdleSince = `COALESCE(a.last_activity_at, s.created_at)`

// base is the condition every listed seat at f.At meets, and filter the
// one f adds ("1 = 1" when none).
func (f SeatFilter) conditions() (base string, baseArgs []any, filter string, filterArgs []any) {
	at := unix(f.At)
	base = `s.org_id = ? AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ?`
	baseArgs = []any{f.OrgID, seatkeeper.StateActive, at, at}
	var conds []string
	if f.Search != "" {
		pattern := "%" + likeEscaper.Replace(strings.ToLower(f.Search)) + "%"
		conds = append(conds, `(u.login_key LIKE ? ESCAPE '\' OR LOWER(u.name) LIKE ? ESCAPE '\')`)
		filterArgs = append(filterArgs, pattern, pattern)
	}
	if !f.IdleAt.IsZero() {
		conds = append(conds, seatIdleSince+` <= ?`)
		filterArgs = append(filterArgs, unix(f.IdleAt))
	}
	if f.Never {
		conds = append(conds, `a.last_activity_at IS NULL`)
	}
	if f.Pending {
		conds = append(conds, `s.pending_cancellation_date IS NOT NULL`)
	}
	if g := f.Grant; g != nil {
		switch {
		case g.TeamID != 0:
			conds = append(conds, `s.team_id = ?`)
			filterArgs = append(filterArgs, g.TeamID)
		case g.EnterpriseTeamID != 0:
			conds = append(conds, `s.enterprise_team_id = ?`)
			filterArgs = append(filterArgs, g.EnterpriseTeamID)
		default:
			conds = append(conds, `s.team_id IS NULL AND s.enterprise_team_id IS NULL`)
		}
	}
	if len(f.Logins) > 0 {
		// Through the users' login index: a few seats, found by key.
		conds = append(conds, `s.user_id IN (SELECT id FROM users WHERE login_key IN (`+marks(len(f.Logins))+`))`)
		for _, l := range f.Logins {
			filterArgs = append(filterArgs, seatkeeper.LoginKey(l))
		}
	}
	if len(f.UserIDs) > 0 {
		conds = append(conds, `s.user_id IN (`+marks(len(f.UserIDs))+`)`)
		for _, id := range f.UserIDs {
			filterArgs = append(filterArgs, id)
		}
	}
	filter = "1 = 1"
	if len(conds) > 0 {
		filter = strings.Join(conds, " AND ")
	}
	return base, baseArgs, filter, filterArgs
}

var likeEscaper = strings.NewReplacer(`\`, `\\`, `%`, `\%`, `_`, `\_`)

// SeatSpan is a span of time [From, Until) a seat sum counts the seats of:
// those granted before Until that are not cancelled on or before From.
// Both are 00:00 UTC.
type SeatSpan struct{ From, Until time.Time }

// SeatSums are the sums of an org's listed seats at a moment, of one
// grant (Grant) or of all of them.
type SeatSums struct {
	Grant    SeatGrant
	Listed   int   // listed seats
	Pending  int   // of them pending cancellation
	Never    int   // of them never used
	IdleAt   []int // of them idle since each of the times asked for, or longer
	InSpan   []int // of them held in each of the spans asked for
	Matching int   // of them that the filter keeps
}

// SumSeats sums the listed seats f's org holds at f.At, by the grant that
// carries them, and counts those f keeps: one pass over the ledger. For
// each time of idleAt, the seats idle since then or longer (as
// SeatFilter.IdleAt finds them); for each span, the seats held in it.
func (o ops) SumSeats(ctx context.Context, f SeatFilter, idleAt []time.Time, spans []SeatSpan) ([]SeatSums, error) {
	base, args, filter, filterArgs := f.conditions()
	var cols []string
	var colArgs []any
	for _, t := range idleAt {
		cols = append(cols, `SUM(CASE WHEN `+seatIdleSince+` <= ? THEN 1 ELSE 0 END)`)
		colArgs = append(colArgs, unix(t))
	}
	for _, sp := range spans {
		cols = append(cols, `SUM(CASE WHEN s.created_at < ? AND (s.pending_cancellation_date IS NULL OR s.pending_cancellation_date > ?) THEN 1 ELSE 0 END)`)
		colArgs = append(colArgs, unix(sp.Until), seatkeeper.DateOf(sp.From).String())
	}
	cols = append(cols, `SUM(CASE WHEN `+filter+` THEN 1 ELSE 0 END)`)
	colArgs = append(colArgs, filterArgs...)
	from := ` FROM copilot_seats s` + seatActivityJoin // the holders only when the filter needs them
	if f.byUser() {
		from = seatListFrom
	}
	query := `SELECT s.team_id, s.enterprise_team_id, COUNT(*),
			SUM(CASE WHEN s.pending_cancellation_date IS NULL THEN 0 ELSE 1 END),
			SUM(CASE WHEN a.last_activity_at IS NULL THEN 1 ELSE 0 END), ` + strings.Join(cols, ", ") +
		from + ` WHERE ` + base + ` GROUP BY s.team_id, s.enterprise_team_id`
	rows, err := o.query(ctx, query, append(colArgs, args...)...)
	if err != nil {
		return nil, fmt.Errorf("store: sum seats: %w", err)
	}
	var out []SeatSums
	err = eachRow(rows, func(row *sql.Rows) error {
		var team, eteam sql.NullInt64
		s := SeatSums{IdleAt: make([]int, len(idleAt)), InSpan: make([]int, len(spans))}
		dest := []any{&team, &eteam, &s.Listed, &s.Pending, &s.Never}
		for i := range s.IdleAt {
			dest = append(dest, &s.IdleAt[i])
		}
		for i := range s.InSpan {
			dest = append(dest, &s.InSpan[i])
		}
		dest = append(dest, &s.Matching)
		if err := row.Scan(dest...); err != nil {
			return err
		}
		s.Grant = SeatGrant{TeamID: team.Int64, EnterpriseTeamID: eteam.Int64}
		out = append(out, s)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: sum seats: %w", err)
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
		key = `COALESCE(a.last_activity_at, 0)`
	case SeatsByEditor:
		key = text(`COALESCE(a.last_activity_editor, '')`)
	case SeatsByPending:
		key = text(`COALESCE(s.pending_cancellation_date, '')`)
	default:
		// Whole days idle, as the report counts them.
		key = `CASE WHEN ? < ` + seatIdleSince + ` THEN 0 ELSE (? - ` + seatIdleSince + `) / 86400 END`
		args = []any{unix(at), unix(at)}
	}
	dir := ""
	if ord.Desc {
		dir = " DESC"
	}
	return ` ORDER BY ` + key + dir + `, ` + text(`u.login_key`), args
}

// ListSeats returns the seats f keeps, sorted, limit of them (all when
// limit is 0) from offset.
func (o ops) ListSeats(ctx context.Context, f SeatFilter, ord SeatOrder, offset, limit int) ([]LedgerSeat, error) {
	query, args := o.listSeatsQuery(f, ord)
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

// EachSeat calls fn with each seat f keeps, sorted, as the database
// returns them, without holding them all.
func (o ops) EachSeat(ctx context.Context, f SeatFilter, ord SeatOrder, fn func(LedgerSeat) error) error {
	query, args := o.listSeatsQuery(f, ord)
	rows, err := o.query(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: list seats: %w", err)
	}
	return eachRow(rows, func(row *sql.Rows) error {
		s, err := scanLedgerSeat(row)
		if err != nil {
			return fmt.Errorf("store: list seats: %w", err)
		}
		return fn(s)
	})
}

func (o ops) listSeatsQuery(f SeatFilter, ord SeatOrder) (string, []any) {
	base, args, filter, filterArgs := f.conditions()
	order, orderArgs := o.seatOrderBy(ord, f.At)
	query := `SELECT ` + ledgerSeatCols + seatListFrom + ` WHERE ` + base + ` AND ` + filter + order
	args = append(append(args, filterArgs...), orderArgs...)
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
