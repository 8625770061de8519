package store

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// The seat ledger (table copilot_seats) keeps every org member's seat as
// rows, so that reads find a seat, a page of a seat list or a count with
// one indexed query instead of resolving it from grants, teams,
// memberships and the subscription.
//
// The rows are the resolution itself (seatkeeper.MemberReaches and
// SeatSpans over what OrgReachesOf reads), stored: every write that can
// change a seat marks the (org, user) pairs it affects, or a whole org,
// and the transaction re-resolves exactly those before it commits. The
// rows do not depend on the time: a seat's rows cover every moment, and a
// read at now takes the one with valid_from <= now < ends_at.

// Bounds of a seat row that begins, or ends, at no particular time.
const (
	seatAlways  = -1 << 62
	seatForever = 1 << 62
)

// wholeOrgAt is how many users of one org a transaction may mark before
// its org is re-resolved whole instead, a range of users at a time.
const wholeOrgAt = 20000

// ledgerDirt is what a transaction has marked for re-resolution.
type ledgerDirt struct {
	orgs  map[int64]bool           // whole organizations
	users map[int64]map[int64]bool // by org, some of its users

	// Enterprise-level seats (ledger_enterprise.go): whole enterprises,
	// and by enterprise, some of its users.
	ents     map[int64]bool
	entUsers map[int64]map[int64]bool

	// What the transaction wrote, for data_changes (changes.go).
	wrote, orgWrites, entWrites, global bool
	touched                             map[int64]bool // organizations whose data changed
	touchedEnts                         map[int64]bool // enterprises whose own seats changed
}

// seatsChanged marks users' seats in an org as changed. Outside a
// transaction they are re-resolved at once.
func (o ops) seatsChanged(ctx context.Context, orgID int64, userIDs ...int64) error {
	o.touchOrg(orgID)
	if len(userIDs) == 0 {
		return nil
	}
	if o.dirt == nil {
		return o.resolveUsers(ctx, orgID, userIDs)
	}
	if o.dirt.orgs[orgID] {
		return nil
	}
	if o.dirt.users == nil {
		o.dirt.users = map[int64]map[int64]bool{}
	}
	set := o.dirt.users[orgID]
	if set == nil {
		set = map[int64]bool{}
		o.dirt.users[orgID] = set
	}
	for _, id := range userIDs {
		set[id] = true
	}
	if len(set) > wholeOrgAt {
		return o.orgSeatsChanged(ctx, orgID)
	}
	return nil
}

// orgSeatsChanged marks every seat of an org as changed.
func (o ops) orgSeatsChanged(ctx context.Context, orgID int64) error {
	o.touchOrg(orgID)
	if o.dirt == nil {
		return o.resolveOrg(ctx, orgID)
	}
	if o.dirt.orgs == nil {
		o.dirt.orgs = map[int64]bool{}
	}
	o.dirt.orgs[orgID] = true
	delete(o.dirt.users, orgID)
	return nil
}

// teamSeatsChanged marks the seats of everyone in a team's subtree.
func (o ops) teamSeatsChanged(ctx context.Context, teamID int64) error {
	t, err := o.TeamByID(ctx, teamID)
	if seatkeeper.IsNotFound(err) {
		return nil
	}
	if err != nil {
		return err
	}
	o.touchOrg(t.OrgID)
	ids, err := o.TeamSubtreeUserIDs(ctx, teamID)
	if err != nil {
		return err
	}
	return o.seatsChanged(ctx, t.OrgID, ids...)
}

// teamUsersChanged marks the seats of users who joined or left a team.
func (o ops) teamUsersChanged(ctx context.Context, teamID int64, userIDs ...int64) error {
	t, err := o.TeamByID(ctx, teamID)
	if err != nil {
		return err
	}
	return o.seatsChanged(ctx, t.OrgID, userIDs...)
}

// enterpriseTeamSeatsChanged marks the seats that grants to an enterprise
// team give users (all its members when userIDs is empty).
func (o ops) enterpriseTeamSeatsChanged(ctx context.Context, teamID int64, userIDs ...int64) error {
	if err := o.enterpriseLevelTeamChanged(ctx, teamID, userIDs); err != nil {
		return err
	}
	orgs, err := queryAll(ctx, o, scanInt64, `SELECT org_id FROM copilot_grants WHERE enterprise_team_id = ?`, teamID)
	if err != nil || len(orgs) == 0 {
		return err
	}
	if len(userIDs) == 0 {
		if userIDs, err = o.EnterpriseTeamMemberIDs(ctx, teamID); err != nil {
			return err
		}
	}
	for _, org := range orgs {
		if err := o.seatsChanged(ctx, org, userIDs...); err != nil {
			return err
		}
	}
	return nil
}

// grantSeatsChanged marks the seats the grants with the given ids give.
func (o ops) grantSeatsChanged(ctx context.Context, ids []int64) error {
	return inBatches(len(ids), func(lo, hi int) error {
		args := make([]any, hi-lo)
		for i, id := range ids[lo:hi] {
			args[i] = id
		}
		gs, err := queryAll(ctx, o, scanGrant, `SELECT `+grantCols+` FROM copilot_grants WHERE id IN (`+marks(hi-lo)+`)`, args...)
		if err != nil {
			return err
		}
		return o.grantsChanged(ctx, gs)
	})
}

// grantsChanged marks the seats grants give.
func (o ops) grantsChanged(ctx context.Context, gs []seatkeeper.Grant) error {
	direct := map[int64][]int64{}
	for _, g := range gs {
		var err error
		switch g.Kind {
		case seatkeeper.GrantUser:
			direct[g.OrgID] = append(direct[g.OrgID], g.UserID)
		case seatkeeper.GrantTeam:
			err = o.teamSeatsChanged(ctx, g.TeamID)
		case seatkeeper.GrantEnterpriseTeam:
			var ids []int64
			if ids, err = o.EnterpriseTeamMemberIDs(ctx, g.EnterpriseTeamID); err == nil {
				err = o.seatsChanged(ctx, g.OrgID, ids...)
			}
		}
		if err != nil {
			return err
		}
	}
	for org, ids := range direct {
		if err := o.seatsChanged(ctx, org, ids...); err != nil {
			return err
		}
	}
	return nil
}

// flushLedger re-resolves what the transaction marked.
func (o ops) flushLedger(ctx context.Context) error {
	if o.dirt == nil {
		return nil
	}
	for _, org := range slices.Sorted(maps.Keys(o.dirt.orgs)) {
		if err := o.resolveOrg(ctx, org); err != nil {
			return err
		}
	}
	for _, org := range slices.Sorted(maps.Keys(o.dirt.users)) {
		if err := o.resolveUsers(ctx, org, slices.Sorted(maps.Keys(o.dirt.users[org]))); err != nil {
			return err
		}
	}
	o.dirt.orgs, o.dirt.users = nil, nil
	return o.flushEnterpriseLedger(ctx)
}

// resolveUsers rewrites some users' seat rows in an org, MaxUsers at a
// time; the counts kept beside the rows (the org's list chunks and
// totals, its enterprise's list and holders) are read and written once
// for them all.
func (o ops) resolveUsers(ctx context.Context, orgID int64, userIDs []int64) error {
	sub, err := o.Subscription(ctx, orgID)
	if err != nil && !seatkeeper.IsNotFound(err) {
		return err
	}
	ent, err := o.orgEnterprise(ctx, orgID)
	if err != nil {
		return err
	}
	rc := newSeatRecount()
	for chunk := range slices.Chunk(userIDs, MaxUsers) {
		users := OnlyUsers(chunk...)
		f, args, err := userFilter("user_id", users, []any{orgID})
		if err != nil {
			return err
		}
		if err := o.takeSeatRows(ctx, orgID, f, args, rc); err != nil {
			return err
		}
		if sub.OrgID != 0 { // else Copilot is not enabled: no seats
			ms, err := o.MembersOf(ctx, orgID, "", users)
			if err != nil {
				return err
			}
			if err := o.resolveMembers(ctx, sub, ms, users, rc); err != nil {
				return err
			}
		}
		if err := o.deleteSeatRows(ctx, orgID, rc.old); err != nil {
			return err
		}
		clear(rc.old)
	}
	if err := o.applySeatRecount(ctx, orgID, ent, rc); err != nil {
		return err
	}
	return o.refreshHolders(ctx, ent, userIDs)
}

// seatRecount is what re-resolving some of an org's seat rows changes in
// the counts kept beside them: its active members' rows taken out of the
// lists and added to them, and the change to the org's totals.
// Its old are the keys of the rows read and not (yet) written again: the
// rows to delete.
type seatRecount struct {
	taken, added []listedRow
	totals       seatDeltas
	old          map[seatRowKey]bool
}

// seatRowKey is a seat row's primary key after its org.
type seatRowKey struct{ user, from int64 }

func newSeatRecount() *seatRecount {
	return &seatRecount{totals: seatDeltas{}, old: map[seatRowKey]bool{}}
}

// takeSeatRows reads the org's rows that the user filter f (from
// userFilter, with its arguments after the org's id) selects, before they
// are rewritten or deleted, takes them out of rc's counts and adds their
// keys to rc.old.
func (o ops) takeSeatRows(ctx context.Context, orgID int64, f string, args []any, rc *seatRecount) error {
	// By the primary key (org_id, user_id, ...): updated_at is read so
	// that no index covers the query (SQLite would take one, and scan the
	// org's whole list for a few users).
	rows, err := o.query(ctx, `SELECT created_at, user_id, valid_from, ends_at, state, pending_cancellation_date IS NOT NULL,
			COALESCE(team_id, 0), COALESCE(enterprise_team_id, 0), updated_at
		FROM copilot_seats WHERE org_id = ?`+f, args...)
	if err != nil {
		return fmt.Errorf("store: seat ledger: %w", err)
	}
	err = eachRow(rows, func(row *sql.Rows) error {
		var r listedRow
		var state string
		var pending bool
		var team, eteam, updated int64
		if err := row.Scan(&r.created, &r.user, &r.from, &r.until, &state, &pending, &team, &eteam, &updated); err != nil {
			return err
		}
		if state == seatkeeper.StateActive {
			rc.taken = append(rc.taken, r)
		}
		rc.totals.add(r.from, r.until, state, pending, team, eteam, -1)
		rc.old[seatRowKey{r.user, r.from}] = true
		return nil
	})
	if err != nil {
		return fmt.Errorf("store: seat ledger: %w", err)
	}
	return nil
}

// deleteSeatRows deletes an org's seat rows by key.
func (o ops) deleteSeatRows(ctx context.Context, orgID int64, keys map[seatRowKey]bool) error {
	ks := slices.Collect(maps.Keys(keys))
	return inBatches(len(ks), func(lo, hi int) error {
		args := []any{orgID}
		for _, k := range ks[lo:hi] {
			args = append(args, k.user, k.from)
		}
		// Each term a primary-key lookup, on both stores.
		terms := strings.TrimSuffix(strings.Repeat("(user_id = ? AND valid_from = ?) OR ", hi-lo), " OR ")
		if _, err := o.exec(ctx, `DELETE FROM copilot_seats WHERE org_id = ? AND (`+terms+`)`, args...); err != nil {
			return fmt.Errorf("store: seat ledger: %w", err)
		}
		return nil
	})
}

// applySeatRecount writes rc's counts: the org's list chunks, its
// enterprise's (ent, 0 for none) and the org's totals.
func (o ops) applySeatRecount(ctx context.Context, orgID, ent int64, rc *seatRecount) error {
	if err := o.countChunks(ctx, orgList, orgID, rc.taken, rc.added); err != nil {
		return err
	}
	if err := o.entOrgRows(ctx, ent, orgID, rc.taken, rc.added); err != nil {
		return err
	}
	return o.applySeatTotals(ctx, orgID, rc.totals)
}

// resolveOrg rewrites every seat row of an org, a range of members at a
// time.
func (o ops) resolveOrg(ctx context.Context, orgID int64) error {
	ent, held, err := o.dropOrgFromEnterprise(ctx, orgID)
	if err != nil {
		return err
	}
	if err := o.dropSeatChunks(ctx, orgID); err != nil {
		return err
	}
	if err := o.dropSeatTotals(ctx, orgID); err != nil {
		return err
	}
	if _, err := o.exec(ctx, `DELETE FROM copilot_seats WHERE org_id = ?`, orgID); err != nil {
		return fmt.Errorf("store: seat ledger: %w", err)
	}
	sub, err := o.Subscription(ctx, orgID)
	if seatkeeper.IsNotFound(err) {
		return o.refreshHolders(ctx, ent, held)
	}
	if err != nil {
		return err
	}
	for after := int64(0); ; {
		ms, err := o.MemberKeysAfter(ctx, orgID, "", after, 5000)
		if err != nil {
			return err
		}
		if len(ms) == 0 {
			break
		}
		after = ms[len(ms)-1].User.ID
		rc := newSeatRecount()
		if err := o.resolveMembers(ctx, sub, ms, UserRange(ms[0].User.ID, after), rc); err != nil {
			return err
		}
		if err := o.applySeatRecount(ctx, orgID, ent, rc); err != nil {
			return err
		}
		if ent != 0 {
			for _, m := range ms {
				held = append(held, m.User.ID)
			}
		}
	}
	return o.refreshHolders(ctx, ent, held)
}

// resolveMembers writes the seat rows of members (users narrows the
// grants and activity read to theirs), with the activity recorded for
// them, over the rows of the same keys that rc.old names (in place: an
// update touches only the indexes of the columns it sets, where a delete
// and an insert touch them all), and counts them into rc.
func (o ops) resolveMembers(ctx context.Context, sub seatkeeper.Subscription, ms []Member, users Users, rc *seatRecount) error {
	if len(ms) == 0 || sub.SeatManagementSetting == seatkeeper.SeatsDisabled {
		return nil
	}
	reaches, err := o.OrgReachesOf(ctx, sub.OrgID, users)
	if err != nil {
		return err
	}
	acts, err := o.OrgActivityOf(ctx, sub.OrgID, users)
	if err != nil {
		return err
	}
	used, err := o.lastUsageOf(ctx, sub.OrgID, users)
	if err != nil {
		return err
	}
	var rows [][]any
	for _, m := range ms {
		a := acts[m.User.ID]
		for _, span := range seatkeeper.SeatSpans(seatkeeper.MemberReaches(sub, m.Membership, reaches[m.User.ID])) {
			b := spanRow(span)
			var team, eteam int64
			if span.Chosen.Team != nil {
				team = span.Chosen.Team.ID
			}
			if span.Chosen.ETeam != nil {
				eteam = span.Chosen.ETeam.ID
			}
			// Idle since the last use, or since the grant if never used.
			idle := b.created
			if a.LastActivityAt != nil {
				idle = unix(*a.LastActivityAt)
			}
			rows = append(rows, append([]any{sub.OrgID, m.User.ID, b.from, b.until, m.Membership.State, b.created, b.updated,
				nullDate(span.Pending), nullID(team), nullID(eteam), idle, used[m.User.ID]}, activityRow(a)...))
			delete(rc.old, seatRowKey{m.User.ID, b.from})
			if m.Membership.State == seatkeeper.StateActive {
				rc.added = append(rc.added, listedRow{created: b.created, user: m.User.ID, from: b.from, until: b.until})
			}
			rc.totals.add(b.from, b.until, m.Membership.State, span.Pending != nil, team, eteam, 1)
		}
	}
	return o.insertRowsThen(ctx, "copilot_seats", seatRowCols, rows, seatRowUpsert)
}

const seatRowCols = `org_id, user_id, valid_from, ends_at, state, created_at, updated_at, pending_cancellation_date, team_id, enterprise_team_id, idle_since, last_used_at, ` + activityCols

// seatRowUpsert rewrites a seat row whose key is written again.
const seatRowUpsert = ` ON CONFLICT (org_id, user_id, valid_from) DO UPDATE SET ends_at = excluded.ends_at, state = excluded.state,
	created_at = excluded.created_at, updated_at = excluded.updated_at, pending_cancellation_date = excluded.pending_cancellation_date,
	team_id = excluded.team_id, enterprise_team_id = excluded.enterprise_team_id, idle_since = excluded.idle_since,
	last_used_at = excluded.last_used_at, last_activity_at = excluded.last_activity_at,
	last_activity_editor = excluded.last_activity_editor, last_authenticated_at = excluded.last_authenticated_at`

// lastUsageOf reads the latest usage event in an org of users (Users{}:
// everyone), by user id, from copilot_usage_last: what their seat rows
// carry as last_used_at (none: 0).
func (o ops) lastUsageOf(ctx context.Context, orgID int64, users Users) (map[int64]int64, error) {
	f, args, err := userFilter("user_id", users, []any{orgID})
	if err != nil {
		return nil, err
	}
	out := map[int64]int64{}
	err = queryEach(ctx, o, func(row interface{ Scan(...any) error }) ([2]int64, error) {
		var r [2]int64
		err := row.Scan(&r[0], &r[1])
		return r, err
	}, func(r [2]int64) error {
		out[r[0]] = r[1]
		return nil
	}, `SELECT user_id, last_at FROM copilot_usage_last WHERE owner = ?`+f, args...)
	if err != nil {
		return nil, fmt.Errorf("store: last usage: %w", err)
	}
	return out, nil
}

// ResolveAllSeats rewrites the seat ledger of every organization: how a
// database from before the ledger gets its rows.
func (o ops) ResolveAllSeats(ctx context.Context) error {
	orgs, err := queryAll(ctx, o, scanInt64, `SELECT org_id FROM copilot_subscriptions ORDER BY org_id`)
	if err != nil {
		return err
	}
	for _, org := range orgs {
		if err := o.resolveOrg(ctx, org); err != nil {
			return err
		}
	}
	return nil
}

// marks returns n comma-separated placeholders.
func marks(n int) string { return strings.TrimSuffix(strings.Repeat("?, ", n), ", ") }

// LedgerSeat is a seat as the ledger holds it, with its holder and the
// activity recorded for them. The team that carries it is named by id.
type LedgerSeat struct {
	User                     seatkeeper.User
	State                    string // the holder's membership state
	CreatedAt, UpdatedAt     time.Time
	PendingCancellationDate  *seatkeeper.Date
	TeamID, EnterpriseTeamID int64
	Activity                 seatkeeper.Activity
}

// SeatKey is a seat's place in its list: oldest first, ties by user id.
type SeatKey struct {
	CreatedAt time.Time
	UserID    int64
}

// SeatQuery selects seats from the ledger at a moment.
type SeatQuery struct {
	OrgID  int64
	At     time.Time
	State  string   // a membership state, or "" for any
	UserID int64    // one user, or 0 for all
	From   *SeatKey // the first key listed: seats from it on, in list order
	Offset int      // seats skipped (from From)
	Limit  int      // at most this many seats; 0 for no limit
}

// ledgerSeatCols are what scanLedgerSeat reads: the seat (s), with the
// activity written with it (resolveMembers) or copied onto it since
// (copySeatActivity), and its holder (u).
var ledgerSeatCols = prefixCols("u", userCols) + `, ` + seatColsOf("s")

// seatColsOf are a seat row's columns as seatCols scans them, the row
// named alias.
func seatColsOf(alias string) string {
	return prefixCols(alias, `state, created_at, updated_at, pending_cancellation_date, team_id, enterprise_team_id, `+
		`last_activity_at, last_activity_editor, last_authenticated_at`)
}

var ledgerSeatFrom = `SELECT ` + ledgerSeatCols + `
	FROM copilot_seats s JOIN users u ON u.id = s.user_id
	WHERE s.org_id = ? AND s.valid_from <= ? AND s.ends_at > ?`

// LedgerSeats returns the seats q selects, in list order.
func (o ops) LedgerSeats(ctx context.Context, q SeatQuery) ([]LedgerSeat, error) {
	at := unix(q.At)
	query := ledgerSeatFrom
	args := []any{q.OrgID, at, at}
	if q.State != "" {
		query += ` AND s.state = ?`
		args = append(args, q.State)
	}
	if q.UserID != 0 {
		query += ` AND s.user_id = ?`
		args = append(args, q.UserID)
	}
	if q.From != nil {
		query += ` AND (s.created_at, s.user_id) >= (?, ?)`
		args = append(args, unix(q.From.CreatedAt), q.From.UserID)
	}
	if q.UserID == 0 {
		// One user's seat at a moment is one row (their rows' spans do
		// not overlap): without the order, it is found by the primary
		// key, not by scanning the org's list index.
		query += ` ORDER BY s.created_at, s.user_id`
	}
	if q.Limit > 0 || q.Offset > 0 {
		limit := int64(q.Limit)
		if limit == 0 {
			limit = seatForever
		}
		query += ` LIMIT ? OFFSET ?`
		args = append(args, limit, q.Offset)
	}
	return queryAllCap(ctx, o, q.Limit, scanLedgerSeat, query, args...)
}

// scanLedgerSeat reads a row of ledgerSeatCols.
func scanLedgerSeat(row interface{ Scan(...any) error }) (LedgerSeat, error) {
	var s LedgerSeat
	var c seatCols
	var uc, uu int64
	if err := row.Scan(append([]any{&s.User.ID, &s.User.Login, &s.User.Name, &s.User.Email, &s.User.SiteAdmin, &uc, &uu}, c.dest()...)...); err != nil {
		return s, err
	}
	s.User.CreatedAt, s.User.UpdatedAt = fromUnix(uc), fromUnix(uu)
	return s, c.fill(&s)
}

// seatCols scans a seat's columns as ledgerSeatFrom selects them after
// the user's, NULL where a LEFT JOIN found no seat.
type seatCols struct {
	state, pending, editor sql.NullString
	created, updated       sql.NullInt64
	team, eteam, activeAt  sql.NullInt64
	signedIn               sql.NullInt64
}

func (c *seatCols) dest() []any {
	return []any{&c.state, &c.created, &c.updated, &c.pending, &c.team, &c.eteam, &c.activeAt, &c.editor, &c.signedIn}
}

// fill sets s's seat fields (all but its user) from the columns.
func (c *seatCols) fill(s *LedgerSeat) error {
	s.State = c.state.String
	s.CreatedAt, s.UpdatedAt = fromUnix(c.created.Int64), fromUnix(c.updated.Int64)
	s.TeamID, s.EnterpriseTeamID = c.team.Int64, c.eteam.Int64
	s.Activity.LastActivityAt, s.Activity.LastActivityEditor = fromNullUnix(c.activeAt), c.editor.String
	s.Activity.LastAuthenticatedAt = fromNullUnix(c.signedIn)
	var err error
	s.PendingCancellationDate, err = fromNullDate(c.pending)
	return err
}

// UserSeat is what a seat lookup by login finds: the user, their
// membership's state in the org ("" for none) and the seat they hold
// there at the moment asked (nil for none), whatever its state.
type UserSeat struct {
	User        seatkeeper.User
	MemberState string
	Seat        *LedgerSeat
}

// userSeatByLogin is UserSeatByLogin's query: the user by login_key, then
// the seat row at a moment (which carries its activity) by its primary
// key. Seat rows are written from the memberships, with their state, so
// a row there is the membership's state: the membership itself is read
// (by its primary key) only when there is no row, which on a miss of the
// read cache saves the pages of two b-trees. On SQLite the user and the
// seat each come from one covering index (migration 0014), which holds
// every column read here: a column added to this query belongs in its
// index too (TestSeatLookupReadsOneIndexATable).
var userSeatByLogin = `SELECT ` + prefixCols("u", userCols) + `,
		CASE WHEN s.state IS NULL THEN (SELECT m.state FROM org_memberships m WHERE m.org_id = ? AND m.user_id = u.id)
			ELSE s.state END, ` + seatColsOf("s") + `
	FROM users u
	LEFT JOIN copilot_seats s ON s.org_id = ? AND s.user_id = u.id AND s.valid_from <= ? AND s.ends_at > ?
	WHERE u.login_key = ?`

// UserSeatByLogin reads, in one indexed query, the user login names, their
// membership of the org and their seat there at at, with its activity. A
// user that does not exist is ErrNotFound.
func (o ops) UserSeatByLogin(ctx context.Context, orgID int64, login string, at time.Time) (UserSeat, error) {
	var us UserSeat
	var member sql.NullString
	var c seatCols
	var uc, uu int64
	u := &us.User
	// A lookup by keys, over in microseconds: without the request's
	// cancellation, the drivers start no goroutines to watch for it.
	err := o.queryRow(context.WithoutCancel(ctx), userSeatByLogin, orgID, orgID, unix(at), unix(at), seatkeeper.LoginKey(login)).
		Scan(append([]any{&u.ID, &u.Login, &u.Name, &u.Email, &u.SiteAdmin, &uc, &uu, &member}, c.dest()...)...)
	if err != nil {
		return us, notFound("user "+login, err)
	}
	u.CreatedAt, u.UpdatedAt = fromUnix(uc), fromUnix(uu)
	us.MemberState = member.String
	if c.state.Valid {
		us.Seat = &LedgerSeat{User: us.User}
		if err := c.fill(us.Seat); err != nil {
			return us, err
		}
	}
	return us, nil
}

// SeatCounts counts an org's seats at a moment, as GitHub's seat
// breakdown does.
type SeatCounts struct {
	Listed              int // seats of active members
	Invited             int // seats of members with a pending invitation
	PendingCancellation int // listed seats with a cancellation date
	AddedSince          int // listed seats granted at or after since
	ActiveSince         int // listed seats used at or after since
}

// CountSeats counts an org's seats at at; since is the start of the
// current billing cycle. The counts by state come from the kept totals,
// the seats added and used since from index ranges.
func (o ops) CountSeats(ctx context.Context, orgID int64, at, since time.Time) (SeatCounts, error) {
	var c SeatCounts
	totals, err := o.OrgSeatTotals(ctx, orgID, at)
	if err != nil {
		return c, err
	}
	for _, t := range totals {
		if t.State != seatkeeper.StateActive {
			c.Invited += t.Seats
			continue
		}
		c.Listed += t.Seats
		if t.Pending {
			c.PendingCancellation += t.Seats
		}
	}
	const listed = `FROM copilot_seats s WHERE s.org_id = ? AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ?`
	args := []any{orgID, seatkeeper.StateActive, unix(at), unix(at), unix(since)}
	if err := o.queryRow(ctx, `SELECT COUNT(*) `+listed+` AND s.created_at >= ?`, args...).Scan(&c.AddedSince); err != nil {
		return c, fmt.Errorf("store: count seats: %w", err)
	}
	if err := o.queryRow(ctx, `SELECT COUNT(*) `+listed+` AND s.last_activity_at >= ?`, args...).Scan(&c.ActiveSince); err != nil {
		return c, fmt.Errorf("store: count seats: %w", err)
	}
	return c, nil
}

// CountStateSeats counts the seats of an org's members in a state at at.
func (o ops) CountStateSeats(ctx context.Context, orgID int64, state string, at time.Time) (int, error) {
	var n int
	err := o.queryRow(ctx, `SELECT COUNT(*) FROM copilot_seats s
		WHERE s.org_id = ? AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ?`,
		orgID, state, unix(at), unix(at)).Scan(&n)
	if err != nil {
		return 0, fmt.Errorf("store: count seats: %w", err)
	}
	return n, nil
}

// SeatKeyAt returns the key of the seat offset places from the key from
// (inclusive; a key that no seat has is where its seats would be) in the
// list of an org's active members' seats at at, and false when the list
// is shorter. It reads the list index alone: the index entries from from
// to the key, none of the seats' rows.
func (o ops) SeatKeyAt(ctx context.Context, orgID int64, at time.Time, from SeatKey, offset int) (SeatKey, bool, error) {
	var k SeatKey
	var created int64
	err := o.queryRow(ctx, `SELECT s.created_at, s.user_id FROM copilot_seats s
		WHERE s.org_id = ? AND s.state = ? AND s.valid_from <= ? AND s.ends_at > ? AND (s.created_at, s.user_id) >= (?, ?)
		ORDER BY s.created_at, s.user_id LIMIT 1 OFFSET ?`,
		orgID, seatkeeper.StateActive, unix(at), unix(at), unix(from.CreatedAt), from.UserID, offset).Scan(&created, &k.UserID)
	if errors.Is(err, sql.ErrNoRows) {
		return k, false, nil
	}
	if err != nil {
		return k, false, fmt.Errorf("store: seat key: %w", err)
	}
	k.CreatedAt = fromUnix(created)
	return k, true, nil
}
