package seed_test

import (
	"context"
	"os"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestLoadFailingLateKeepsNothing loads a valid document (the commented
// example) while the database refuses one of its late rows, so that the
// load fails inside its transaction after writing users, orgs and teams:
// nothing of it may be kept. Without the failure the same load succeeds.
func TestLoadFailingLateKeepsNothing(t *testing.T) {
	b, err := os.ReadFile("../../examples/seed.yaml")
	if err != nil {
		t.Fatal(err)
	}
	doc, err := seed.Parse(b)
	if err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct{ table, column, value string }{
		{"organizations", "login", "acme-labs"},                     // the last org
		{"tokens", "hash", auth.Hash("ghp_example_owner_read_org")}, // the first token, after every account
	} {
		t.Run(c.table, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				first, err := seed.Parse([]byte("users: [{login: before, id: 424242}]"))
				if err != nil {
					t.Fatal(err)
				}
				if err := first.Load(ctx, st, now); err != nil {
					t.Fatal(err)
				}
				before := storetest.Take(t, st)
				remove := storetest.FailWrites(t, st, c.table, c.column, c.value)
				if err := doc.Load(ctx, st, now); err == nil || !strings.Contains(err.Error(), storetest.InjectedFailure) {
					t.Fatalf("load with %s refused: %v", c.table, err)
				}
				storetest.Unchanged(t, st, before, "a load failing on "+c.table)
				remove()
				if err := doc.Load(ctx, st, now); err != nil {
					t.Fatalf("the same load without the failure: %v", err)
				}
			})
		})
	}
}
