package store

import (
	"cmp"
	"context"
	"database/sql"
	"fmt"
	"maps"
	"slices"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Per-org seat totals (table copilot_seat_totals) and the seat rows' copy
// of their holder's activity: what lets the dashboard and the billing
// counts answer from a few rows and index ranges instead of every seat.
//
// Both are kept by the ledger's own writes, in their transaction: the
// rows a re-resolution deletes are taken out of the totals before they
// go (takeSeatRows, or dropSeatTotals for a whole org), the rows it
// writes are added, with the activity then recorded (resolveMembers),
// and the writes that record activity copy it onto the seat rows
// (copySeatActivity).

// totalKey is a row of copilot_seat_totals without its count.
type totalKey struct {
	at          int64
	state       string
	pending     int // 1 when the seats are pending cancellation
	team, eteam int64
}

// seatDeltas are changes to an org's totals, by row.
type seatDeltas map[totalKey]int64

// add counts n seat rows held from from to until (seatForever: no end).
func (d seatDeltas) add(from, until int64, state string, pending bool, team, eteam int64, n int64) {
	k := totalKey{at: from, state: state, team: team, eteam: eteam}
	if pending {
		k.pending = 1
	}
	d[k] += n
	if until < seatForever {
		k.at = until
		d[k] -= n
	}
}

// dropSeatTotals forgets an org's totals, before all its seat rows are
// deleted.
func (o ops) dropSeatTotals(ctx context.Context, orgID int64) error {
	if _, err := o.exec(ctx, `DELETE FROM copilot_seat_totals WHERE org_id = ?`, orgID); err != nil {
		return fmt.Errorf("store: seat totals: %w", err)
	}
	return nil
}

// applySeatTotals adds deltas to an org's totals and drops the rows left
// at zero.
func (o ops) applySeatTotals(ctx context.Context, orgID int64, d seatDeltas) error {
	keys := slices.SortedFunc(maps.Keys(d), func(a, b totalKey) int {
		return cmp.Or(cmp.Compare(a.at, b.at), cmp.Compare(a.state, b.state), cmp.Compare(a.pending, b.pending),
			cmp.Compare(a.team, b.team), cmp.Compare(a.eteam, b.eteam))
	})
	var rows [][]any
	for _, k := range keys {
		if d[k] != 0 {
			rows = append(rows, []any{orgID, k.at, k.state, k.pending, k.team, k.eteam, d[k]})
		}
	}
	if len(rows) == 0 {
		return nil
	}
	err := o.insertRowsThen(ctx, "copilot_seat_totals", "org_id, at, state, pending, team_id, enterprise_team_id, seats", rows,
		` ON CONFLICT (org_id, at, state, pending, team_id, enterprise_team_id) DO UPDATE SET seats = copilot_seat_totals.seats + excluded.seats`)
	if err != nil {
		return fmt.Errorf("store: seat totals: %w", err)
	}
	if _, err := o.exec(ctx, `DELETE FROM copilot_seat_totals WHERE org_id = ? AND seats = 0`, orgID); err != nil {
		return fmt.Errorf("store: seat totals: %w", err)
	}
	return nil
}

// copySeatActivity copies the activity recorded for users in an org onto
// their seat rows (idle_since: the last use, or the grant if never used):
// seats are read with their activity from their rows alone. Rows of users
// with no activity keep what they were written with: none, and idle since
// their grant.
func (o ops) copySeatActivity(ctx context.Context, orgID int64, users Users) error {
	f, args, err := userFilter("user_id", users, []any{orgID})
	if err != nil {
		return err
	}
	const act = `(SELECT a.%s FROM copilot_activity a WHERE a.org_id = copilot_seats.org_id AND a.user_id = copilot_seats.user_id)`
	_, err = o.exec(ctx, `UPDATE copilot_seats SET last_activity_at = `+fmt.Sprintf(act, "last_activity_at")+`,
			last_activity_editor = `+fmt.Sprintf(act, "last_activity_editor")+`,
			last_authenticated_at = `+fmt.Sprintf(act, "last_authenticated_at")+`,
			idle_since = COALESCE(`+fmt.Sprintf(act, "last_activity_at")+`, created_at)
		WHERE org_id = ?`+f+` AND EXISTS (SELECT 1 FROM copilot_activity a WHERE a.org_id = copilot_seats.org_id AND a.user_id = copilot_seats.user_id)`, args...)
	if err != nil {
		return fmt.Errorf("store: seat activity: %w", err)
	}
	return nil
}

// OrgSeatTotal is how many seats an org holds at a moment of one kind:
// its holders' state, pending cancellation or not, carried by one grant.
type OrgSeatTotal struct {
	State   string
	Pending bool
	Grant   SeatGrant
	Seats   int
}

// OrgSeatTotals reads an org's seat totals at at from the kept totals:
// a few rows, whatever the org's size. Kinds with no seats are left out.
func (o ops) OrgSeatTotals(ctx context.Context, orgID int64, at time.Time) ([]OrgSeatTotal, error) {
	rows, err := o.query(ctx, `SELECT state, pending, team_id, enterprise_team_id, SUM(seats) FROM copilot_seat_totals
		WHERE org_id = ? AND at <= ?
		GROUP BY state, pending, team_id, enterprise_team_id HAVING SUM(seats) <> 0
		ORDER BY state, pending, team_id, enterprise_team_id`, orgID, unix(at))
	if err != nil {
		return nil, fmt.Errorf("store: seat totals: %w", err)
	}
	var out []OrgSeatTotal
	err = eachRow(rows, func(row *sql.Rows) error {
		var t OrgSeatTotal
		var pending int
		if err := row.Scan(&t.State, &pending, &t.Grant.TeamID, &t.Grant.EnterpriseTeamID, &t.Seats); err != nil {
			return err
		}
		t.Pending = pending != 0
		out = append(out, t)
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: seat totals: %w", err)
	}
	return out, nil
}

// SeatTotal is how many seats an org's active members hold at a moment,
// and how many of them are pending cancellation.
type SeatTotal struct{ Listed, Pending int }

// SeatTotals counts every org's listed seats at at from the kept totals,
// by org id (orgs with none are left out).
func (o ops) SeatTotals(ctx context.Context, at time.Time) (map[int64]SeatTotal, error) {
	rows, err := o.query(ctx, `SELECT org_id, pending, SUM(seats) FROM copilot_seat_totals
		WHERE state = ? AND at <= ? GROUP BY org_id, pending HAVING SUM(seats) <> 0`, seatkeeper.StateActive, unix(at))
	if err != nil {
		return nil, fmt.Errorf("store: seat totals: %w", err)
	}
	out := map[int64]SeatTotal{}
	err = eachRow(rows, func(row *sql.Rows) error {
		var org int64
		var pending, n int
		if err := row.Scan(&org, &pending, &n); err != nil {
			return err
		}
		t := out[org]
		t.Listed += n
		if pending != 0 {
			t.Pending += n
		}
		out[org] = t
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: seat totals: %w", err)
	}
	return out, nil
}
