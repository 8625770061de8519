package store_test

import (
	"context"
	"fmt"
	"slices"
	"testing"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestPruneKeepsWhatMarksNeed prunes data_changes between a reader's mark
// and the changes after it: the reader must still learn that org b
// changed (or that it cannot tell), never that only org c did; a mark
// taken after the pruning still gets exact answers.
func TestPruneKeepsWhatMarksNeed(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		orgs := map[string]int64{}
		var user int64
		mustTx(t, st, func(tx *store.Tx) error {
			for _, login := range []string{"a", "b", "c", "d"} {
				o := seatkeeper.Organization{Login: login, CreatedAt: t0, UpdatedAt: t0}
				if err := tx.CreateOrg(ctx, &o); err != nil {
					return err
				}
				orgs[login] = o.ID
			}
			u := seatkeeper.User{Login: "ann", CreatedAt: t0, UpdatedAt: t0}
			err := tx.CreateUser(ctx, &u)
			user = u.ID
			return err
		})
		join := func(org string) {
			t.Helper()
			mustTx(t, st, func(tx *store.Tx) error {
				return tx.PutMembership(ctx, seatkeeper.Membership{OrgID: orgs[org], UserID: user, Role: seatkeeper.RoleMember,
					State: seatkeeper.StateActive, CreatedAt: t0, UpdatedAt: t0})
			})
		}
		// changes reads the scopes changed since mark and returns the
		// new mark (as readcache does).
		changes := func(mark string) (scopes []int64, all bool, next string) {
			t.Helper()
			ext, err := st.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			scopes, all, next, err = st.ChangesSince(ctx, mark, ext)
			if err != nil {
				t.Fatal(err)
			}
			return scopes, all, next
		}
		_, _, mark := changes("")
		join("a")
		if scopes, all, _ := changes(mark); all || !slices.Equal(scopes, []int64{orgs["a"]}) {
			t.Fatalf("before pruning: scopes %v, all %v; want org a alone", scopes, all)
		}
		_, _, mark = changes(mark)
		join("b") // what the reader at mark still needs to learn
		if st.Dialect() == store.Postgres {
			// A transaction left running from here on holds the pruning
			// back to before it: the marks of snapshots taken while it
			// runs must still get exact answers.
			holder, err := st.DB().BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			defer holder.Rollback()
			if _, err := holder.ExecContext(ctx, `SELECT txid_current()`); err != nil {
				t.Fatal(err)
			}
		}
		join("c")
		n, err := st.PruneChanges(ctx, 1)
		if err != nil {
			t.Fatal(err)
		}
		// On PostgreSQL another test's open transaction may hold rows back.
		if st.Dialect() == store.SQLite && n == 0 {
			t.Fatal("PruneChanges(1) deleted nothing")
		}
		t.Logf("pruned %d rows", n)
		if scopes, all, _ := changes(mark); !all && !slices.Contains(scopes, orgs["b"]) {
			t.Fatalf("after pruning: scopes %v, all false; org b's change was lost", scopes)
		}
		_, _, mark = changes("")
		join("d")
		if scopes, all, _ := changes(mark); all || !slices.Equal(scopes, []int64{orgs["d"]}) {
			t.Fatalf("a mark taken after pruning: scopes %v, all %v; want org d alone", scopes, all)
		}
	})
}

// TestCommitsPruneChanges checks that commits prune data_changes on their
// own: with pruning every 4th commit to 3 rows, 20 commits leave at most
// 3 + 3 rows on SQLite (PostgreSQL keeps the rows of transactions other
// tests hold open, so there it is only logged).
func TestCommitsPruneChanges(t *testing.T) {
	defer store.SetPruning(4, 3)()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		for i := range 20 {
			mustTx(t, st, func(tx *store.Tx) error {
				o := seatkeeper.Organization{Login: fmt.Sprintf("o%d", i), CreatedAt: t0, UpdatedAt: t0}
				return tx.CreateOrg(ctx, &o)
			})
		}
		var n int
		if err := st.DB().QueryRowContext(ctx, `SELECT COUNT(*) FROM data_changes`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		t.Logf("%d rows after 20 commits", n)
		if st.Dialect() == store.SQLite && n > 6 {
			t.Fatalf("%d rows of data_changes after 20 commits, pruned every 4th to 3: want at most 6", n)
		}
	})
}
