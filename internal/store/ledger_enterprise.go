package store

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/seatkeeper/seatkeeper"
)

// The seat ledger's enterprise-level rows (table enterprise_copilot_seats)
// are kept as an organization's are (ledger.go): a write that can change
// an enterprise's own seats marks the (enterprise, user) pairs it affects,
// or the whole enterprise, and the transaction re-resolves them
// (seatkeeper.EnterpriseReaches and SeatSpans over what
// EnterpriseReachesOf reads) before it commits.

// enterpriseUsersChanged marks users' enterprise-level seats as changed.
// Outside a transaction they are re-resolved at once.
func (o ops) enterpriseUsersChanged(ctx context.Context, entID int64, userIDs ...int64) error {
	o.touchEnterprise(entID)
	if len(userIDs) == 0 {
		return nil
	}
	if o.dirt == nil {
		return o.resolveEnterpriseUsers(ctx, entID, userIDs)
	}
	if o.dirt.ents[entID] {
		return nil
	}
	if o.dirt.entUsers == nil {
		o.dirt.entUsers = map[int64]map[int64]bool{}
	}
	set := o.dirt.entUsers[entID]
	if set == nil {
		set = map[int64]bool{}
		o.dirt.entUsers[entID] = set
	}
	for _, id := range userIDs {
		set[id] = true
	}
	return nil
}

// enterpriseSeatsChanged marks every enterprise-level seat of an
// enterprise as changed.
func (o ops) enterpriseSeatsChanged(ctx context.Context, entID int64) error {
	o.touchEnterprise(entID)
	if o.dirt == nil {
		return o.resolveEnterprise(ctx, entID)
	}
	if o.dirt.ents == nil {
		o.dirt.ents = map[int64]bool{}
	}
	o.dirt.ents[entID] = true
	delete(o.dirt.entUsers, entID)
	return nil
}

// enterpriseLevelTeamChanged marks the enterprise-level seats a grant to
// an enterprise team gives (all its members when userIDs is empty).
func (o ops) enterpriseLevelTeamChanged(ctx context.Context, teamID int64, userIDs []int64) error {
	ents, err := queryAll(ctx, o, scanInt64, `SELECT enterprise_id FROM enterprise_copilot_grants WHERE enterprise_team_id = ?`, teamID)
	if err != nil || len(ents) == 0 {
		return err
	}
	if len(userIDs) == 0 {
		if userIDs, err = o.EnterpriseTeamMemberIDs(ctx, teamID); err != nil {
			return err
		}
	}
	return o.enterpriseUsersChanged(ctx, ents[0], userIDs...)
}

// flushEnterpriseLedger re-resolves the enterprise-level seats the
// transaction marked.
func (o ops) flushEnterpriseLedger(ctx context.Context) error {
	for _, ent := range slices.Sorted(maps.Keys(o.dirt.ents)) {
		if err := o.resolveEnterprise(ctx, ent); err != nil {
			return err
		}
	}
	for _, ent := range slices.Sorted(maps.Keys(o.dirt.entUsers)) {
		if err := o.resolveEnterpriseUsers(ctx, ent, slices.Sorted(maps.Keys(o.dirt.entUsers[ent]))); err != nil {
			return err
		}
	}
	o.dirt.ents, o.dirt.entUsers = nil, nil
	return nil
}

// resolveEnterprise rewrites every enterprise-level seat row of an
// enterprise: those of the users who hold rows and of those its grants
// reach.
func (o ops) resolveEnterprise(ctx context.Context, entID int64) error {
	held, err := queryAll(ctx, o, scanInt64, `SELECT DISTINCT user_id FROM enterprise_copilot_seats WHERE enterprise_id = ?`, entID)
	if err != nil {
		return fmt.Errorf("store: seat ledger: %w", err)
	}
	ids, err := o.enterpriseGranteeIDs(ctx, entID)
	if err != nil {
		return err
	}
	return o.resolveEnterpriseUsers(ctx, entID, slices.Compact(slices.Sorted(slices.Values(append(held, ids...)))))
}

// resolveEnterpriseUsers rewrites some users' enterprise-level seat rows.
func (o ops) resolveEnterpriseUsers(ctx context.Context, entID int64, userIDs []int64) error {
	sub, err := o.EnterpriseSubscription(ctx, entID)
	if err != nil && !seatkeeper.IsNotFound(err) {
		return err
	}
	enabled := err == nil
	for chunk := range slices.Chunk(userIDs, MaxUsers) {
		users := OnlyUsers(chunk...)
		f, args, err := userFilter("user_id", users, []any{entID})
		if err != nil {
			return err
		}
		// By the primary key: updated_at keeps the list index from
		// covering the query.
		taken, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) (listedRow, error) {
			var r listedRow
			var updated int64
			err := row.Scan(&r.created, &r.user, &r.from, &r.until, &updated)
			return r, err
		}, `SELECT created_at, user_id, valid_from, ends_at, updated_at FROM enterprise_copilot_seats WHERE enterprise_id = ?`+f, args...)
		if err != nil {
			return fmt.Errorf("store: seat ledger: %w", err)
		}
		if err := o.entListRowsCounted(ctx, entID, taken, nil); err != nil {
			return err
		}
		if _, err := o.exec(ctx, `DELETE FROM enterprise_copilot_seats WHERE enterprise_id = ?`+f, args...); err != nil {
			return fmt.Errorf("store: seat ledger: %w", err)
		}
		if enabled { // else the enterprise's own Copilot is off: no seats
			reaches, err := o.EnterpriseReachesOf(ctx, entID, users)
			if err != nil {
				return err
			}
			var rows [][]any
			var listed []listedRow
			for _, id := range chunk {
				for _, span := range seatkeeper.SeatSpans(seatkeeper.EnterpriseReaches(sub, reaches[id])) {
					r := spanRow(span)
					var eteam int64
					if span.Chosen.ETeam != nil {
						eteam = span.Chosen.ETeam.ID
					}
					rows = append(rows, []any{entID, id, r.from, r.until, r.created, r.updated, nullDate(span.Pending), nullID(eteam)})
					listed = append(listed, listedRow{created: r.created, user: id, from: r.from, until: r.until})
				}
			}
			if err := o.insertRows(ctx, "enterprise_copilot_seats", entSeatRowCols, rows); err != nil {
				return err
			}
			if err := o.entListRowsCounted(ctx, entID, nil, listed); err != nil {
				return err
			}
		}
		if err := o.refreshHolders(ctx, entID, chunk); err != nil {
			return err
		}
	}
	return nil
}

const entSeatRowCols = `enterprise_id, user_id, valid_from, ends_at, created_at, updated_at, pending_cancellation_date, enterprise_team_id`

// spanBounds is a seat span as the ledger stores it, in Unix seconds.
type spanBounds struct{ from, until, created, updated int64 }

// spanRow gives a span's stored bounds: from and until (seatAlways and
// seatForever for none), when the seat was granted and last changed.
func spanRow(span seatkeeper.SeatSpan) spanBounds {
	b := spanBounds{from: seatAlways, until: seatForever}
	if !span.From.IsZero() {
		b.from = span.From.Unix()
	}
	if !span.Until.IsZero() {
		b.until = span.Until.Unix()
	}
	since := span.Chosen.Since()
	updated := span.Chosen.Grant.UpdatedAt
	if since.After(updated) {
		updated = since
	}
	b.created, b.updated = unix(since), unix(updated)
	return b
}
