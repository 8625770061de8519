package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Queries behind GitHub's user, organization-membership and team
// endpoints. The rules that combine them live in internal/directory.

const seqInvitations = "invitations"

// ensureInvitation gives a pending membership an invitation if it has none.
func (o ops) ensureInvitation(ctx context.Context, m seatkeeper.Membership) error {
	var n int
	if err := o.queryRow(ctx, `SELECT COUNT(*) FROM org_invitations WHERE org_id = ? AND user_id = ?`, m.OrgID, m.UserID).Scan(&n); err != nil {
		return fmt.Errorf("store: invitation: %w", err)
	}
	if n > 0 {
		return nil
	}
	id, err := o.nextID(ctx, seqInvitations)
	if err != nil {
		return err
	}
	_, err = o.exec(ctx, `INSERT INTO org_invitations (id, org_id, user_id, created_at) VALUES (?, ?, ?, ?)`,
		id, m.OrgID, m.UserID, unix(m.UpdatedAt))
	if err != nil {
		return fmt.Errorf("store: invitation: %w", err)
	}
	return nil
}

// SetInviter records who sent the invitation of a pending membership.
func (o ops) SetInviter(ctx context.Context, orgID, userID, inviterID int64) error {
	o.touchOrg(orgID)
	_, err := o.exec(ctx, `UPDATE org_invitations SET inviter_id = ? WHERE org_id = ? AND user_id = ?`, nullID(inviterID), orgID, userID)
	if err != nil {
		return fmt.Errorf("store: inviter: %w", err)
	}
	return nil
}

// Invitations lists an org's pending memberships as invitations, oldest
// first, each with the number of the org's teams the invitee is on.
func (o ops) Invitations(ctx context.Context, orgID int64) ([]seatkeeper.Invitation, error) {
	type row struct {
		inv       seatkeeper.Invitation
		inviterID sql.NullInt64
	}
	rows, err := queryAll(ctx, o, func(r interface{ Scan(...any) error }) (row, error) {
		var x row
		var created, uc, uu int64
		u := &x.inv.User
		err := r.Scan(&x.inv.ID, &x.inv.OrgID, &x.inviterID, &created, &x.inv.Role, &x.inv.TeamCount,
			&u.ID, &u.Login, &u.Name, &u.Email, &u.SiteAdmin, &uc, &uu)
		x.inv.CreatedAt, u.CreatedAt, u.UpdatedAt = fromUnix(created), fromUnix(uc), fromUnix(uu)
		return x, err
	}, `SELECT i.id, i.org_id, i.inviter_id, i.created_at, m.role,
			(SELECT COUNT(*) FROM team_members tm JOIN teams t ON t.id = tm.team_id WHERE t.org_id = i.org_id AND tm.user_id = i.user_id),
			`+prefixCols("u", userCols)+`
		FROM org_invitations i
		JOIN org_memberships m ON m.org_id = i.org_id AND m.user_id = i.user_id
		JOIN users u ON u.id = i.user_id
		WHERE i.org_id = ? AND m.state = 'pending'
		ORDER BY i.id`, orgID)
	if err != nil {
		return nil, err
	}
	inviters := map[int64]*seatkeeper.User{}
	out := make([]seatkeeper.Invitation, len(rows))
	for i, x := range rows {
		if x.inviterID.Valid {
			id := x.inviterID.Int64
			if _, ok := inviters[id]; !ok {
				u, err := o.UserByID(ctx, id)
				if err != nil {
					return nil, err
				}
				inviters[id] = &u
			}
			x.inv.Inviter = inviters[id]
		}
		out[i] = x.inv
	}
	return out, nil
}

// DeleteMembership removes a user's membership of an org (and with it any
// invitation); a wrapped ErrNotFound when there is none.
func (o ops) DeleteMembership(ctx context.Context, orgID, userID int64) error {
	if err := o.deleteOne(ctx, "membership", `DELETE FROM org_memberships WHERE org_id = ? AND user_id = ?`, orgID, userID); err != nil {
		return err
	}
	return o.seatsChanged(ctx, orgID, userID)
}

// deleteOne runs a DELETE and reports a wrapped ErrNotFound when it removed
// nothing.
func (o ops) deleteOne(ctx context.Context, what, query string, args ...any) error {
	res, err := o.exec(ctx, query, args...)
	if err != nil {
		return fmt.Errorf("store: delete %s: %w", what, err)
	}
	if n, err := res.RowsAffected(); err != nil {
		return fmt.Errorf("store: delete %s: %w", what, err)
	} else if n == 0 {
		return fmt.Errorf("%s: %w", what, ErrNotFound)
	}
	return nil
}

// RemoveFromOrgTeams takes a user off every team of an org.
func (o ops) RemoveFromOrgTeams(ctx context.Context, orgID, userID int64) error {
	_, err := o.exec(ctx, `DELETE FROM team_members WHERE user_id = ? AND team_id IN (SELECT id FROM teams WHERE org_id = ?)`, userID, orgID)
	if err != nil {
		return fmt.Errorf("store: leave teams: %w", err)
	}
	return o.seatsChanged(ctx, orgID, userID)
}

// DeleteUserSeats removes what seats a user in an org directly: the org's
// direct grant to them and any residual seat.
func (o ops) DeleteUserSeats(ctx context.Context, orgID, userID int64) error {
	for _, q := range []string{
		`DELETE FROM copilot_grants WHERE org_id = ? AND user_id = ?`,
		`DELETE FROM copilot_residual_seats WHERE org_id = ? AND user_id = ?`,
	} {
		if _, err := o.exec(ctx, q, orgID, userID); err != nil {
			return fmt.Errorf("store: delete seats: %w", err)
		}
	}
	return o.seatsChanged(ctx, orgID, userID)
}

// TeamMember is a member of a team: directly, with a role, or through one
// of its child teams (Inherited, role member).
type TeamMember struct {
	User      seatkeeper.User
	Role      string
	Inherited bool
	JoinedAt  time.Time // the earliest joining of the team or a child team
	OrgRole   string    // the member's role in the org: admin or member
	OrgState  string    // the member's state in the org: active or pending
}

// TeamMember returns a user's direct membership of a team; a wrapped
// ErrNotFound when there is none.
func (o ops) TeamMember(ctx context.Context, teamID, userID int64) (TeamMember, error) {
	members, err := o.teamMembers(ctx, teamID, userID, false)
	if err != nil {
		return TeamMember{}, err
	}
	if len(members) == 0 {
		return TeamMember{}, fmt.Errorf("team member: %w", ErrNotFound)
	}
	return members[0], nil
}

// TeamSubtreeMembers lists the members of a team and of its descendant
// teams, in user id order: GitHub's team members.
func (o ops) TeamSubtreeMembers(ctx context.Context, teamID int64) ([]TeamMember, error) {
	return o.teamMembers(ctx, teamID, 0, true)
}

// teamMembers lists a team's members (with its subtree's when subtree is
// set), narrowed to one user when onlyUser is not 0.
func (o ops) teamMembers(ctx context.Context, teamID, onlyUser int64, subtree bool) ([]TeamMember, error) {
	recurse := ""
	if subtree {
		recurse = ` UNION SELECT t.id FROM sub JOIN teams t ON t.parent_id = sub.team_id`
	}
	f, args, _ := userFilter("tm.user_id", only(onlyUser), []any{teamID, teamID})
	return queryAll(ctx, o, func(r interface{ Scan(...any) error }) (TeamMember, error) {
		var m TeamMember
		var role sql.NullString
		var joined, uc, uu int64
		u := &m.User
		err := r.Scan(&u.ID, &u.Login, &u.Name, &u.Email, &u.SiteAdmin, &uc, &uu, &role, &joined, &m.OrgRole, &m.OrgState)
		u.CreatedAt, u.UpdatedAt, m.JoinedAt = fromUnix(uc), fromUnix(uu), fromUnix(joined)
		m.Role, m.Inherited = role.String, !role.Valid
		if m.Inherited {
			m.Role = seatkeeper.TeamRoleMember
		}
		return m, err
	}, `WITH RECURSIVE sub (team_id) AS (SELECT CAST(? AS BIGINT)`+recurse+`)
		SELECT `+prefixCols("u", userCols)+`, d.role, MIN(tm.created_at), COALESCE(m.role, ''), COALESCE(m.state, '')
		FROM sub
		JOIN team_members tm ON tm.team_id = sub.team_id
		JOIN users u ON u.id = tm.user_id
		JOIN teams t ON t.id = tm.team_id
		LEFT JOIN team_members d ON d.team_id = ? AND d.user_id = tm.user_id
		LEFT JOIN org_memberships m ON m.org_id = t.org_id AND m.user_id = tm.user_id
		WHERE 1 = 1`+f+`
		GROUP BY `+prefixCols("u", userCols)+`, d.role, m.role, m.state
		ORDER BY u.id`, args...)
}

// RemoveTeamMember takes a user off a team; a wrapped ErrNotFound when they
// are not a direct member.
func (o ops) RemoveTeamMember(ctx context.Context, teamID, userID int64) error {
	if err := o.deleteOne(ctx, "team member", `DELETE FROM team_members WHERE team_id = ? AND user_id = ?`, teamID, userID); err != nil {
		return err
	}
	return o.teamUsersChanged(ctx, teamID, userID)
}

// UserTeamIDs lists the ids of the org's teams a user is a direct member of.
func (o ops) UserTeamIDs(ctx context.Context, orgID, userID int64) ([]int64, error) {
	return queryAll(ctx, o, scanInt64, `SELECT tm.team_id FROM team_members tm JOIN teams t ON t.id = tm.team_id
		WHERE t.org_id = ? AND tm.user_id = ? ORDER BY tm.team_id`, orgID, userID)
}

// TeamSubtreeIDs lists a team's id and the ids of all its descendants.
func (o ops) TeamSubtreeIDs(ctx context.Context, teamID int64) ([]int64, error) {
	return queryAll(ctx, o, scanInt64, `WITH RECURSIVE sub (team_id) AS (
			SELECT CAST(? AS BIGINT)
			UNION
			SELECT t.id FROM sub JOIN teams t ON t.parent_id = sub.team_id
		)
		SELECT team_id FROM sub ORDER BY team_id`, teamID)
}

// ChildTeams lists a team's direct children in id order.
func (o ops) ChildTeams(ctx context.Context, teamID int64) ([]seatkeeper.Team, error) {
	return queryAll(ctx, o, scanTeam, `SELECT `+teamCols+` FROM teams WHERE parent_id = ? ORDER BY id`, teamID)
}

// UpdateTeam stores every field of t but its org and creation time; the
// name and slug stay unique in the org (a conflict error otherwise).
func (o ops) UpdateTeam(ctx context.Context, t seatkeeper.Team) error {
	o.touchOrg(t.OrgID)
	was, err := o.TeamByID(ctx, t.ID)
	if err != nil {
		return err
	}
	_, err = o.exec(ctx, `UPDATE teams SET name = ?, name_key = ?, slug = ?, slug_key = ?, description = ?, privacy = ?,
		notification_setting = ?, permission = ?, parent_id = ?, updated_at = ? WHERE id = ?`,
		t.Name, seatkeeper.LoginKey(t.Name), t.Slug, seatkeeper.LoginKey(t.Slug), t.Description, t.Privacy,
		t.NotificationSetting, t.Permission, nullID(t.ParentID), unix(t.UpdatedAt), t.ID)
	if isUniqueViolation(err) {
		return seatkeeper.Errorf(seatkeeper.KindConflict, "team %q already exists", t.Name)
	}
	if err != nil {
		return fmt.Errorf("store: update team %d: %w", t.ID, err)
	}
	if was.ParentID != t.ParentID { // its members join, or leave, the grants of its ancestors
		return o.teamSeatsChanged(ctx, t.ID)
	}
	return nil
}

// TeamNameTaken reports whether another team of the org (not except) has
// the name or the slug, ignoring case.
func (o ops) TeamNameTaken(ctx context.Context, orgID, except int64, name, slug string) (bool, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM teams WHERE org_id = ? AND id <> ? AND (name_key = ? OR slug_key = ?)`,
		orgID, except, seatkeeper.LoginKey(name), seatkeeper.LoginKey(slug)).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: team name: %w", err)
	}
	return n > 0, nil
}

// DeleteTeams deletes teams by id, with their memberships and grants.
func (o ops) DeleteTeams(ctx context.Context, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	args := make([]any, len(ids))
	for i, id := range ids {
		args[i] = id
	}
	// Everyone in the teams' subtrees loses their grants, and residual
	// seats carried by them lose their team.
	for _, id := range ids {
		if err := o.teamSeatsChanged(ctx, id); err != nil {
			return err
		}
	}
	residuals, err := queryAll(ctx, o, func(row interface{ Scan(...any) error }) ([2]int64, error) {
		var r [2]int64
		return r, row.Scan(&r[0], &r[1])
	}, `SELECT org_id, user_id FROM copilot_residual_seats WHERE team_id IN (`+marks(len(ids))+`)`, args...)
	if err != nil {
		return err
	}
	for _, r := range residuals {
		if err := o.seatsChanged(ctx, r[0], r[1]); err != nil {
			return err
		}
	}
	if _, err := o.exec(ctx, `DELETE FROM teams WHERE id IN (`+marks(len(ids))+`)`, args...); err != nil {
		return fmt.Errorf("store: delete teams: %w", err)
	}
	return nil
}

// EmailTaken reports whether a user has the email address, ignoring case.
func (o ops) EmailTaken(ctx context.Context, email string) (bool, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM users WHERE email <> '' AND LOWER(email) = LOWER(?)`, email).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: email check: %w", err)
	}
	return n > 0, nil
}

// RevokeUserTokens revokes, at the given time, every live token of a user
// of the given kind carrying the given note, and reports how many.
func (o ops) RevokeUserTokens(ctx context.Context, userID int64, kind seatkeeper.TokenKind, note string, at time.Time) (int, error) {
	res, err := o.exec(ctx, `UPDATE tokens SET revoked_at = ? WHERE user_id = ? AND kind = ? AND note = ? AND revoked_at IS NULL`,
		unix(at), userID, string(kind), note)
	if err != nil {
		return 0, fmt.Errorf("store: revoke tokens: %w", err)
	}
	n, err := res.RowsAffected()
	return int(n), err
}

// TeamSubtreeMember returns a user's membership of a team, direct or
// through a descendant team; a wrapped ErrNotFound when there is none.
func (o ops) TeamSubtreeMember(ctx context.Context, teamID, userID int64) (TeamMember, error) {
	members, err := o.teamMembers(ctx, teamID, userID, true)
	if err != nil {
		return TeamMember{}, err
	}
	if len(members) == 0 {
		return TeamMember{}, fmt.Errorf("team member: %w", ErrNotFound)
	}
	return members[0], nil
}

// ActiveOwnerCount counts an org's active owners.
func (o ops) ActiveOwnerCount(ctx context.Context, orgID int64) (int, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM org_memberships WHERE org_id = ? AND role = 'admin' AND state = 'active'`, orgID).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: owner count: %w", err)
	}
	return n, nil
}
