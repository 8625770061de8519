package store

import (
	"context"
	"database/sql"
	"fmt"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// Member is an org member with their membership.
type Member struct {
	User       seatkeeper.User
	Membership seatkeeper.Membership
}

// Users narrows a per-org read to some users: the listed IDs (at most
// MaxUsers), or else the ids from From to To inclusive when To is not 0.
// The zero value is everyone.
type Users struct {
	IDs      []int64
	From, To int64
}

// OnlyUsers narrows a read to the given users.
func OnlyUsers(ids ...int64) Users { return Users{IDs: ids} }

// UserRange narrows a read to the users whose ids are from..to.
func UserRange(from, to int64) Users { return Users{From: from, To: to} }

// only turns a single-user argument (0 for all) into Users.
func only(userID int64) Users {
	if userID == 0 {
		return Users{}
	}
	return OnlyUsers(userID)
}

// userBatch is the placeholder granularity of userFilter; MaxUsers is
// the most users a Users list may name: as many as any IN list
// (inListMax).
const (
	userBatch = 50
	MaxUsers  = inListMax
)

// userFilter narrows a per-org query to u. Id lists are padded to a
// multiple of userBatch placeholders (with 0, which is no user's id), so
// that each query has few shapes and stays prepared.
func userFilter(col string, u Users, args []any) (string, []any, error) {
	switch {
	case len(u.IDs) > MaxUsers:
		return "", nil, fmt.Errorf("store: a read of %d users: at most %d", len(u.IDs), MaxUsers)
	case len(u.IDs) == 1:
		return " AND " + col + " = ?", append(args, u.IDs[0]), nil
	case len(u.IDs) > 1:
		n := (len(u.IDs) + userBatch - 1) / userBatch * userBatch
		for i := range n {
			var id int64
			if i < len(u.IDs) {
				id = u.IDs[i]
			}
			args = append(args, id)
		}
		return " AND " + col + " IN (?" + strings.Repeat(", ?", n-1) + ")", args, nil
	case u.To != 0:
		return " AND " + col + " BETWEEN ? AND ?", append(args, u.From, u.To), nil
	}
	return "", args, nil
}

// MembersOf lists an org's members in the given state ("" for any), with
// their users, in user id order, narrowed to users (Users{}: everyone).
func (o ops) MembersOf(ctx context.Context, orgID int64, state string, users Users) ([]Member, error) {
	return o.memberRows(ctx, membersFrom, scanMember, orgID, state, users)
}

// scanMember scans a row of membersFrom.
func scanMember(row interface{ Scan(...any) error }) (Member, error) {
	var m Member
	var uc, uu, mc, mu int64
	err := row.Scan(&m.User.ID, &m.User.Login, &m.User.Name, &m.User.Email, &m.User.SiteAdmin, &uc, &uu,
		&m.Membership.OrgID, &m.Membership.UserID, &m.Membership.Role, &m.Membership.State, &mc, &mu)
	m.User.CreatedAt, m.User.UpdatedAt = fromUnix(uc), fromUnix(uu)
	m.Membership.CreatedAt, m.Membership.UpdatedAt = fromUnix(mc), fromUnix(mu)
	return m, err
}

// MemberKeysAfter returns up to limit of an org's members in a state (""
// for any) whose user ids follow after, in order, reading only what orders
// a seat list, without the users table: each member's user id, state and
// membership creation time. The role, the membership's update time and
// the user's other fields are left empty. It walks a large org a range at
// a time.
func (o ops) MemberKeysAfter(ctx context.Context, orgID int64, state string, after int64, limit int) ([]Member, error) {
	cols, where := `m.user_id, m.created_at, m.state`, ``
	args := []any{orgID, after}
	if state != "" {
		cols, where = `m.user_id, m.created_at`, ` AND m.state = ?` // the state is known: not read
		args = append(args, state)
	}
	query := `SELECT ` + cols + ` FROM org_memberships m WHERE m.org_id = ? AND m.user_id > ?` + where + ` ORDER BY m.user_id LIMIT ?`
	return queryAllCap(ctx, o, limit, func(row interface{ Scan(...any) error }) (Member, error) {
		// Scanned into locals: pointers into m would move the whole
		// Member to the heap, a row at a time.
		var userID, created int64
		st := state
		var err error
		if state == "" {
			err = row.Scan(&userID, &created, &st)
		} else {
			err = row.Scan(&userID, &created)
		}
		m := Member{Membership: seatkeeper.Membership{OrgID: orgID, UserID: userID, State: st, CreatedAt: fromUnix(created)}}
		m.User.ID = userID
		return m, err
	}, query, append(args, limit)...)
}

// membersFrom is the SELECT ... FROM of MembersOf (m is the membership).
var membersFrom = `SELECT ` + prefixCols("u", userCols) + `, ` + prefixCols("m", membershipCols) + `
		FROM org_memberships m JOIN users u ON u.id = m.user_id`

// memberRows runs selectFrom for an org's members in a state ("" for any),
// narrowed to users, in user id order.
func (o ops) memberRows(ctx context.Context, selectFrom string, scan func(interface{ Scan(...any) error }) (Member, error),
	orgID int64, state string, users Users) ([]Member, error) {
	query := selectFrom + ` WHERE m.org_id = ?`
	args := []any{orgID}
	if state != "" {
		query += ` AND m.state = ?`
		args = append(args, state)
	}
	f, args, err := userFilter("m.user_id", users, args)
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, o, scan, query+f+` ORDER BY m.user_id`, args...)
}

// OrgReachesOf returns, by user id, every way a grant in the org reaches a
// user: a direct grant; a grant to a team the user belongs to directly or
// through a child team (with the earliest joining); a grant to an
// enterprise team the user belongs to; a residual seat left by a lost team
// membership; narrowed to users (Users{}: everyone). Membership of the org
// is not checked here.
func (o ops) OrgReachesOf(ctx context.Context, orgID int64, users Users) (map[int64][]seatkeeper.Reach, error) {
	out := map[int64][]seatkeeper.Reach{}
	add := func(userID int64, r seatkeeper.Reach) { out[userID] = append(out[userID], r) }

	f, args, err := userFilter("g.user_id", users, []any{orgID})
	if err != nil {
		return nil, err
	}
	// Direct grants, most of an org's: only the columns a user grant can
	// fill, each row straight into out.
	rows, err := o.query(ctx, `SELECT g.id, g.user_id, g.created_at, g.updated_at, g.pending_cancellation_date
		FROM copilot_grants g WHERE g.org_id = ? AND g.user_id IS NOT NULL`+f, args...)
	if err != nil {
		return nil, fmt.Errorf("store: direct grants: %w", err)
	}
	err = eachRow(rows, func(row *sql.Rows) error {
		g := seatkeeper.Grant{OrgID: orgID, Kind: seatkeeper.GrantUser}
		var id, userID, created, updated int64
		var pending sql.NullString
		if err := row.Scan(&id, &userID, &created, &updated, &pending); err != nil {
			return err
		}
		g.ID, g.UserID, g.CreatedAt, g.UpdatedAt = id, userID, fromUnix(created), fromUnix(updated)
		if g.PendingCancellationDate, err = fromNullDate(pending); err != nil {
			return err
		}
		add(userID, seatkeeper.Reach{Grant: g})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: direct grants: %w", err)
	}

	teams, err := o.teamMap(ctx, orgID)
	if err != nil {
		return nil, err
	}
	// Each team grant covers its team's subtree. UNION (not UNION ALL) ends
	// the recursion even if a parent cycle slipped in.
	f, args, _ = userFilter("tm.user_id", users, []any{orgID})
	// For named users their team memberships come first (CROSS JOIN keeps
	// SQLite's order): with planner statistics SQLite otherwise put the
	// org's team grants first and built a Bloom filter over every team
	// membership in the database, 0.3 s a write at 1,000,000 seats.
	from := `sub JOIN team_members tm ON tm.team_id = sub.team_id JOIN copilot_grants g ON g.id = sub.grant_id
		WHERE 1 = 1`
	if len(users.IDs) > 0 {
		from = `team_members tm CROSS JOIN sub CROSS JOIN copilot_grants g
		WHERE tm.team_id = sub.team_id AND g.id = sub.grant_id`
	}
	rows, err = o.query(ctx, `WITH RECURSIVE sub (grant_id, team_id) AS (
			SELECT id, team_id FROM copilot_grants WHERE org_id = ? AND team_id IS NOT NULL
			UNION
			SELECT sub.grant_id, t.id FROM sub JOIN teams t ON t.parent_id = sub.team_id
		)
		SELECT `+prefixCols("g", grantCols)+`, tm.user_id, MIN(tm.created_at)
		FROM `+from+f+`
		GROUP BY `+prefixCols("g", grantCols)+`, tm.user_id`, args...)
	if err != nil {
		return nil, fmt.Errorf("store: team reaches: %w", err)
	}
	err = eachRow(rows, func(row *sql.Rows) error {
		var userID, joined int64
		g, _, err := scanGrantExtra(row, &userID, &joined)
		if err != nil {
			return err
		}
		t := teams[g.TeamID]
		add(userID, seatkeeper.Reach{Grant: g, JoinedAt: fromUnix(joined), Team: &t})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: team reaches: %w", err)
	}

	f, args, _ = userFilter("m.user_id", users, []any{orgID})
	rows, err = o.query(ctx, `SELECT `+prefixCols("g", grantCols)+`, m.user_id, m.created_at, `+prefixCols("et", eteamCols)+`
		FROM copilot_grants g
		JOIN enterprise_team_members m ON m.team_id = g.enterprise_team_id
		JOIN enterprise_teams et ON et.id = g.enterprise_team_id
		WHERE g.org_id = ?`+f, args...)
	if err != nil {
		return nil, fmt.Errorf("store: enterprise team reaches: %w", err)
	}
	err = eachRow(rows, func(row *sql.Rows) error {
		var userID, joined, tc, tu int64
		var t seatkeeper.EnterpriseTeam
		g, _, err := scanGrantExtra(row, &userID, &joined, &t.ID, &t.EnterpriseID, &t.Name, &t.Slug, &t.Description, &tc, &tu)
		if err != nil {
			return err
		}
		t.CreatedAt, t.UpdatedAt = fromUnix(tc), fromUnix(tu)
		add(userID, seatkeeper.Reach{Grant: g, JoinedAt: fromUnix(joined), ETeam: &t})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: enterprise team reaches: %w", err)
	}

	residuals, err := o.residualSeats(ctx, orgID, users)
	if err != nil {
		return nil, err
	}
	for _, r := range residuals {
		reach := seatkeeper.Reach{Grant: seatkeeper.Grant{
			OrgID: orgID, Kind: seatkeeper.GrantUser, UserID: r.UserID,
			CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt, PendingCancellationDate: &r.PendingCancellationDate,
		}}
		switch {
		case r.TeamID != 0:
			t := teams[r.TeamID]
			reach.Grant.Kind, reach.Grant.TeamID, reach.Team = seatkeeper.GrantTeam, r.TeamID, &t
		case r.EnterpriseTeamID != 0:
			t, err := o.EnterpriseTeamByID(ctx, r.EnterpriseTeamID)
			if err != nil {
				return nil, err
			}
			reach.Grant.Kind, reach.Grant.EnterpriseTeamID, reach.ETeam = seatkeeper.GrantEnterpriseTeam, r.EnterpriseTeamID, &t
		}
		add(r.UserID, reach)
	}
	return out, nil
}

// Reaches returns every way a grant in the org reaches one user.
func (o ops) Reaches(ctx context.Context, orgID, userID int64) ([]seatkeeper.Reach, error) {
	m, err := o.OrgReachesOf(ctx, orgID, OnlyUsers(userID))
	return m[userID], err
}

func (o ops) teamMap(ctx context.Context, orgID int64) (map[int64]seatkeeper.Team, error) {
	ts, err := o.Teams(ctx, orgID)
	if err != nil {
		return nil, err
	}
	m := make(map[int64]seatkeeper.Team, len(ts))
	for _, t := range ts {
		m[t.ID] = t
	}
	return m, nil
}

// eachRow calls fn for every row and closes rows.
func eachRow(rows *sql.Rows, fn func(*sql.Rows) error) error {
	defer rows.Close()
	for rows.Next() {
		if err := fn(rows); err != nil {
			return err
		}
	}
	return rows.Err()
}

// OrgActivityOf returns, by user id, the last Copilot activity recorded in
// an org, narrowed to users (Users{}: everyone).
func (o ops) OrgActivityOf(ctx context.Context, orgID int64, users Users) (map[int64]seatkeeper.Activity, error) {
	f, args, err := userFilter("user_id", users, []any{orgID})
	if err != nil {
		return nil, err
	}
	rows, err := o.query(ctx, `SELECT user_id, `+activityCols+` FROM copilot_activity WHERE org_id = ?`+f, args...)
	if err != nil {
		return nil, fmt.Errorf("store: activity: %w", err)
	}
	out := map[int64]seatkeeper.Activity{}
	err = eachRow(rows, func(row *sql.Rows) error {
		var userID int64
		a, err := scanActivity(row, &userID)
		if err != nil {
			return err
		}
		out[userID] = a
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: activity: %w", err)
	}
	return out, nil
}

// ResidualSeat is a seat kept, pending cancellation, after its holder lost
// the team membership that carried it.
type ResidualSeat struct {
	OrgID, UserID           int64
	TeamID                  int64 // the team that carried it, or 0
	EnterpriseTeamID        int64 // the enterprise team that carried it, or 0
	CreatedAt, UpdatedAt    time.Time
	PendingCancellationDate seatkeeper.Date
}

func (o ops) residualSeats(ctx context.Context, orgID int64, users Users) ([]ResidualSeat, error) {
	f, args, err := userFilter("user_id", users, []any{orgID})
	if err != nil {
		return nil, err
	}
	return queryAll(ctx, o, scanResidualSeat, `SELECT `+residualCols+` FROM copilot_residual_seats WHERE org_id = ?`+f, args...)
}

const residualCols = `org_id, user_id, team_id, enterprise_team_id, created_at, updated_at, pending_cancellation_date`

func scanResidualSeat(row interface{ Scan(...any) error }) (ResidualSeat, error) {
	var r ResidualSeat
	var team, eteam sql.NullInt64
	var created, updated int64
	var pending string
	if err := row.Scan(&r.OrgID, &r.UserID, &team, &eteam, &created, &updated, &pending); err != nil {
		return r, err
	}
	r.TeamID, r.EnterpriseTeamID = team.Int64, eteam.Int64
	r.CreatedAt, r.UpdatedAt = fromUnix(created), fromUnix(updated)
	d, err := seatkeeper.ParseDate(pending)
	r.PendingCancellationDate = d
	return r, err
}

// PutResidualSeat records (or replaces) a user's residual seat in an org.
func (o ops) PutResidualSeat(ctx context.Context, r ResidualSeat) error {
	_, err := o.exec(ctx, `INSERT INTO copilot_residual_seats (org_id, user_id, team_id, enterprise_team_id, created_at, updated_at, pending_cancellation_date)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (org_id, user_id) DO UPDATE SET team_id = excluded.team_id, enterprise_team_id = excluded.enterprise_team_id,
		created_at = excluded.created_at, updated_at = excluded.updated_at, pending_cancellation_date = excluded.pending_cancellation_date`,
		r.OrgID, r.UserID, nullID(r.TeamID), nullID(r.EnterpriseTeamID), unix(r.CreatedAt), unix(r.UpdatedAt), r.PendingCancellationDate.String())
	if err != nil {
		return fmt.Errorf("store: residual seat: %w", err)
	}
	return o.seatsChanged(ctx, r.OrgID, r.UserID)
}

// EnterpriseTeamByID finds an enterprise team by id.
func (o ops) EnterpriseTeamByID(ctx context.Context, id int64) (seatkeeper.EnterpriseTeam, error) {
	t, err := scanEnterpriseTeam(o.queryRow(ctx, `SELECT `+eteamCols+` FROM enterprise_teams WHERE id = ?`, id))
	if err != nil {
		return t, notFound(fmt.Sprint("enterprise team ", id), err)
	}
	return t, nil
}
