package store_test

import (
	"context"
	"fmt"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestTxKeepsNothingOfAFailure fails transactions inside, after they have
// written (a constraint the database enforces, a failure the database
// raises), under Tx and LockedTx, on both stores, and checks that nothing
// they wrote was kept and that the store goes on working.
func TestTxKeepsNothingOfAFailure(t *testing.T) {
	ctx := context.Background()
	user := func(id int64, login string) seatkeeper.User {
		return seatkeeper.User{ID: id, Login: login, CreatedAt: t0, UpdatedAt: t0}
	}
	cases := []struct {
		name string
		fn   func(tx *store.Tx) error
		want string // in the error
	}{
		{
			// 1,200 users go in 500 a statement: the third statement
			// violates the primary key after 1,000 rows are written.
			name: "primary key violated after two statements of rows",
			fn: func(tx *store.Tx) error {
				first, err := tx.ReserveIDs(ctx, store.SeqAccounts, 1200)
				if err != nil {
					return err
				}
				us := make([]seatkeeper.User, 1200)
				for i := range us {
					us[i] = user(first+int64(i), fmt.Sprintf("bulk%d", i))
				}
				us[len(us)-1].ID = first
				return tx.BulkUsers(ctx, us)
			},
			want: "bulk insert into users",
		},
		{
			name: "the database raises a failure after an org, a user and a membership",
			fn: func(tx *store.Tx) error {
				u := seatkeeper.User{Login: "kept", CreatedAt: t0, UpdatedAt: t0}
				o := seatkeeper.Organization{Login: "org", CreatedAt: t0, UpdatedAt: t0}
				for _, err := range []error{tx.CreateUser(ctx, &u), tx.CreateOrg(ctx, &o)} {
					if err != nil {
						return err
					}
				}
				m := seatkeeper.Membership{OrgID: o.ID, UserID: u.ID, Role: seatkeeper.RoleAdmin, State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.PutMembership(ctx, m); err != nil {
					return err
				}
				return tx.CreateUser(ctx, &seatkeeper.User{Login: "boom", CreatedAt: t0, UpdatedAt: t0})
			},
			want: storetest.InjectedFailure,
		},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		mustTx(t, st, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &seatkeeper.User{Login: "before", CreatedAt: t0, UpdatedAt: t0})
		})
		storetest.FailWrites(t, st, "users", "login", "boom")
		run := map[string]func(context.Context, func(*store.Tx) error) error{
			"Tx": st.Tx,
			"LockedTx": func(ctx context.Context, fn func(*store.Tx) error) error {
				return st.LockedTx(ctx, store.OrgLock(1), fn)
			},
		}
		for _, c := range cases {
			for how, tx := range run {
				before := storetest.Take(t, st)
				wrote := false
				err := tx(ctx, func(tx *store.Tx) error {
					err := c.fn(tx)
					wrote = true
					return err
				})
				if err == nil || !strings.Contains(err.Error(), c.want) {
					t.Fatalf("%s, %s: error %v, want one saying %q", c.name, how, err, c.want)
				}
				if !wrote {
					t.Fatalf("%s, %s: the function never ran", c.name, how)
				}
				storetest.Unchanged(t, st, before, c.name+" under "+how)
			}
		}
		// The store still writes.
		mustTx(t, st, func(tx *store.Tx) error {
			return tx.CreateUser(ctx, &seatkeeper.User{Login: "after", CreatedAt: t0, UpdatedAt: t0})
		})
		if _, err := st.UserByLogin(ctx, "after"); err != nil {
			t.Errorf("after the failures: %v", err)
		}
	})
}
