package store_test

import (
	"context"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestSeatLookupReadsOneIndexATable opens a SQLite database made before
// migration 0014 (generated, its statistics taken, then the two indexes
// dropped and the version unrecorded, as the previous release left it)
// and checks that, after the upgrade, a seat lookup by login reads the
// user and the seat each from one covering index, and finds what it found
// before.
func TestSeatLookupReadsOneIndexATable(t *testing.T) {
	ctx := context.Background()
	dsn := storetest.DSN(t, store.SQLite)
	st := storetest.OpenOn(t, dsn, store.Options{})
	now := time.Date(2026, 3, 20, 0, 0, 0, 0, time.UTC)
	if err := generate.Generate(ctx, st, generate.Options{Orgs: 2, SeatsPerOrg: 60, TokensPerOrg: 1, Seed: 1}, now); err != nil {
		t.Fatal(err)
	}
	orgs, err := st.Orgs(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// Members with and without seats, and a login that is no user.
	logins := []string{generate.Member(0, 0), generate.Member(0, 59), generate.Member(1, 7), generate.Member(1, 33), "gen-no-such-user"}
	lookups := func(st *store.Store) []string {
		var out []string
		for _, org := range orgs {
			for _, login := range logins {
				us, err := st.UserSeatByLogin(ctx, org.ID, strings.ToUpper(login), now)
				out = append(out, org.Login+" "+login+": "+describeUserSeat(us, err))
			}
		}
		return out
	}
	before := lookups(st)
	if _, err := st.DB().ExecContext(ctx, `DROP INDEX users_by_login; DROP INDEX copilot_seats_by_user;
		DELETE FROM schema_migrations WHERE version = 14`); err != nil {
		t.Fatal(err)
	}
	st.Close()

	st = storetest.OpenOn(t, dsn, store.Options{})
	rows, err := st.DB().QueryContext(ctx, `EXPLAIN QUERY PLAN `+store.UserSeatByLoginQuery,
		1, 1, now.Unix(), now.Unix(), "gen-0000-u0000000")
	if err != nil {
		t.Fatal(err)
	}
	var plan []string
	for rows.Next() {
		var id, parent, unused int
		var detail string
		if err := rows.Scan(&id, &parent, &unused, &detail); err != nil {
			t.Fatal(err)
		}
		plan = append(plan, detail)
	}
	if err := rows.Err(); err != nil {
		t.Fatal(err)
	}
	rows.Close()
	for _, want := range []string{"SEARCH u USING COVERING INDEX users_by_login (login_key=?)",
		"SEARCH s USING COVERING INDEX copilot_seats_by_user (org_id=? AND user_id=? AND valid_from<?)"} {
		found := false
		for _, p := range plan {
			found = found || strings.HasPrefix(p, want)
		}
		if !found {
			t.Errorf("the lookup's plan does not %q:\n%s", want, strings.Join(plan, "\n"))
		}
	}
	if after := lookups(st); !reflect.DeepEqual(after, before) {
		t.Errorf("after the upgrade the lookups found\n%s\nwant\n%s", strings.Join(after, "\n"), strings.Join(before, "\n"))
	}
}

func describeUserSeat(us store.UserSeat, err error) string {
	if err != nil {
		return err.Error()
	}
	s := us.User.Login + " member " + us.MemberState
	if us.Seat != nil {
		s += " seat " + us.Seat.State + " since " + us.Seat.CreatedAt.Format(time.RFC3339)
		if us.Seat.Activity.LastActivityAt != nil {
			s += " used " + us.Seat.Activity.LastActivityAt.Format(time.RFC3339) + " in " + us.Seat.Activity.LastActivityEditor
		}
		if us.Seat.TeamID != 0 {
			s += " by a team"
		}
	}
	return s
}
