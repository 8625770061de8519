package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

const grantCols = `id, org_id, user_id, team_id, enterprise_team_id, created_at, updated_at, pending_cancellation_date`

func scanGrant(row interface{ Scan(...any) error }) (seatkeeper.Grant, error) {
	g, _, err := scanGrantExtra(row)
	return g, err
}

// scanGrantExtra scans grantCols followed by any extra destinations.
func scanGrantExtra(row interface{ Scan(...any) error }, extra ...any) (seatkeeper.Grant, []any, error) {
	var g seatkeeper.Grant
	var user, team, eteam sql.NullInt64
	var created, updated int64
	var pending sql.NullString
	dest := append([]any{&g.ID, &g.OrgID, &user, &team, &eteam, &created, &updated, &pending}, extra...)
	if err := row.Scan(dest...); err != nil {
		return g, nil, err
	}
	g.UserID, g.TeamID, g.EnterpriseTeamID = user.Int64, team.Int64, eteam.Int64
	switch {
	case user.Valid:
		g.Kind = seatkeeper.GrantUser
	case team.Valid:
		g.Kind = seatkeeper.GrantTeam
	default:
		g.Kind = seatkeeper.GrantEnterpriseTeam
	}
	g.CreatedAt, g.UpdatedAt = fromUnix(created), fromUnix(updated)
	var err error
	g.PendingCancellationDate, err = fromNullDate(pending)
	return g, extra, err
}

// Grants lists an org's grants in id order.
func (o ops) Grants(ctx context.Context, orgID int64) ([]seatkeeper.Grant, error) {
	return queryAll(ctx, o, scanGrant, `SELECT `+grantCols+` FROM copilot_grants WHERE org_id = ? ORDER BY id`, orgID)
}

// PutGrant creates a grant, or, when the org already has one for the same
// user or team, replaces its times and pending cancellation date. g.ID is
// set to the stored grant's id.
func (o ops) PutGrant(ctx context.Context, g *seatkeeper.Grant) error {
	var conflict string
	switch g.Kind {
	case seatkeeper.GrantUser:
		conflict = "org_id, user_id"
	case seatkeeper.GrantTeam:
		conflict = "org_id, team_id"
	case seatkeeper.GrantEnterpriseTeam:
		conflict = "org_id, enterprise_team_id"
	default:
		return fmt.Errorf("store: grant of unknown kind %d", g.Kind)
	}
	id, err := o.nextID(ctx, seqGrants)
	if err != nil {
		return err
	}
	err = o.queryRow(ctx, `INSERT INTO copilot_grants (id, org_id, user_id, team_id, enterprise_team_id, created_at, updated_at, pending_cancellation_date)
		VALUES (?, ?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (`+conflict+`) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at,
		pending_cancellation_date = excluded.pending_cancellation_date
		RETURNING id`,
		id, g.OrgID, nullID(g.UserID), nullID(g.TeamID), nullID(g.EnterpriseTeamID), unix(g.CreatedAt), unix(g.UpdatedAt),
		nullDate(g.PendingCancellationDate)).Scan(&g.ID)
	if err != nil {
		return fmt.Errorf("store: grant: %w", err)
	}
	return o.grantsChanged(ctx, []seatkeeper.Grant{*g})
}

// UserGrant returns an org's direct grant to a user; a wrapped ErrNotFound
// when there is none.
func (o ops) UserGrant(ctx context.Context, orgID, userID int64) (seatkeeper.Grant, error) {
	g, err := scanGrant(o.queryRow(ctx, `SELECT `+grantCols+` FROM copilot_grants WHERE org_id = ? AND user_id = ?`, orgID, userID))
	if err != nil {
		return g, notFound("grant", err)
	}
	return g, nil
}

// UserGrants returns an org's direct grants to the given users, by user
// id; users without one are absent.
func (o ops) UserGrants(ctx context.Context, orgID int64, userIDs []int64) (map[int64]seatkeeper.Grant, error) {
	out := make(map[int64]seatkeeper.Grant, len(userIDs))
	err := inBatches(len(userIDs), func(lo, hi int) error {
		args := []any{orgID}
		for _, id := range userIDs[lo:hi] {
			args = append(args, id)
		}
		return queryEach(ctx, o, scanGrant, func(g seatkeeper.Grant) error {
			out[g.UserID] = g
			return nil
		}, `SELECT `+grantCols+` FROM copilot_grants WHERE org_id = ? AND user_id IN (`+marks(hi-lo)+`)`, args...)
	})
	return out, err
}

// TeamGrant returns an org's grant to one of its teams; a wrapped
// ErrNotFound when there is none.
func (o ops) TeamGrant(ctx context.Context, orgID, teamID int64) (seatkeeper.Grant, error) {
	g, err := scanGrant(o.queryRow(ctx, `SELECT `+grantCols+` FROM copilot_grants WHERE org_id = ? AND team_id = ?`, orgID, teamID))
	if err != nil {
		return g, notFound("grant", err)
	}
	return g, nil
}

// CancelGrants sets the given grants to end on date, as changed at.
func (o ops) CancelGrants(ctx context.Context, ids []int64, date seatkeeper.Date, at time.Time) error {
	err := inBatches(len(ids), func(lo, hi int) error {
		args := []any{unix(at), date.String()}
		for _, id := range ids[lo:hi] {
			args = append(args, id)
		}
		_, err := o.exec(ctx, `UPDATE copilot_grants SET updated_at = ?, pending_cancellation_date = ? WHERE id IN (`+marks(hi-lo)+`)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: cancel grants: %w", err)
	}
	return o.grantSeatsChanged(ctx, ids)
}

// ReviveGrants clears the given grants' cancellation dates as of at; with
// renew, they also count as granted at at (their cancellation had taken
// effect, so this is a new grant in the same row).
func (o ops) ReviveGrants(ctx context.Context, ids []int64, at time.Time, renew bool) error {
	set := `updated_at = ?, pending_cancellation_date = NULL`
	if renew {
		set += `, created_at = ?`
	}
	err := inBatches(len(ids), func(lo, hi int) error {
		args := []any{unix(at)}
		if renew {
			args = append(args, unix(at))
		}
		for _, id := range ids[lo:hi] {
			args = append(args, id)
		}
		_, err := o.exec(ctx, `UPDATE copilot_grants SET `+set+` WHERE id IN (`+marks(hi-lo)+`)`, args...)
		return err
	})
	if err != nil {
		return fmt.Errorf("store: revive grants: %w", err)
	}
	return o.grantSeatsChanged(ctx, ids)
}

// GroupGrants lists an org's team and enterprise team grants in id
// order.
func (o ops) GroupGrants(ctx context.Context, orgID int64) ([]seatkeeper.Grant, error) {
	return queryAll(ctx, o, scanGrant, `SELECT `+grantCols+` FROM copilot_grants WHERE org_id = ? AND user_id IS NULL ORDER BY id`, orgID)
}
