package store

import (
	"context"
	"database/sql"
	"fmt"

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
	return nil
}

// Reaches returns every grant in an org that reaches a user: a direct
// grant, a grant to a team the user belongs to (directly or through a child
// team, with the earliest joining time), and a grant to an enterprise team
// the user belongs to. Each team reach carries its team.
func (o ops) Reaches(ctx context.Context, orgID, userID int64) ([]seatkeeper.Reach, error) {
	var out []seatkeeper.Reach
	direct, err := queryAll(ctx, o, scanGrant, `SELECT `+grantCols+` FROM copilot_grants WHERE org_id = ? AND user_id = ?`, orgID, userID)
	if err != nil {
		return nil, err
	}
	for _, g := range direct {
		out = append(out, seatkeeper.Reach{Grant: g})
	}

	// The user's teams in this org and all their ancestors. UNION (not
	// UNION ALL) ends the recursion even if a parent cycle slipped in.
	rows, err := o.query(ctx, `WITH RECURSIVE ut (team_id, joined_at) AS (
			SELECT tm.team_id, tm.created_at FROM team_members tm JOIN teams t ON t.id = tm.team_id
			WHERE tm.user_id = ? AND t.org_id = ?
			UNION
			SELECT t.parent_id, ut.joined_at FROM ut JOIN teams t ON t.id = ut.team_id WHERE t.parent_id IS NOT NULL
		)
		SELECT `+prefixCols("g", grantCols)+`, j.joined_at, `+prefixCols("t", teamCols)+`
		FROM copilot_grants g
		JOIN (SELECT team_id, MIN(joined_at) AS joined_at FROM ut GROUP BY team_id) j ON j.team_id = g.team_id
		JOIN teams t ON t.id = g.team_id
		WHERE g.org_id = ?`, userID, orgID, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: team reaches: %w", err)
	}
	defer rows.Close()
	for rows.Next() {
		var joined int64
		var t seatkeeper.Team
		var parent sql.NullInt64
		var tc, tu int64
		g, _, err := scanGrantExtra(rows, &joined, &t.ID, &t.OrgID, &t.Name, &t.Slug, &t.Description, &t.Privacy,
			&t.NotificationSetting, &t.Permission, &parent, &tc, &tu)
		if err != nil {
			return nil, fmt.Errorf("store: team reaches: %w", err)
		}
		t.ParentID, t.CreatedAt, t.UpdatedAt = parent.Int64, fromUnix(tc), fromUnix(tu)
		out = append(out, seatkeeper.Reach{Grant: g, JoinedAt: fromUnix(joined), Team: &t})
	}
	if err := rows.Err(); err != nil {
		return nil, fmt.Errorf("store: team reaches: %w", err)
	}
	rows.Close()

	erows, err := o.query(ctx, `SELECT `+prefixCols("g", grantCols)+`, m.created_at, `+prefixCols("et", eteamCols)+`
		FROM copilot_grants g
		JOIN enterprise_team_members m ON m.team_id = g.enterprise_team_id AND m.user_id = ?
		JOIN enterprise_teams et ON et.id = g.enterprise_team_id
		WHERE g.org_id = ?`, userID, orgID)
	if err != nil {
		return nil, fmt.Errorf("store: enterprise team reaches: %w", err)
	}
	defer erows.Close()
	for erows.Next() {
		var joined int64
		var t seatkeeper.EnterpriseTeam
		var tc, tu int64
		g, _, err := scanGrantExtra(erows, &joined, &t.ID, &t.EnterpriseID, &t.Name, &t.Slug, &t.Description, &tc, &tu)
		if err != nil {
			return nil, fmt.Errorf("store: enterprise team reaches: %w", err)
		}
		t.CreatedAt, t.UpdatedAt = fromUnix(tc), fromUnix(tu)
		out = append(out, seatkeeper.Reach{Grant: g, JoinedAt: fromUnix(joined), ETeam: &t})
	}
	return out, erows.Err()
}
