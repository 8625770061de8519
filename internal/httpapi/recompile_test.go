package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestSeatReadsAreNotRecompiled sends the seat reads (a seat's details, a
// page of the seat list, the org's billing) for one org after another,
// with the read cache off, and checks that no statement they ran was
// compiled again by SQLite in a second round. A statement whose plan
// SQLite judges to depend on a value bound to it is recompiled whenever
// the value changes; for a seat lookup that cost more than the lookup.
func TestSeatReadsAreNotRecompiled(t *testing.T) {
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(t.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	const orgs, seats = 4, 120
	if err := generate.Generate(ctx, st, generate.Options{Orgs: orgs, SeatsPerOrg: seats, TokensPerOrg: 1, Seed: 1}, now); err != nil {
		t.Fatal(err)
	}
	clk := &clock.Clock{}
	clk.Set(now)
	h := httpapi.New(httpapi.Config{RateLimit: 1 << 30, ReadCacheEntries: -1}, st, clk)
	// One connection, so that every statement run is on the connection
	// Recompiles reads.
	st.DB().SetMaxOpenConns(1)

	round := func(r int) {
		for i := range 3 * orgs {
			org := i % orgs
			for _, path := range []string{
				fmt.Sprintf("/orgs/%s/members/%s/copilot", generate.Org(org), generate.Member(org, (i*37+r)%seats)),
				fmt.Sprintf("/orgs/%s/copilot/billing/seats?per_page=20&page=%d", generate.Org(org), 1+(i+r)%4),
				fmt.Sprintf("/orgs/%s/copilot/billing", generate.Org(org)),
			} {
				req := httptest.NewRequest("GET", path, nil)
				req.Header.Set("Authorization", "Bearer "+generate.Token(org, 0))
				rec := httptest.NewRecorder()
				h.ServeHTTP(rec, req)
				if rec.Code != http.StatusOK {
					t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body)
				}
			}
		}
	}
	// The first round prepares every statement (and may recompile one
	// once, as the schema's statistics load).
	round(0)
	before := storetest.Recompiles(t, st.DB())
	round(1)
	for q, n := range storetest.Recompiles(t, st.DB()) {
		if d := n - before[q]; d > 0 {
			t.Errorf("recompiled %d times in %d requests for %d orgs: %s", d, 3*3*orgs, orgs, strings.Join(strings.Fields(q), " "))
		}
	}
}

// TestEnterpriseSeatReadsAreNotRecompiled is TestSeatReadsAreNotRecompiled
// for the enterprise routes: three enterprises, each with seats of its own
// (direct and through an enterprise team) and an org's, their seat lists
// and a member's seats read in turn.
func TestEnterpriseSeatReadsAreNotRecompiled(t *testing.T) {
	const ents, users = 3, 6
	var doc strings.Builder
	doc.WriteString("users: [{login: boss}")
	for e := range ents {
		for u := range users {
			fmt.Fprintf(&doc, ", {login: u%d-%d}", e, u)
		}
	}
	doc.WriteString("]\nenterprises:\n")
	for e := range ents {
		fmt.Fprintf(&doc, `  - slug: e%d
    owners: [boss]
    members: [u%[1]d-0, u%[1]d-1, u%[1]d-2]
    teams: [{name: Everyone, members: [u%[1]d-1, u%[1]d-2]}]
    copilot: {plan_type: enterprise, billing_cycle_day: 1}
    seats: [{user: u%[1]d-0}, {enterprise_team: everyone}]
`, e)
	}
	doc.WriteString("organizations:\n")
	for e := range ents {
		fmt.Fprintf(&doc, `  - login: o%d
    enterprise: e%[1]d
    copilot: {billing_cycle_day: 1}
    members: [{login: boss, role: admin}, {login: u%[1]d-3}, {login: u%[1]d-4}, {login: u%[1]d-5}]
    seats: [{user: u%[1]d-3}, {user: u%[1]d-4}, {enterprise_team: everyone}]
`, e)
	}
	doc.WriteString("tokens:\n  - {token: ghp_boss, kind: classic, user: boss, scopes: [manage_billing:copilot, admin:org, read:enterprise]}\n")

	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	e := newEnv(t, st, time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC), doc.String())
	// The same store behind an API without a read cache.
	clk := &clock.Clock{}
	clk.Set(time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC))
	e = startEnv(t, st, clk, newServer(serverConfig{Config: httpapi.Config{BaseURL: "http://seatkeeper.test", ReadCacheEntries: -1, Logger: testLogger}}, st, clk))
	st.DB().SetMaxOpenConns(1)

	round := func(r int) {
		for i := range 3 * ents {
			ent := i % ents
			for _, path := range []string{
				fmt.Sprintf("/enterprises/e%d/copilot/billing/seats?per_page=3&page=%d", ent, 1+(i+r)%2),
				fmt.Sprintf("/enterprises/e%d/members/u%d-%d/copilot", ent, ent, (i+r)%users),
				fmt.Sprintf("/orgs/o%d/copilot/billing/seats", ent),
				fmt.Sprintf("/orgs/o%d/members/u%d-%d/copilot", ent, ent, 3+(i+r)%3),
			} {
				if resp := e.do("GET", path, "ghp_boss"); resp.status != http.StatusOK && resp.status != http.StatusNotFound {
					t.Fatalf("GET %s: %d %s", path, resp.status, resp.body)
				}
			}
		}
	}
	round(0)
	before := storetest.Recompiles(t, st.DB())
	round(1)
	for q, n := range storetest.Recompiles(t, st.DB()) {
		if d := n - before[q]; d > 0 {
			t.Errorf("recompiled %d times in %d requests for %d enterprises: %s", d, 4*3*ents, ents, strings.Join(strings.Fields(q), " "))
		}
	}
}
