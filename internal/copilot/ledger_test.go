package copilot_test

import (
	"context"
	"errors"
	"fmt"
	"math/rand/v2"
	"reflect"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/directory"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// ledgerSeed is an org of an enterprise with users u00..u11, of whom some
// are members, teams nested two deep, seats of every kind (direct,
// pending, team, enterprise team, residual) and one invitation; and a
// second org of the enterprise seating some of the same users, so that
// the enterprise's list holds users twice.
const ledgerSeed = `users: [{login: owner}, {login: u00}, {login: u01}, {login: u02}, {login: u03}, {login: u04}, {login: u05},
  {login: u06}, {login: u07}, {login: u08}, {login: u09}, {login: u10}, {login: u11}]
enterprises:
  - slug: ent
    owners: [owner]
    members: [u10]
    teams:
      - {name: Pioneers, members: [{login: u01, joined_at: "2026-01-05T00:00:00Z"}, u07]}
      - {name: Settlers, members: [u08, u10, u01]}
    copilot: {public_code_suggestions: allow, billing_cycle_day: 20, created_at: "2026-01-01T00:00:00Z"}
    seats:
      - {user: u10, created_at: "2026-01-02T00:00:00Z"}
      - {enterprise_team: settlers, pending_cancellation_date: "2026-04-20", created_at: "2026-01-03T00:00:00Z"}
    activity: [{user: u10, last_activity_at: "2026-03-01T00:00:00Z", last_activity_editor: vscode}]
organizations:
  - login: acme
    enterprise: ent
    copilot: {public_code_suggestions: allow, billing_cycle_day: 10, created_at: "2026-01-01T00:00:00Z"}
    members: [{login: owner, role: admin}, {login: u00}, {login: u01}, {login: u02}, {login: u03}, {login: u04}, {login: u05},
      {login: u06}, {login: u07, state: pending}]
    teams:
      - {name: Alpha, privacy: closed, members: [{login: u02, joined_at: "2026-02-01T00:00:00Z"}, u03]}
      - {name: Beta, parent: alpha, members: [u04]}
      - {name: Gamma, privacy: closed, members: [u05, u02]}
    seats:
      - {user: u00, created_at: "2026-01-02T00:00:00Z"}
      - {user: u01, pending_cancellation_date: "2026-04-10", created_at: "2026-01-03T00:00:00Z"}
      - {team: alpha, created_at: "2026-01-04T00:00:00Z"}
      - {team: gamma, pending_cancellation_date: "2026-05-10"}
      - {enterprise_team: pioneers, created_at: "2026-01-04T00:00:00Z"}
    residual_seats:
      - {user: u06, team: gamma, created_at: "2026-01-06T00:00:00Z", pending_cancellation_date: "2026-04-10"}
  - login: beta
    enterprise: ent
    copilot: {public_code_suggestions: allow, billing_cycle_day: 15}
    members: [{login: owner, role: admin}, {login: u00}, {login: u01}, {login: u08}]
    seats:
      - {user: u00, created_at: "2026-01-02T00:00:00Z"}
      - {user: u01, pending_cancellation_date: "2026-04-15", created_at: "2026-01-03T00:00:00Z"}
      - {user: u08, created_at: "2026-01-04T00:00:00Z"}
`

// distinctMoments is moments in time order, each once: many rows or
// grants end at the same moment.
func distinctMoments(moments []time.Time) []time.Time {
	slices.SortFunc(moments, time.Time.Compare)
	return slices.CompactFunc(moments, time.Time.Equal)
}

// ledgerLogins are the users of ledgerSeed.
var ledgerLogins = []string{"owner", "u00", "u01", "u02", "u03", "u04", "u05", "u06", "u07", "u08", "u09", "u10", "u11"}

// TestLedgerEqualsDerivation runs random sequences of every write that can
// change a seat (direct and team grants and cancellations, invitations,
// joining and leaving the org and its teams, moving, creating and
// deleting teams, enterprise team members and grants, the seat-management
// setting, turning Copilot off and on, activity) and moves of the clock
// across billing cycle boundaries, and after each step holds what the
// seat ledger answers to what the seat rules derive from grants, teams
// and memberships: at the clock's time, and at other moments (the day
// each pending cancellation takes effect, the second before, the past);
// and holds the per-org seat totals and each seat row's copy of its
// holder's activity, kept by the same writes, to a recount of the rows
// (seatTotalsDiff); and the enterprise list's counted chunks and seat
// holders to the whole merged list (enterpriseListDiff).
func TestLedgerEqualsDerivation(t *testing.T) {
	// Chunks of 2 to 4 seat rows, so that writes cut them often.
	defer store.SetChunkRows(store.SetChunkRows(2))
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		for seed := range uint64(8) {
			t.Run(fmt.Sprint("seed ", seed), func(t *testing.T) { ledgerWalk(t, st, seed, 100) })
		}
	})
}

func ledgerWalk(t *testing.T, st *store.Store, seed uint64, steps int) {
	ctx := context.Background()
	if err := st.Tx(ctx, func(tx *store.Tx) error { return tx.Reset(ctx, nil) }); err != nil {
		t.Fatal(err)
	}
	clk := &clock.Clock{}
	clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
	org := loadOrg(t, st, clk.Now(), ledgerSeed, "acme")
	svc := &copilot.Service{Store: st, Clock: clk}
	dir := &directory.Service{Store: st, Clock: clk}
	ent, err := st.EnterpriseBySlug(ctx, "ent")
	if err != nil {
		t.Fatal(err)
	}
	eteam, err := st.EnterpriseTeamBySlug(ctx, ent.ID, "pioneers")
	if err != nil {
		t.Fatal(err)
	}
	rng := rand.New(rand.NewPCG(seed, 14))
	// Mostly members (u00-u07), sometimes users of no org (u08-u11).
	user := func() string {
		if rng.IntN(6) == 0 {
			return fmt.Sprintf("u%02d", 8+rng.IntN(4))
		}
		return fmt.Sprintf("u%02d", rng.IntN(8))
	}
	users := func() []string {
		out := []string{user()}
		for rng.IntN(2) == 0 {
			out = append(out, user())
		}
		return out
	}
	team := func() string {
		ts, err := st.Teams(ctx, org.ID)
		if err != nil {
			t.Fatal(err)
		}
		if len(ts) == 0 || rng.IntN(8) == 0 {
			return "nosuchteam"
		}
		return ts[rng.IntN(len(ts))].Slug
	}
	teamsCreated := 0
	setting := func(s string) error {
		return st.Tx(ctx, func(tx *store.Tx) error {
			sub, err := tx.Subscription(ctx, org.ID)
			if seatkeeper.IsNotFound(err) {
				sub = seatkeeper.DefaultSubscription()
				sub.OrgID, sub.PublicCodeSuggestions, sub.CreatedAt = org.ID, seatkeeper.PolicyAllow, clk.Now()
			} else if err != nil {
				return err
			}
			sub.SeatManagementSetting, sub.UpdatedAt = s, clk.Now()
			return tx.PutSubscription(ctx, sub)
		})
	}
	ops := []struct {
		name string
		run  func() (string, error)
	}{
		{"add users", func() (string, error) { u := users(); _, err := svc.AddUsers(ctx, org, u); return fmt.Sprint(u), err }},
		{"cancel users", func() (string, error) {
			u := users()
			_, err := svc.CancelUsers(ctx, org, u)
			return fmt.Sprint(u), err
		}},
		{"add team", func() (string, error) { tm := team(); _, err := svc.AddTeams(ctx, org, []string{tm}); return tm, err }},
		{"cancel team", func() (string, error) {
			tm := team()
			_, err := svc.CancelTeams(ctx, org, []string{tm})
			return tm, err
		}},
		{"invite", func() (string, error) { u := user(); _, err := dir.SetMembership(ctx, org, u, "", nil); return u, err }},
		{"accept", func() (string, error) {
			u := user()
			uu, err := st.UserByLogin(ctx, u)
			if err != nil {
				return u, err
			}
			_, err = dir.AcceptInvitation(ctx, org, uu)
			return u, err
		}},
		{"leave org", func() (string, error) { u := user(); return u, dir.RemoveMember(ctx, org, u) }},
		{"join team", func() (string, error) {
			tm, u := team(), user()
			_, err := dir.SetTeamMembership(ctx, org, tm, u, "", nil)
			return tm + " " + u, err
		}},
		{"leave team", func() (string, error) {
			tm, u := team(), user()
			return tm + " " + u, dir.RemoveTeamMembership(ctx, org, tm, u)
		}},
		{"move team", func() (string, error) {
			tm, parent := team(), team()
			ref := &directory.ParentRef{Slug: parent}
			if rng.IntN(3) == 0 {
				ref = &directory.ParentRef{} // no parent
			}
			_, err := dir.UpdateTeam(ctx, org, tm, directory.TeamSpec{Parent: ref})
			return tm + " under " + ref.Slug, err
		}},
		{"create team", func() (string, error) {
			teamsCreated++
			name := fmt.Sprintf("New%d", teamsCreated)
			closed := seatkeeper.PrivacyClosed
			_, err := dir.CreateTeam(ctx, org, directory.TeamSpec{Name: &name, Privacy: &closed}, nil)
			return name, err
		}},
		{"delete team", func() (string, error) { tm := team(); return tm, dir.DeleteTeam(ctx, org, tm) }},
		{"enterprise team member", func() (string, error) {
			u := user()
			return u, st.Tx(ctx, func(tx *store.Tx) error {
				uu, err := tx.UserByLogin(ctx, u)
				if err != nil {
					return err
				}
				return tx.AddEnterpriseTeamMember(ctx, eteam.ID, uu.ID, clk.Now())
			})
		}},
		{"enterprise team grant", func() (string, error) {
			g := seatkeeper.Grant{OrgID: org.ID, Kind: seatkeeper.GrantEnterpriseTeam, EnterpriseTeamID: eteam.ID, CreatedAt: clk.Now(), UpdatedAt: clk.Now()}
			what := "granted"
			if rng.IntN(2) == 0 {
				d := seatkeeper.NextCycleStart(10, clk.Now())
				g.PendingCancellationDate, what = &d, "cancelled"
			}
			return what, st.Tx(ctx, func(tx *store.Tx) error { return tx.PutGrant(ctx, &g) })
		}},
		{"setting", func() (string, error) {
			s := []string{seatkeeper.SeatsAssignSelected, seatkeeper.SeatsAssignSelected, seatkeeper.SeatsAssignAll, seatkeeper.SeatsDisabled}[rng.IntN(4)]
			return s, setting(s)
		}},
		{"copilot off and on", func() (string, error) {
			err := st.Tx(ctx, func(tx *store.Tx) error { return tx.DeleteSubscription(ctx, org.ID) })
			if err != nil && !seatkeeper.IsNotFound(err) {
				return "", err
			}
			if rng.IntN(2) == 0 {
				return "off", nil
			}
			return "off and on", setting(seatkeeper.SeatsAssignSelected)
		}},
		{"activity", func() (string, error) {
			u := user()
			at := clk.Now()
			signedIn := at.Add(-time.Duration(rng.IntN(3)) * time.Hour)
			_, err := svc.RecordActivity(ctx, org, u, seatkeeper.Activity{LastActivityAt: &at, LastActivityEditor: "vscode", LastAuthenticatedAt: &signedIn})
			return u, err
		}},
		{"enterprise add users", func() (string, error) {
			u := users()
			_, err := svc.AddEnterpriseUsers(ctx, ent, u)
			return fmt.Sprint(u), err
		}},
		{"enterprise cancel users", func() (string, error) {
			u := users()
			_, err := svc.CancelEnterpriseUsers(ctx, ent, u)
			return fmt.Sprint(u), err
		}},
		{"enterprise add team", func() (string, error) {
			tm := []string{"pioneers", "Settlers", "nosuchteam"}[rng.IntN(3)]
			_, err := svc.AddEnterpriseTeams(ctx, ent, []string{tm})
			return tm, err
		}},
		{"enterprise cancel team", func() (string, error) {
			tm := []string{"Pioneers", "settlers"}[rng.IntN(2)]
			_, err := svc.CancelEnterpriseTeams(ctx, ent, []string{tm})
			return tm, err
		}},
		{"enterprise member", func() (string, error) {
			u := user()
			return u, st.Tx(ctx, func(tx *store.Tx) error {
				uu, err := tx.UserByLogin(ctx, u)
				if err != nil {
					return err
				}
				if rng.IntN(2) == 0 {
					_, err := tx.AddEnterpriseMember(ctx, ent.ID, uu.ID, clk.Now())
					return err
				}
				if err := tx.RemoveEnterpriseMember(ctx, ent.ID, uu.ID); !seatkeeper.IsNotFound(err) {
					return err
				}
				return nil
			})
		}},
		{"enterprise setting", func() (string, error) {
			s := []string{seatkeeper.SeatsAssignSelected, seatkeeper.SeatsDisabled, "off"}[rng.IntN(3)]
			return s, st.Tx(ctx, func(tx *store.Tx) error {
				if s == "off" {
					if err := tx.DeleteEnterpriseSubscription(ctx, ent.ID); !seatkeeper.IsNotFound(err) {
						return err
					}
					return nil
				}
				sub := seatkeeper.DefaultSubscription()
				sub.EnterpriseID, sub.PublicCodeSuggestions, sub.BillingCycleDay = ent.ID, seatkeeper.PolicyAllow, 20
				sub.SeatManagementSetting, sub.CreatedAt, sub.UpdatedAt = s, clk.Now(), clk.Now()
				return tx.PutEnterpriseSubscription(ctx, sub)
			})
		}},
		{"enterprise activity", func() (string, error) {
			u := user()
			at := clk.Now()
			_, err := svc.RecordEnterpriseActivity(ctx, ent, u, seatkeeper.Activity{LastActivityAt: &at, LastActivityEditor: "vim"})
			return u, err
		}},
		{"clock", func() (string, error) {
			now := clk.Now()
			day := []int{10, 20}[rng.IntN(2)] // the org's cycle or the enterprise's
			switch rng.IntN(4) {
			case 0: // to the next cycle boundary, exactly
				clk.Set(seatkeeper.NextCycleStart(day, now).Time)
			case 1: // a second before it
				clk.Set(seatkeeper.NextCycleStart(day, now).Add(-time.Second))
			case 2:
				clk.Set(now.Add(time.Duration(rng.IntN(40*24)) * time.Hour))
			default: // back a little
				clk.Set(now.Add(-time.Duration(rng.IntN(10*24)) * time.Hour))
			}
			return clk.Now().Format(time.RFC3339), nil
		}},
	}
	var log []string
	for step := range steps {
		op := ops[rng.IntN(len(ops))]
		what, err := op.run()
		log = append(log, fmt.Sprintf("%d %s %s: %v", step, op.name, what, err))
		var answer *seatkeeper.Error
		if err != nil && !errors.As(err, &answer) {
			t.Fatalf("%s\nunexpected failure: %v", strings.Join(log, "\n"), err)
		}
		if msg := ledgerDiff(ctx, st, org, clk.Now()); msg != "" {
			t.Fatalf("%s\nafter step %d: %s", strings.Join(log, "\n"), step, msg)
		}
		if msg := seatDetailsDiff(ctx, st, org, clk.Now(), ledgerLogins); msg != "" {
			t.Fatalf("%s\nafter step %d: %s", strings.Join(log, "\n"), step, msg)
		}
		if msg := enterpriseLedgerDiff(ctx, st, ent, clk.Now()); msg != "" {
			t.Fatalf("%s\nafter step %d: %s", strings.Join(log, "\n"), step, msg)
		}
		if msg := seatTotalsDiff(ctx, st, org, clk.Now()); msg != "" {
			t.Fatalf("%s\nafter step %d: %s", strings.Join(log, "\n"), step, msg)
		}
		if msg := enterpriseListDiff(ctx, st, ent, clk.Now()); msg != "" {
			t.Fatalf("%s\nafter step %d: %s", strings.Join(log, "\n"), step, msg)
		}
	}
}

// enterpriseListDiff compares what the ledger's writes keep for the
// enterprise's seat list with the whole merged list (EnterpriseSeats, read
// from the seat rows) at now, two months before, and at and a second
// before each end of a row of the list (a cancellation taking effect, a
// cycle boundary): the holders counted (store.EnterpriseSeatHolders)
// against the distinct users listed, and each counted chunk's seats
// against the seats whose keys fall in its range. "" when they agree.
func enterpriseListDiff(ctx context.Context, st *store.Store, ent seatkeeper.Enterprise, now time.Time) string {
	moments := []time.Time{now, now.AddDate(0, -2, 0)}
	for _, query := range []string{
		`SELECT DISTINCT s.ends_at FROM copilot_seats s JOIN organizations g ON g.id = s.org_id WHERE g.enterprise_id = ? AND s.ends_at < ?`,
		`SELECT DISTINCT ends_at FROM enterprise_copilot_seats WHERE enterprise_id = ? AND ends_at < ?`,
	} {
		if st.Dialect() == store.Postgres {
			query = strings.Replace(strings.Replace(query, "?", "$1", 1), "?", "$2", 1)
		}
		rows, err := st.DB().QueryContext(ctx, query, ent.ID, int64(1)<<62)
		if err != nil {
			return err.Error()
		}
		for rows.Next() {
			var end int64
			if err := rows.Scan(&end); err != nil {
				return err.Error()
			}
			moments = append(moments, time.Unix(end, 0).UTC(), time.Unix(end-1, 0).UTC())
		}
		if err := rows.Close(); err != nil {
			return err.Error()
		}
	}
	for _, at := range distinctMoments(moments) {
		clk := &clock.Clock{}
		clk.Set(at)
		all, users, err := (&copilot.Service{Store: st, Clock: clk}).EnterpriseSeats(ctx, ent)
		if err != nil {
			return err.Error()
		}
		when := at.Format(time.RFC3339)
		holders, err := st.EnterpriseSeatHolders(ctx, ent.ID, at)
		if err != nil {
			return err.Error()
		}
		if holders != users {
			return fmt.Sprintf("at %s the enterprise's holders are counted %d, its list has %d distinct users", when, holders, users)
		}
		chunks, err := st.EnterpriseSeatChunks(ctx, ent.ID, at)
		if err != nil {
			return err.Error()
		}
		key := func(s seatkeeper.Seat) store.EntSeatKey {
			k := store.EntSeatKey{CreatedAt: s.CreatedAt, UserID: s.User.ID}
			if !s.AtEnterprise() {
				k.OrgID = s.Org.ID
			}
			return k
		}
		before := func(a, b store.EntSeatKey) bool {
			return a.CreatedAt.Before(b.CreatedAt) || a.CreatedAt.Equal(b.CreatedAt) && (a.OrgID < b.OrgID || a.OrgID == b.OrgID && a.UserID < b.UserID)
		}
		i := 0
		for c, chunk := range chunks {
			n := 0
			for ; i < len(all) && (c+1 == len(chunks) || before(key(all[i]), chunks[c+1].Start)); i++ {
				if before(key(all[i]), chunk.Start) {
					return fmt.Sprintf("at %s the enterprise seat of %s is before the first chunk", when, all[i].User.Login)
				}
				n++
			}
			if n != chunk.Seats {
				return fmt.Sprintf("at %s enterprise chunk %d (from %s, org %d, user %d) counts %d seats, holds %d", when, c,
					chunk.Start.CreatedAt.Format(time.RFC3339), chunk.Start.OrgID, chunk.Start.UserID, chunk.Seats, n)
			}
		}
		if i != len(all) {
			return fmt.Sprintf("at %s the enterprise chunks cover %d of %d seats", when, i, len(all))
		}
		// The list's rows (enterprise_seat_list), read whole as a page is.
		if len(chunks) == 0 {
			continue
		}
		listed, err := st.EnterpriseListPage(ctx, ent.ID, at, chunks[0].Start, 0, len(all)+1)
		if err != nil {
			return err.Error()
		}
		if len(listed) != len(all) {
			return fmt.Sprintf("at %s the enterprise's list rows hold %d seats, its merge %d", when, len(listed), len(all))
		}
		for i, l := range listed {
			k, seat := key(all[i]), all[i]
			if l.Key.OrgID != k.OrgID || l.Key.UserID != k.UserID || !l.Key.CreatedAt.Equal(k.CreatedAt) {
				return fmt.Sprintf("at %s the enterprise's list row %d is %+v, its merge has %+v", when, i, l.Key, k)
			}
			if k.OrgID == 0 {
				continue
			}
			var team, eteam int64
			if seat.Team != nil {
				team = seat.Team.ID
			}
			if seat.EnterpriseTeam != nil {
				eteam = seat.EnterpriseTeam.ID
			}
			if l.User != seat.User || !l.UpdatedAt.Equal(seat.UpdatedAt) || l.TeamID != team || l.EnterpriseTeamID != eteam ||
				!reflect.DeepEqual(l.PendingCancellationDate, seat.PendingCancellationDate) || !reflect.DeepEqual(l.Activity, seat.Activity) {
				return fmt.Sprintf("at %s the enterprise's list row %d (%s in org %d) reads %+v, its merge %+v", when, i, seat.User.Login, k.OrgID, l.LedgerSeat, seat)
			}
		}
	}
	return ""
}

// seatTotalsDiff compares what the ledger's writes keep beside its rows
// with a recount of the rows: the org's seat totals at now and around
// each pending cancellation (store.OrgSeatTotals against the rows held
// at that moment, counted by kind), and each row's copy of its holder's
// activity against copilot_activity. "" when they agree.
func seatTotalsDiff(ctx context.Context, st *store.Store, org seatkeeper.Organization, now time.Time) string {
	q := func(query string) string { // the store's placeholders, for st.DB()
		if st.Dialect() != store.Postgres {
			return query
		}
		for n := 1; strings.Contains(query, "?"); n++ {
			query = strings.Replace(query, "?", fmt.Sprintf("$%d", n), 1)
		}
		return query
	}
	moments := []time.Time{now, now.AddDate(0, -2, 0), now.AddDate(1, 0, 0)}
	dates, err := st.DB().QueryContext(ctx, q(`SELECT DISTINCT ends_at FROM copilot_seats WHERE org_id = ? AND ends_at < ?`), org.ID, int64(1)<<62)
	if err != nil {
		return err.Error()
	}
	for dates.Next() {
		var end int64
		if err := dates.Scan(&end); err != nil {
			return err.Error()
		}
		moments = append(moments, time.Unix(end, 0).UTC(), time.Unix(end-1, 0).UTC())
	}
	if err := dates.Close(); err != nil {
		return err.Error()
	}
	for _, at := range distinctMoments(moments) {
		got, err := st.OrgSeatTotals(ctx, org.ID, at)
		if err != nil {
			return err.Error()
		}
		rows, err := st.DB().QueryContext(ctx, q(`SELECT state, CASE WHEN pending_cancellation_date IS NULL THEN 0 ELSE 1 END,
				COALESCE(team_id, 0), COALESCE(enterprise_team_id, 0), COUNT(*)
			FROM copilot_seats WHERE org_id = ? AND valid_from <= ? AND ends_at > ?
			GROUP BY 1, 2, 3, 4 ORDER BY 1, 2, 3, 4`), org.ID, at.Unix(), at.Unix())
		if err != nil {
			return err.Error()
		}
		var want []store.OrgSeatTotal
		for rows.Next() {
			var t store.OrgSeatTotal
			var pending int
			if err := rows.Scan(&t.State, &pending, &t.Grant.TeamID, &t.Grant.EnterpriseTeamID, &t.Seats); err != nil {
				return err.Error()
			}
			t.Pending = pending == 1
			want = append(want, t)
		}
		if err := rows.Close(); err != nil {
			return err.Error()
		}
		if !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("at %s the kept seat totals are\n%+v\na recount of the ledger's rows\n%+v", at.Format(time.RFC3339), got, want)
		}
	}
	var stale int
	err = st.DB().QueryRowContext(ctx, q(`SELECT COUNT(*) FROM copilot_seats s
		LEFT JOIN copilot_activity a ON a.org_id = s.org_id AND a.user_id = s.user_id
		WHERE s.org_id = ? AND (COALESCE(s.last_activity_at, -1) <> COALESCE(a.last_activity_at, -1)
			OR s.last_activity_editor <> COALESCE(a.last_activity_editor, '')
			OR COALESCE(s.last_authenticated_at, -1) <> COALESCE(a.last_authenticated_at, -1)
			OR s.idle_since <> COALESCE(a.last_activity_at, s.created_at))`), org.ID).Scan(&stale)
	if err != nil {
		return err.Error()
	}
	if stale > 0 {
		return fmt.Sprintf("%d seat rows carry other activity than copilot_activity records", stale)
	}
	return ""
}

// ledgerDiff compares the ledger with the derivation at now and at the
// moments around each seat's pending cancellation; "" when they agree.
func ledgerDiff(ctx context.Context, st *store.Store, org seatkeeper.Organization, now time.Time) string {
	moments := []time.Time{now, now.AddDate(0, -2, 0)}
	gs, err := st.Grants(ctx, org.ID)
	if err != nil {
		return err.Error()
	}
	for _, g := range gs {
		if d := g.PendingCancellationDate; d != nil {
			moments = append(moments, d.Time, d.Add(-time.Second))
		}
	}
	for _, at := range distinctMoments(moments) {
		clk := &clock.Clock{}
		clk.Set(at)
		svc := &copilot.Service{Store: st, Clock: clk}
		got, err := svc.OrgSeats(ctx, org)
		if err != nil {
			return err.Error()
		}
		want, err := copilot.DeriveSeats(ctx, st, org, seatkeeper.StateActive, at)
		if err != nil {
			return err.Error()
		}
		if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("at %s the ledger lists\n%s\nthe rules\n%s", at.Format(time.RFC3339), seatLines(got), seatLines(want))
		}
		if msg := chunksDiff(ctx, st, org, at, want); msg != "" {
			return msg
		}
		invited, err := copilot.DeriveSeats(ctx, st, org, seatkeeper.StatePending, at)
		if err != nil {
			return err.Error()
		}
		n, err := st.CountStateSeats(ctx, org.ID, seatkeeper.StatePending, at)
		if err != nil {
			return err.Error()
		}
		if n != len(invited) {
			return fmt.Sprintf("at %s the ledger counts %d invitees' seats, the rules %d", at.Format(time.RFC3339), n, len(invited))
		}
	}
	return ""
}

// chunksDiff compares the counts of the org's seat list chunks at at with
// the seats of the list want that fall in each chunk's range of keys.
func chunksDiff(ctx context.Context, st *store.Store, org seatkeeper.Organization, at time.Time, want []seatkeeper.Seat) string {
	chunks, err := st.SeatChunks(ctx, org.ID, at)
	if err != nil {
		return err.Error()
	}
	before := func(s seatkeeper.Seat, k store.SeatKey) bool {
		return s.CreatedAt.Before(k.CreatedAt) || s.CreatedAt.Equal(k.CreatedAt) && s.User.ID < k.UserID
	}
	i := 0
	for c, chunk := range chunks {
		n := 0
		for ; i < len(want) && (c+1 == len(chunks) || before(want[i], chunks[c+1].Start)); i++ {
			if before(want[i], chunk.Start) {
				return fmt.Sprintf("at %s the seat of %s is before the first chunk", at.Format(time.RFC3339), want[i].User.Login)
			}
			n++
		}
		if n != chunk.Seats {
			return fmt.Sprintf("at %s chunk %d (from %s, user %d) counts %d seats, holds %d", at.Format(time.RFC3339), c,
				chunk.Start.CreatedAt.Format(time.RFC3339), chunk.Start.UserID, chunk.Seats, n)
		}
	}
	if i != len(want) {
		return fmt.Sprintf("at %s the chunks cover %d of %d seats", at.Format(time.RFC3339), i, len(want))
	}
	return ""
}

// seatDetailsDiff compares one user's seat as SeatDetails reads it (the
// user, their seat row and, only when they hold none, their membership)
// with what the rules derive, for each of logins, at now and two months
// before: the same seat, or GitHub's answer in GitHub's order (Copilot
// off, not a member, a pending invitation, no seat).
func seatDetailsDiff(ctx context.Context, st *store.Store, org seatkeeper.Organization, now time.Time, logins []string) string {
	_, subErr := st.Subscription(ctx, org.ID)
	for _, at := range []time.Time{now, now.AddDate(0, -2, 0)} {
		svc := &copilot.Service{Store: st, Clock: &clock.Clock{}}
		derived, err := copilot.DeriveSeats(ctx, st, org, seatkeeper.StateActive, at)
		if err != nil {
			return err.Error()
		}
		for _, login := range logins {
			u, err := st.UserByLogin(ctx, login)
			if err != nil {
				return err.Error()
			}
			m, err := st.Membership(ctx, org.ID, u.ID)
			if err != nil && !seatkeeper.IsNotFound(err) {
				return err.Error()
			}
			var want seatkeeper.Seat
			var wantMsg string
			switch i := slices.IndexFunc(derived, func(s seatkeeper.Seat) bool { return s.User.ID == u.ID }); {
			case subErr != nil:
				wantMsg = copilot.MsgNotEnabled
			case err != nil:
				wantMsg = copilot.MsgNotOrgMember
			case m.State == seatkeeper.StatePending:
				wantMsg = copilot.MsgPendingInvitation
			case i < 0:
				wantMsg = copilot.MsgNoSeat
			default:
				want = derived[i]
			}
			got, err := svc.SeatDetails(ctx, org, login, at)
			got.TeamParent, got.TeamEnterprise = nil, nil // completed for encoding, beyond the rules
			gotMsg := ""
			if err != nil {
				gotMsg = err.Error()
			}
			if gotMsg != wantMsg || wantMsg == "" && !reflect.DeepEqual(got, want) {
				return fmt.Sprintf("at %s %s's seat details are %q\n%+v\nthe rules give %q\n%+v", at.Format(time.RFC3339), login,
					gotMsg, got, wantMsg, want)
			}
		}
	}
	return ""
}

// enterpriseLedgerDiff compares the ledger's enterprise-level seats with
// the derivation at now and around each pending cancellation; "" when
// they agree.
func enterpriseLedgerDiff(ctx context.Context, st *store.Store, ent seatkeeper.Enterprise, now time.Time) string {
	moments := []time.Time{now, now.AddDate(0, -2, 0)}
	gs, err := st.EnterpriseGrants(ctx, ent.ID)
	if err != nil {
		return err.Error()
	}
	for _, g := range gs {
		if d := g.PendingCancellationDate; d != nil {
			moments = append(moments, d.Time, d.Add(-time.Second))
		}
	}
	for _, at := range distinctMoments(moments) {
		got, err := copilot.EnterpriseLevelSeats(ctx, st, ent, at)
		if err != nil {
			return err.Error()
		}
		want, err := copilot.DeriveEnterpriseSeats(ctx, st, ent, at)
		if err != nil {
			return err.Error()
		}
		if (len(got) > 0 || len(want) > 0) && !reflect.DeepEqual(got, want) {
			return fmt.Sprintf("at %s the ledger lists at the enterprise\n%s\nthe rules\n%s", at.Format(time.RFC3339), seatLines(got), seatLines(want))
		}
	}
	return ""
}

func seatLines(seats []seatkeeper.Seat) string {
	var lines []string
	for _, s := range seats {
		line := fmt.Sprintf("  %s since %s updated %s", s.User.Login, s.CreatedAt.Format(time.RFC3339), s.UpdatedAt.Format(time.RFC3339))
		if s.PendingCancellationDate != nil {
			line += " until " + s.PendingCancellationDate.String()
		}
		if s.Team != nil {
			line += " via " + s.Team.Slug
		}
		if s.EnterpriseTeam != nil {
			line += " via enterprise " + s.EnterpriseTeam.Slug
		}
		if a := s.Activity.LastActivityAt; a != nil {
			line += " active " + a.Format(time.RFC3339)
		}
		if a := s.Activity.LastAuthenticatedAt; a != nil {
			line += " signed in " + a.Format(time.RFC3339)
		}
		lines = append(lines, line)
	}
	return strings.Join(slices.Clip(lines), "\n")
}
