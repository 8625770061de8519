package store

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
)

// The Each* reads hand rows to a function one at a time, as the database
// returns them, with the logins of the users they concern joined in: an
// export of the whole state (internal/seed) holds no more than the row it
// writes. Each runs one query, read to its end before the next may start
// (a PostgreSQL connection runs one query at a time), so fn must not read
// the store.

// Named is a row with the login of the user it concerns.
type Named[T any] struct {
	Login string
	Row   T
}

// named scans a row with scan, then the login that ends it.
func named[T any](scan func(interface{ Scan(...any) error }) (T, error)) func(interface{ Scan(...any) error }) (Named[T], error) {
	return func(row interface{ Scan(...any) error }) (Named[T], error) {
		var n Named[T]
		var err error
		n.Row, err = scan(scanThenLogin{row, &n.Login})
		return n, err
	}
}

type scanThenLogin struct {
	row   interface{ Scan(...any) error }
	login *string
}

func (s scanThenLogin) Scan(dest ...any) error { return s.row.Scan(append(dest, s.login)...) }

// EachUser reads every user in id order.
func (o ops) EachUser(ctx context.Context, fn func(seatkeeper.User) error) error {
	return queryEach(ctx, o, scanUser, fn, `SELECT `+userCols+` FROM users ORDER BY id`)
}

// EachMembership reads an org's memberships in user id order.
func (o ops) EachMembership(ctx context.Context, orgID int64, fn func(Named[seatkeeper.Membership]) error) error {
	return queryEach(ctx, o, named(scanMembership), fn, `SELECT `+prefixCols("m", membershipCols)+`, u.login
		FROM org_memberships m JOIN users u ON u.id = m.user_id WHERE m.org_id = ? ORDER BY m.user_id`, orgID)
}

// isMember is the condition that the user of the row named alias is a
// member of that row's org.
func isMember(alias string) string {
	return `EXISTS (SELECT 1 FROM org_memberships om WHERE om.org_id = ` + alias + `.org_id AND om.user_id = ` + alias + `.user_id)`
}

// EachTeamMember reads the direct members of an org team, in user id
// order, leaving out those who are not members of orgID.
func (o ops) EachTeamMember(ctx context.Context, orgID, teamID int64, fn func(Named[TeamMemberRow]) error) error {
	return queryEach(ctx, o, named(scanTeamMemberRow), fn, `SELECT tm.user_id, tm.role, tm.created_at, u.login
		FROM team_members tm JOIN users u ON u.id = tm.user_id
		WHERE tm.team_id = ? AND EXISTS (SELECT 1 FROM org_memberships om WHERE om.org_id = ? AND om.user_id = tm.user_id)
		ORDER BY tm.user_id`, teamID, orgID)
}

// EachEnterpriseTeamMember reads an enterprise team's members in user id
// order; Role is empty.
func (o ops) EachEnterpriseTeamMember(ctx context.Context, teamID int64, fn func(Named[TeamMemberRow]) error) error {
	return queryEach(ctx, o, named(scanEnterpriseTeamMemberRow), fn, `SELECT m.user_id, m.created_at, u.login
		FROM enterprise_team_members m JOIN users u ON u.id = m.user_id WHERE m.team_id = ? ORDER BY m.user_id`, teamID)
}

// EachGrant reads an org's grants in id order, leaving out user grants of
// users who are not members of the org; Login is empty for team grants.
func (o ops) EachGrant(ctx context.Context, orgID int64, fn func(Named[seatkeeper.Grant]) error) error {
	return queryEach(ctx, o, named(scanGrant), fn, `SELECT `+prefixCols("g", grantCols)+`, COALESCE(u.login, '')
		FROM copilot_grants g LEFT JOIN users u ON u.id = g.user_id
		WHERE g.org_id = ? AND (g.user_id IS NULL OR `+isMember("g")+`) ORDER BY g.id`, orgID)
}

// EachResidualSeat reads an org's residual seats of its members in user id
// order.
func (o ops) EachResidualSeat(ctx context.Context, orgID int64, fn func(Named[ResidualSeat]) error) error {
	return queryEach(ctx, o, named(scanResidualSeat), fn, `SELECT `+prefixCols("r", residualCols)+`, u.login
		FROM copilot_residual_seats r JOIN users u ON u.id = r.user_id
		WHERE r.org_id = ? AND `+isMember("r")+` ORDER BY r.user_id`, orgID)
}

// EachActivity reads the last Copilot use and sign-in of an org's members
// in user id order.
func (o ops) EachActivity(ctx context.Context, orgID int64, fn func(Named[seatkeeper.Activity]) error) error {
	return queryEach(ctx, o, named(func(row interface{ Scan(...any) error }) (seatkeeper.Activity, error) { return scanActivity(row) }), fn, `SELECT `+prefixCols("a", activityCols)+`, u.login
		FROM copilot_activity a JOIN users u ON u.id = a.user_id
		WHERE a.org_id = ? AND `+isMember("a")+` ORDER BY a.user_id`, orgID)
}

// scanLastActivity scans last_activity_at and last_activity_editor.
func scanLastActivity(row interface{ Scan(...any) error }) (seatkeeper.Activity, error) {
	var a seatkeeper.Activity
	var at int64
	err := row.Scan(&at, &a.LastActivityEditor)
	t := fromUnix(at)
	a.LastActivityAt = &t
	return a, err
}

// EachEnterpriseGrant reads an enterprise's own grants in id order; Login
// is empty for enterprise team grants.
func (o ops) EachEnterpriseGrant(ctx context.Context, entID int64, fn func(Named[seatkeeper.Grant]) error) error {
	return queryEach(ctx, o, named(scanEnterpriseGrant), fn, `SELECT `+prefixCols("g", entGrantCols)+`, COALESCE(u.login, '')
		FROM enterprise_copilot_grants g LEFT JOIN users u ON u.id = g.user_id WHERE g.enterprise_id = ? ORDER BY g.id`, entID)
}

// EachEnterpriseActivity reads the last Copilot activity recorded for an
// enterprise's own seats, in user id order.
func (o ops) EachEnterpriseActivity(ctx context.Context, entID int64, fn func(Named[seatkeeper.Activity]) error) error {
	return queryEach(ctx, o, named(scanLastActivity), fn, `SELECT a.last_activity_at, a.last_activity_editor, u.login
		FROM enterprise_copilot_activity a JOIN users u ON u.id = a.user_id WHERE a.enterprise_id = ? ORDER BY a.user_id`, entID)
}

// EachToken reads every token in id order, with the login of its user
// (empty for an installation token).
func (o ops) EachToken(ctx context.Context, fn func(Named[seatkeeper.Token]) error) error {
	return queryEach(ctx, o, named(scanToken), fn, `SELECT `+prefixCols("t", tokenCols)+`, COALESCE(u.login, '')
		FROM tokens t LEFT JOIN users u ON u.id = t.user_id ORDER BY t.id`)
}
