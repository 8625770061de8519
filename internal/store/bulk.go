package store

import (
	"context"
	"fmt"
	"math"
	"strings"

	"github.com/seatkeeper/seatkeeper"
)

// Bulk writes for data-set generation: many rows a statement, ids
// reserved in blocks. They skip the per-row checks of the ordinary
// methods (login uniqueness across users and orgs, say): the caller
// guarantees valid data.

// ReserveIDs reserves n consecutive ids of a sequence and returns the
// first.
func (o ops) ReserveIDs(ctx context.Context, seq string, n int64) (int64, error) {
	if _, err := o.exec(ctx, `INSERT INTO id_sequences (name, last_id) VALUES (?, 0) ON CONFLICT (name) DO NOTHING`, seq); err != nil {
		return 0, fmt.Errorf("store: reserve ids: %w", err)
	}
	var last int64
	if err := o.queryRow(ctx, `UPDATE id_sequences SET last_id = last_id + ? WHERE name = ? RETURNING last_id`, n, seq).Scan(&last); err != nil {
		return 0, fmt.Errorf("store: reserve ids: %w", err)
	}
	return last - n + 1, nil
}

// Sequence names callers of ReserveIDs may use.
const (
	SeqAccounts = seqAccounts
	SeqTeams    = seqTeams
	SeqGrants   = seqGrants
	SeqTokens   = seqTokens
)

// insertRows inserts rows into table in batches, each row's values in the
// order of cols.
func (o ops) insertRows(ctx context.Context, table, cols string, rows [][]any) error {
	return o.insertRowsThen(ctx, table, cols, rows, "")
}

// insertRowsThen is insertRows with a clause after the values, such as
// ON CONFLICT … DO UPDATE.
func (o ops) insertRowsThen(ctx context.Context, table, cols string, rows [][]any, then string) error {
	n := len(strings.Split(cols, ","))
	// SQLite allows 32766 parameters a statement; stay well below.
	batch := max(1, 4000/n)
	one := "(" + strings.TrimSuffix(strings.Repeat("?, ", n), ", ") + ")"
	for start := 0; start < len(rows); start += batch {
		end := min(start+batch, len(rows))
		var q strings.Builder
		q.WriteString("INSERT INTO " + table + " (" + cols + ") VALUES ")
		args := make([]any, 0, (end-start)*n)
		for i := start; i < end; i++ {
			if i > start {
				q.WriteString(", ")
			}
			q.WriteString(one)
			args = append(args, rows[i]...)
		}
		q.WriteString(then)
		if _, err := o.exec(ctx, q.String(), args...); err != nil {
			return fmt.Errorf("store: bulk insert into %s: %w", table, err)
		}
	}
	return nil
}

// BulkUsers inserts users whose ids are already reserved.
func (o ops) BulkUsers(ctx context.Context, us []seatkeeper.User) error {
	rows := make([][]any, len(us))
	for i, u := range us {
		rows[i] = []any{u.ID, u.Login, seatkeeper.LoginKey(u.Login), u.Name, u.Email, u.SiteAdmin, unix(u.CreatedAt), unix(u.UpdatedAt)}
	}
	return o.insertRows(ctx, "users", "id, login, login_key, name, email, site_admin, created_at, updated_at", rows)
}

// BulkMemberships inserts memberships.
func (o ops) BulkMemberships(ctx context.Context, ms []seatkeeper.Membership) error {
	rows := make([][]any, len(ms))
	for i, m := range ms {
		rows[i] = []any{m.OrgID, m.UserID, m.Role, m.State, unix(m.CreatedAt), unix(m.UpdatedAt)}
	}
	if err := o.insertRows(ctx, "org_memberships", "org_id, user_id, role, state, created_at, updated_at", rows); err != nil {
		return err
	}
	for _, m := range ms {
		if err := o.seatsChanged(ctx, m.OrgID, m.UserID); err != nil {
			return err
		}
	}
	return nil
}

// BulkTeamMembers inserts team memberships (role member).
func (o ops) BulkTeamMembers(ctx context.Context, teamID int64, userIDs []int64, at int64) error {
	rows := make([][]any, len(userIDs))
	for i, id := range userIDs {
		rows[i] = []any{teamID, id, "member", at}
	}
	if err := o.insertRows(ctx, "team_members", "team_id, user_id, role, created_at", rows); err != nil {
		return err
	}
	return o.teamUsersChanged(ctx, teamID, userIDs...)
}

// BulkGrants inserts grants whose ids are already reserved.
func (o ops) BulkGrants(ctx context.Context, gs []seatkeeper.Grant) error {
	rows := make([][]any, len(gs))
	for i, g := range gs {
		rows[i] = []any{g.ID, g.OrgID, nullID(g.UserID), nullID(g.TeamID), nullID(g.EnterpriseTeamID),
			unix(g.CreatedAt), unix(g.UpdatedAt), nullDate(g.PendingCancellationDate)}
	}
	if err := o.insertRows(ctx, "copilot_grants", grantCols, rows); err != nil {
		return err
	}
	return o.grantsChanged(ctx, gs)
}

// BulkActivity inserts activity rows, by user id.
func (o ops) BulkActivity(ctx context.Context, orgID int64, acts map[int64]seatkeeper.Activity) error {
	o.touchOrg(orgID)
	rows := make([][]any, 0, len(acts))
	for id, a := range acts {
		rows = append(rows, append([]any{orgID, id}, activityRow(a)...))
	}
	if err := o.insertRows(ctx, "copilot_activity", "org_id, user_id, "+activityCols, rows); err != nil {
		return err
	}
	if len(acts) == 0 {
		return nil
	}
	lo, hi := int64(math.MaxInt64), int64(math.MinInt64)
	for id := range acts {
		lo, hi = min(lo, id), max(hi, id)
	}
	// Only these users' seat rows: a seed calls this once per chunk.
	return o.copySeatActivity(ctx, orgID, UserRange(lo, hi))
}

// ClaimIDs makes sure a sequence never hands out an id up to max, for
// callers that insert explicit ids with the bulk methods.
func (o ops) ClaimIDs(ctx context.Context, seq string, max int64) error {
	return o.claimID(ctx, seq, max)
}
