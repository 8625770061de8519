package copilot_test

import (
	"context"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// loadOrg loads the seed document doc (YAML) into st at now and returns
// the organization it names login.
func loadOrg(t testing.TB, st *store.Store, now time.Time, doc, login string) seatkeeper.Organization {
	t.Helper()
	d, err := seed.Parse([]byte(doc))
	if err != nil {
		t.Fatalf("parse seed: %v", err)
	}
	d.AllowWeakTokens = true // tests give short literal tokens
	if err := d.Load(context.Background(), st, now); err != nil {
		t.Fatalf("load seed: %v", err)
	}
	org, err := st.OrgByLogin(context.Background(), login)
	if err != nil {
		t.Fatal(err)
	}
	return org
}
