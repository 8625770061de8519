package store

import (
	"context"
	"database/sql"
	"fmt"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// An enterprise's own Copilot subscription, its direct members and billing
// managers, and the seats it grants at the enterprise, with no
// organization in between (GitHub Enterprise Cloud).

// EnterpriseSubscription returns an enterprise's own Copilot subscription;
// a wrapped ErrNotFound when it has none.
func (o ops) EnterpriseSubscription(ctx context.Context, entID int64) (seatkeeper.Subscription, error) {
	s, err := o.subscriptionIn(ctx, enterpriseSubscriptions, entID)
	if err == nil {
		s.EnterpriseID = entID
	}
	return s, err
}

// PutEnterpriseSubscription enables the enterprise's own Copilot or
// replaces its settings; created_at is kept when it was already enabled.
func (o ops) PutEnterpriseSubscription(ctx context.Context, s seatkeeper.Subscription) error {
	if err := s.ValidateEnterprise(); err != nil {
		return err
	}
	was, err := o.EnterpriseSubscription(ctx, s.EnterpriseID)
	if err != nil && !seatkeeper.IsNotFound(err) {
		return err
	}
	if err := o.putSubscriptionIn(ctx, enterpriseSubscriptions, s.EnterpriseID, s); err != nil {
		return err
	}
	if err != nil || was.SeatManagementSetting != s.SeatManagementSetting {
		return o.enterpriseSeatsChanged(ctx, s.EnterpriseID)
	}
	return nil
}

// DeleteEnterpriseSubscription turns the enterprise's own Copilot off: its
// grants, seats and recorded activity go with it. A wrapped ErrNotFound
// when it had none.
func (o ops) DeleteEnterpriseSubscription(ctx context.Context, entID int64) error {
	res, err := o.exec(ctx, `DELETE FROM enterprise_copilot_subscriptions WHERE enterprise_id = ?`, entID)
	if err != nil {
		return fmt.Errorf("store: delete subscription: %w", err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("copilot subscription: %w", ErrNotFound)
	}
	for _, table := range []string{"enterprise_copilot_grants", "enterprise_copilot_activity"} {
		if _, err := o.exec(ctx, `DELETE FROM `+table+` WHERE enterprise_id = ?`, entID); err != nil {
			return fmt.Errorf("store: delete %s: %w", table, err)
		}
	}
	return o.enterpriseSeatsChanged(ctx, entID)
}

// enterpriseRoles names the tables of the enterprise's direct members and
// of its billing managers.
const (
	entMembers         = "enterprise_members"
	entBillingManagers = "enterprise_billing_managers"
)

// AddEnterpriseMember adds a user to the enterprise directly (idempotent:
// added is false when they already were).
func (o ops) AddEnterpriseMember(ctx context.Context, entID, userID int64, at time.Time) (added bool, err error) {
	res, err := o.exec(ctx, `INSERT INTO enterprise_members (enterprise_id, user_id, created_at) VALUES (?, ?, ?) ON CONFLICT DO NOTHING`,
		entID, userID, unix(at))
	if err != nil {
		return false, fmt.Errorf("store: enterprise member: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveEnterpriseMember removes a direct member. When that leaves them a
// member of no org of the enterprise, they leave it whole: its teams, and
// their enterprise-level grant, at once (as leaving an org ends its seat).
// A wrapped ErrNotFound when they were not a direct member.
func (o ops) RemoveEnterpriseMember(ctx context.Context, entID, userID int64) error {
	if err := o.removeRole(ctx, entMembers, entID, userID); err != nil {
		return err
	}
	still, err := o.IsEnterpriseMember(ctx, entID, userID)
	if err != nil || still {
		return err
	}
	for _, q := range []string{
		`DELETE FROM enterprise_team_members WHERE user_id = ? AND team_id IN (SELECT id FROM enterprise_teams WHERE enterprise_id = ?)`,
		`DELETE FROM enterprise_copilot_grants WHERE user_id = ? AND enterprise_id = ?`,
	} {
		if _, err := o.exec(ctx, q, userID, entID); err != nil {
			return fmt.Errorf("store: leave enterprise: %w", err)
		}
	}
	return o.enterpriseUsersChanged(ctx, entID, userID)
}

// AddEnterpriseBillingManager makes a user a billing manager (idempotent:
// added is false when they already were).
func (o ops) AddEnterpriseBillingManager(ctx context.Context, entID, userID int64) (added bool, err error) {
	res, err := o.exec(ctx, `INSERT INTO enterprise_billing_managers (enterprise_id, user_id) VALUES (?, ?) ON CONFLICT DO NOTHING`, entID, userID)
	if err != nil {
		return false, fmt.Errorf("store: enterprise billing manager: %w", err)
	}
	n, _ := res.RowsAffected()
	return n > 0, nil
}

// RemoveEnterpriseBillingManager ends a billing manager's role; a wrapped
// ErrNotFound when they had none.
func (o ops) RemoveEnterpriseBillingManager(ctx context.Context, entID, userID int64) error {
	return o.removeRole(ctx, entBillingManagers, entID, userID)
}

func (o ops) removeRole(ctx context.Context, table string, entID, userID int64) error {
	res, err := o.exec(ctx, `DELETE FROM `+table+` WHERE enterprise_id = ? AND user_id = ?`, entID, userID)
	if err != nil {
		return fmt.Errorf("store: %s: %w", table, err)
	}
	if n, _ := res.RowsAffected(); n == 0 {
		return fmt.Errorf("%s: %w", table, ErrNotFound)
	}
	return nil
}

// IsEnterpriseBillingManager reports whether the user manages the
// enterprise's billing.
func (o ops) IsEnterpriseBillingManager(ctx context.Context, entID, userID int64) (bool, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM enterprise_billing_managers WHERE enterprise_id = ? AND user_id = ?`, entID, userID).Scan(&n)
	return n > 0, err
}

// IsEnterpriseMember reports whether the user is a member of the
// enterprise: added to it directly, or a member (active or invited) of one
// of its organizations.
func (o ops) IsEnterpriseMember(ctx context.Context, entID, userID int64) (bool, error) {
	var n int
	err := o.queryRow(ctx, `SELECT
		(SELECT COUNT(*) FROM enterprise_members WHERE enterprise_id = ? AND user_id = ?) +
		(SELECT COUNT(*) FROM org_memberships m JOIN organizations g ON g.id = m.org_id WHERE g.enterprise_id = ? AND m.user_id = ?)`,
		entID, userID, entID, userID).Scan(&n)
	if err != nil {
		return false, fmt.Errorf("store: enterprise member: %w", err)
	}
	return n > 0, nil
}

// EnterpriseDirectMembers and EnterpriseBillingManagers list those users
// of an enterprise in id order.
func (o ops) EnterpriseDirectMembers(ctx context.Context, entID int64) ([]seatkeeper.User, error) {
	return o.roleUsers(ctx, entMembers, entID)
}

func (o ops) EnterpriseBillingManagers(ctx context.Context, entID int64) ([]seatkeeper.User, error) {
	return o.roleUsers(ctx, entBillingManagers, entID)
}

func (o ops) roleUsers(ctx context.Context, table string, entID int64) ([]seatkeeper.User, error) {
	return queryAll(ctx, o, scanUser, `SELECT `+prefixCols("u", userCols)+` FROM users u
		JOIN `+table+` r ON r.user_id = u.id WHERE r.enterprise_id = ? ORDER BY u.id`, entID)
}

// EnterpriseTeamByNameOrSlug finds an enterprise's team by name or slug,
// ignoring case, as selected_enterprise_teams names them.
func (o ops) EnterpriseTeamByNameOrSlug(ctx context.Context, entID int64, name string) (seatkeeper.EnterpriseTeam, error) {
	key := seatkeeper.LoginKey(name)
	t, err := scanEnterpriseTeam(o.queryRow(ctx, `SELECT `+eteamCols+` FROM enterprise_teams WHERE enterprise_id = ? AND (LOWER(name) = ? OR slug_key = ?)
		ORDER BY CASE WHEN LOWER(name) = ? THEN 0 ELSE 1 END LIMIT 1`, entID, key, key, key))
	if err != nil {
		return t, notFound("enterprise team "+name, err)
	}
	return t, nil
}

const entGrantCols = `id, enterprise_id, user_id, enterprise_team_id, created_at, updated_at, pending_cancellation_date`

func scanEnterpriseGrant(row interface{ Scan(...any) error }) (seatkeeper.Grant, error) {
	g, _, err := scanEnterpriseGrantExtra(row)
	return g, err
}

// scanEnterpriseGrantExtra scans entGrantCols followed by any extra
// destinations.
func scanEnterpriseGrantExtra(row interface{ Scan(...any) error }, extra ...any) (seatkeeper.Grant, []any, error) {
	var g seatkeeper.Grant
	var user, eteam sql.NullInt64
	var created, updated int64
	var pending sql.NullString
	if err := row.Scan(append([]any{&g.ID, &g.EnterpriseID, &user, &eteam, &created, &updated, &pending}, extra...)...); err != nil {
		return g, nil, err
	}
	g.UserID, g.EnterpriseTeamID = user.Int64, eteam.Int64
	g.Kind = seatkeeper.GrantEnterpriseTeam
	if user.Valid {
		g.Kind = seatkeeper.GrantUser
	}
	g.CreatedAt, g.UpdatedAt = fromUnix(created), fromUnix(updated)
	var err error
	g.PendingCancellationDate, err = fromNullDate(pending)
	return g, extra, err
}

// EnterpriseGrants lists an enterprise's own grants in id order.
func (o ops) EnterpriseGrants(ctx context.Context, entID int64) ([]seatkeeper.Grant, error) {
	return queryAll(ctx, o, scanEnterpriseGrant, `SELECT `+entGrantCols+` FROM enterprise_copilot_grants WHERE enterprise_id = ? ORDER BY id`, entID)
}

// EnterpriseUserGrant and EnterpriseTeamGrant return the enterprise's
// grant to a user or to one of its teams; a wrapped ErrNotFound when there
// is none.
func (o ops) EnterpriseUserGrant(ctx context.Context, entID, userID int64) (seatkeeper.Grant, error) {
	return o.enterpriseGrant(ctx, "user_id", entID, userID)
}

func (o ops) EnterpriseTeamGrant(ctx context.Context, entID, teamID int64) (seatkeeper.Grant, error) {
	return o.enterpriseGrant(ctx, "enterprise_team_id", entID, teamID)
}

func (o ops) enterpriseGrant(ctx context.Context, col string, entID, id int64) (seatkeeper.Grant, error) {
	g, err := scanEnterpriseGrant(o.queryRow(ctx, `SELECT `+entGrantCols+` FROM enterprise_copilot_grants WHERE enterprise_id = ? AND `+col+` = ?`, entID, id))
	if err != nil {
		return g, notFound("grant", err)
	}
	return g, nil
}

// PutEnterpriseGrant creates an enterprise-level grant or, when the
// enterprise already has one for the same user or team, replaces its
// times and pending cancellation date. g.ID is set to the stored grant's.
func (o ops) PutEnterpriseGrant(ctx context.Context, g *seatkeeper.Grant) error {
	conflict := "enterprise_id, user_id"
	switch g.Kind {
	case seatkeeper.GrantUser:
	case seatkeeper.GrantEnterpriseTeam:
		conflict = "enterprise_id, enterprise_team_id"
	default:
		return fmt.Errorf("store: enterprise grant of kind %d", g.Kind)
	}
	id, err := o.allocID(ctx, seqGrants, g.ID)
	if err != nil {
		return err
	}
	err = o.queryRow(ctx, `INSERT INTO enterprise_copilot_grants (id, enterprise_id, user_id, enterprise_team_id, created_at, updated_at, pending_cancellation_date)
		VALUES (?, ?, ?, ?, ?, ?, ?)
		ON CONFLICT (`+conflict+`) DO UPDATE SET created_at = excluded.created_at, updated_at = excluded.updated_at,
		pending_cancellation_date = excluded.pending_cancellation_date
		RETURNING id`,
		id, g.EnterpriseID, nullID(g.UserID), nullID(g.EnterpriseTeamID), unix(g.CreatedAt), unix(g.UpdatedAt),
		nullDate(g.PendingCancellationDate)).Scan(&g.ID)
	if err != nil {
		return fmt.Errorf("store: enterprise grant: %w", err)
	}
	if g.Kind == seatkeeper.GrantUser {
		return o.enterpriseUsersChanged(ctx, g.EnterpriseID, g.UserID)
	}
	ids, err := o.EnterpriseTeamMemberIDs(ctx, g.EnterpriseTeamID)
	if err != nil {
		return err
	}
	return o.enterpriseUsersChanged(ctx, g.EnterpriseID, ids...)
}

// EnterpriseReachesOf returns, by user, every way an enterprise-level
// grant reaches the users u selects: direct grants, and grants to the
// enterprise teams they belong to (with when they joined).
func (o ops) EnterpriseReachesOf(ctx context.Context, entID int64, u Users) (map[int64][]seatkeeper.Reach, error) {
	out := map[int64][]seatkeeper.Reach{}
	f, args, err := userFilter("g.user_id", u, []any{entID})
	if err != nil {
		return nil, err
	}
	direct, err := queryAll(ctx, o, scanEnterpriseGrant, `SELECT `+prefixCols("g", entGrantCols)+`
		FROM enterprise_copilot_grants g WHERE g.enterprise_id = ? AND g.user_id IS NOT NULL`+f, args...)
	if err != nil {
		return nil, fmt.Errorf("store: enterprise grants: %w", err)
	}
	for _, g := range direct {
		out[g.UserID] = append(out[g.UserID], seatkeeper.Reach{Grant: g})
	}
	f, args, _ = userFilter("m.user_id", u, []any{entID})
	rows, err := o.query(ctx, `SELECT `+prefixCols("g", entGrantCols)+`, m.user_id, m.created_at, `+prefixCols("et", eteamCols)+`
		FROM enterprise_copilot_grants g
		JOIN enterprise_team_members m ON m.team_id = g.enterprise_team_id
		JOIN enterprise_teams et ON et.id = g.enterprise_team_id
		WHERE g.enterprise_id = ?`+f, args...)
	if err != nil {
		return nil, fmt.Errorf("store: enterprise team reaches: %w", err)
	}
	err = eachRow(rows, func(row *sql.Rows) error {
		var userID, joined, tc, tu int64
		var t seatkeeper.EnterpriseTeam
		g, _, err := scanEnterpriseGrantExtra(row, &userID, &joined, &t.ID, &t.EnterpriseID, &t.Name, &t.Slug, &t.Description, &tc, &tu)
		if err != nil {
			return err
		}
		t.CreatedAt, t.UpdatedAt = fromUnix(tc), fromUnix(tu)
		out[userID] = append(out[userID], seatkeeper.Reach{Grant: g, JoinedAt: fromUnix(joined), ETeam: &t})
		return nil
	})
	if err != nil {
		return nil, fmt.Errorf("store: enterprise team reaches: %w", err)
	}
	return out, nil
}

// enterpriseGranteeIDs lists every user an enterprise-level grant names or
// reaches through a team, in id order.
func (o ops) enterpriseGranteeIDs(ctx context.Context, entID int64) ([]int64, error) {
	return queryAll(ctx, o, scanInt64, `SELECT user_id FROM enterprise_copilot_grants WHERE enterprise_id = ? AND user_id IS NOT NULL
		UNION SELECT m.user_id FROM enterprise_copilot_grants g JOIN enterprise_team_members m ON m.team_id = g.enterprise_team_id
		WHERE g.enterprise_id = ? ORDER BY 1`, entID, entID)
}

// PutEnterpriseActivity records a user's last Copilot use of their
// enterprise-level seat.
func (o ops) PutEnterpriseActivity(ctx context.Context, entID, userID int64, a seatkeeper.Activity) error {
	o.touchEnterprise(entID)
	if a.LastActivityAt == nil {
		return fmt.Errorf("store: activity needs a time")
	}
	_, err := o.exec(ctx, `INSERT INTO enterprise_copilot_activity (enterprise_id, user_id, last_activity_at, last_activity_editor) VALUES (?, ?, ?, ?)
		ON CONFLICT (enterprise_id, user_id) DO UPDATE SET last_activity_at = excluded.last_activity_at, last_activity_editor = excluded.last_activity_editor`,
		entID, userID, unix(*a.LastActivityAt), a.LastActivityEditor)
	if err != nil {
		return fmt.Errorf("store: activity: %w", err)
	}
	return nil
}

// EnterpriseActivityRow is one user's recorded activity at the enterprise.
type EnterpriseActivityRow struct {
	UserID   int64
	Activity seatkeeper.Activity
}

// EnterpriseActivity lists the activity recorded for an enterprise's own
// seats, by user id.
func (o ops) EnterpriseActivity(ctx context.Context, entID int64) ([]EnterpriseActivityRow, error) {
	return queryAll(ctx, o, func(row interface{ Scan(...any) error }) (EnterpriseActivityRow, error) {
		var r EnterpriseActivityRow
		var at int64
		err := row.Scan(&r.UserID, &at, &r.Activity.LastActivityEditor)
		t := fromUnix(at)
		r.Activity.LastActivityAt = &t
		return r, err
	}, `SELECT user_id, last_activity_at, last_activity_editor FROM enterprise_copilot_activity WHERE enterprise_id = ? ORDER BY user_id`, entID)
}

// EnterpriseLedgerSeats returns the enterprise-level seats held at at (one
// user's when userID is not 0), in list order: oldest first, ties by user
// id.
func (o ops) EnterpriseLedgerSeats(ctx context.Context, entID int64, at time.Time, userID int64) ([]LedgerSeat, error) {
	return o.enterpriseLedger(ctx, entID, at, userID, nil, 0)
}

// EnterpriseLedgerPage returns at most limit of the enterprise-level seats
// held at at, in list order (created_at, then user id) from the key from
// on.
func (o ops) EnterpriseLedgerPage(ctx context.Context, entID int64, at time.Time, from SeatKey, limit int) ([]LedgerSeat, error) {
	return o.enterpriseLedger(ctx, entID, at, 0, &from, limit)
}

func (o ops) enterpriseLedger(ctx context.Context, entID int64, at time.Time, userID int64, from *SeatKey, limit int) ([]LedgerSeat, error) {
	query := `SELECT ` + prefixCols("u", userCols) + `, s.created_at, s.updated_at, s.pending_cancellation_date,
			s.enterprise_team_id, a.last_activity_at, a.last_activity_editor
		FROM enterprise_copilot_seats s JOIN users u ON u.id = s.user_id
		LEFT JOIN enterprise_copilot_activity a ON a.enterprise_id = s.enterprise_id AND a.user_id = s.user_id
		WHERE s.enterprise_id = ? AND s.valid_from <= ? AND s.ends_at > ?`
	args := []any{entID, unix(at), unix(at)}
	if userID != 0 {
		// One row at a moment, by the primary key (see LedgerSeats).
		query += ` AND s.user_id = ?`
		args = append(args, userID)
	} else {
		if from != nil {
			query += ` AND (s.created_at, s.user_id) >= (?, ?)`
			args = append(args, unix(from.CreatedAt), from.UserID)
		}
		query += ` ORDER BY s.created_at, s.user_id`
		if limit > 0 {
			query += ` LIMIT ?`
			args = append(args, limit)
		}
	}
	return queryAllCap(ctx, o, limit, func(row interface{ Scan(...any) error }) (LedgerSeat, error) {
		s := LedgerSeat{State: seatkeeper.StateActive}
		var uc, uu, created, updated int64
		var pending sql.NullString
		var eteam, activeAt sql.NullInt64
		var editor sql.NullString
		if err := row.Scan(&s.User.ID, &s.User.Login, &s.User.Name, &s.User.Email, &s.User.SiteAdmin, &uc, &uu,
			&created, &updated, &pending, &eteam, &activeAt, &editor); err != nil {
			return s, err
		}
		s.User.CreatedAt, s.User.UpdatedAt = fromUnix(uc), fromUnix(uu)
		s.CreatedAt, s.UpdatedAt = fromUnix(created), fromUnix(updated)
		s.EnterpriseTeamID = eteam.Int64
		s.Activity.LastActivityAt, s.Activity.LastActivityEditor = fromNullUnix(activeAt), editor.String
		var err error
		s.PendingCancellationDate, err = fromNullDate(pending)
		return s, err
	}, query, args...)
}
