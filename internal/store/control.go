package store

import (
	"cmp"
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// This file holds what the control API, export and bootstrap need beyond
// the GitHub-facing queries: disabling Copilot, wiping state, and reading
// rows as they are stored so that they can be written back out.

// DeleteSubscription disables Copilot for an org: the subscription goes,
// and with it every seat grant, residual seat and recorded activity in the
// org, as GitHub drops seats when Copilot is turned off. A wrapped
// ErrNotFound when Copilot was not enabled.
func (o ops) DeleteSubscription(ctx context.Context, orgID int64) error {
	res, err := o.exec(ctx, `DELETE FROM copilot_subscriptions WHERE org_id = ?`, orgID)
	if err != nil {
		return fmt.Errorf("store: delete subscription: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("copilot subscription: %w", ErrNotFound)
	}
	for _, table := range []string{"copilot_grants", "copilot_residual_seats", "copilot_activity"} {
		if _, err := o.exec(ctx, `DELETE FROM `+table+` WHERE org_id = ?`, orgID); err != nil {
			return fmt.Errorf("store: delete %s: %w", table, err)
		}
	}
	return o.orgSeatsChanged(ctx, orgID)
}

// Reset deletes every organization, enterprise, user and token except the
// users in keepUsers and those of their tokens that act for no
// organization (a kept user's token on an org goes with the org). Id
// sequences are left alone: an id is never handed out twice.
func (o ops) Reset(ctx context.Context, keepUsers []int64) error {
	tokens, users := `DELETE FROM tokens`, `DELETE FROM users`
	var args []any
	if len(keepUsers) > 0 {
		in := "(" + strings.TrimSuffix(strings.Repeat("?, ", len(keepUsers)), ", ") + ")"
		tokens += ` WHERE user_id IS NULL OR user_id NOT IN ` + in
		users += ` WHERE id NOT IN ` + in
		for _, id := range keepUsers {
			args = append(args, id)
		}
	}
	for _, q := range []struct {
		query string
		args  []any
	}{
		{tokens, args},
		{`DELETE FROM organizations`, nil}, // cascades to everything in them
		{`DELETE FROM enterprises`, nil},
		{users, args},
		{`DELETE FROM audit_log`, nil},
		// Repair a sequence an explicit id beyond seatkeeper.MaxID sent
		// past the range (an older version let seeds do it): count on
		// from the largest id left in its range.
		{`UPDATE id_sequences SET last_id = CASE name
			WHEN '` + seqAccounts + `' THEN (SELECT COALESCE(MAX(id), 0) FROM users WHERE id <= ?)
			WHEN '` + seqTokens + `' THEN (SELECT COALESCE(MAX(id), 0) FROM tokens WHERE id <= ?)
			ELSE 0 END
			WHERE last_id > ?`, []any{int64(seatkeeper.MaxID), int64(seatkeeper.MaxID), int64(seatkeeper.MaxID)}},
	} {
		if _, err := o.exec(ctx, q.query, q.args...); err != nil {
			return fmt.Errorf("store: reset: %w", err)
		}
	}
	return nil
}

// MarkSiteAdmin makes a user a site administrator.
func (o ops) MarkSiteAdmin(ctx context.Context, userID int64, at time.Time) error {
	res, err := o.exec(ctx, `UPDATE users SET site_admin = TRUE, updated_at = ? WHERE id = ?`, unix(at), userID)
	if err != nil {
		return fmt.Errorf("store: site admin: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("user %d: %w", userID, ErrNotFound)
	}
	return nil
}

// TeamMemberRow is a direct member of an org team as stored.
type TeamMemberRow struct {
	UserID   int64
	Role     string // member | maintainer
	JoinedAt time.Time
}

// TeamMemberRows lists a team's direct members in user id order.
func (o ops) TeamMemberRows(ctx context.Context, teamID int64) ([]TeamMemberRow, error) {
	return queryAll(ctx, o, scanTeamMemberRow, `SELECT user_id, role, created_at FROM team_members WHERE team_id = ? ORDER BY user_id`, teamID)
}

func scanTeamMemberRow(row interface{ Scan(...any) error }) (TeamMemberRow, error) {
	var m TeamMemberRow
	var at int64
	err := row.Scan(&m.UserID, &m.Role, &at)
	m.JoinedAt = fromUnix(at)
	return m, err
}

func scanEnterpriseTeamMemberRow(row interface{ Scan(...any) error }) (TeamMemberRow, error) {
	var m TeamMemberRow
	var at int64
	err := row.Scan(&m.UserID, &at)
	m.JoinedAt = fromUnix(at)
	return m, err
}

// ResidualSeatRows lists an org's residual seats in user id order.
func (o ops) ResidualSeatRows(ctx context.Context, orgID int64) ([]ResidualSeat, error) {
	rs, err := o.residualSeats(ctx, orgID, Users{})
	// residualSeats has no ORDER BY; sort here to keep its query shared.
	slices.SortFunc(rs, func(a, b ResidualSeat) int { return cmp.Compare(a.UserID, b.UserID) })
	return rs, err
}

// CopilotOrgs lists the organizations with Copilot enabled, in id order.
func (o ops) CopilotOrgs(ctx context.Context) ([]seatkeeper.Organization, error) {
	return queryAll(ctx, o, scanOrg, `SELECT `+prefixCols("g", orgCols)+` FROM organizations g
		JOIN copilot_subscriptions s ON s.org_id = g.id ORDER BY g.id`)
}
