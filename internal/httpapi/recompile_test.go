package httpapi_test

import (
	"context"
	"fmt"
	"net/http"
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
	st := sqliteFile(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	const orgs, seats = 4, 120
	if err := generate.Generate(context.Background(), st, generate.Options{Orgs: orgs, SeatsPerOrg: seats, TokensPerOrg: 1, Seed: 1}, now); err != nil {
		t.Fatal(err)
	}
	e := uncachedEnv(t, st, now)
	checkNotRecompiled(t, e, fmt.Sprintf("for %d orgs", orgs), func(r int) []call {
		var out []call
		for i := range 3 * orgs {
			org := i % orgs
			for _, path := range []string{
				fmt.Sprintf("/orgs/%s/members/%s/copilot", generate.Org(org), generate.Member(org, (i*37+r)%seats)),
				fmt.Sprintf("/orgs/%s/copilot/billing/seats?per_page=20&page=%d", generate.Org(org), 1+(i+r)%4),
				fmt.Sprintf("/orgs/%s/copilot/billing", generate.Org(org)),
			} {
				out = append(out, call{"GET", path, generate.Token(org, 0)})
			}
		}
		return out
	})
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

	st := sqliteFile(t)
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	loadSeed(t, st, now, doc.String())
	e := uncachedEnv(t, st, now)
	checkNotRecompiled(t, e, fmt.Sprintf("for %d enterprises", ents), func(r int) []call {
		var out []call
		for i := range 3 * ents {
			ent := i % ents
			for _, path := range []string{
				fmt.Sprintf("/enterprises/e%d/copilot/billing/seats?per_page=3&page=%d", ent, 1+(i+r)%2),
				fmt.Sprintf("/enterprises/e%d/members/u%d-%d/copilot", ent, ent, (i+r)%users),
				fmt.Sprintf("/orgs/o%d/copilot/billing/seats", ent),
				fmt.Sprintf("/orgs/o%d/members/u%d-%d/copilot", ent, ent, 3+(i+r)%3),
			} {
				out = append(out, call{"GET", path, "ghp_boss"})
			}
		}
		return out
	})
}

// sqliteFile is a store on a SQLite file of its own (Recompiles reads
// SQLite's statements).
func sqliteFile(t *testing.T) *store.Store {
	t.Helper()
	st, err := store.Open(context.Background(), filepath.Join(t.TempDir(), "seats.db"), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	return st
}

// uncachedEnv serves st with the read cache off, so that every request
// runs its queries.
func uncachedEnv(t *testing.T, st *store.Store, now time.Time) *env {
	clk := &clock.Clock{}
	clk.Set(now)
	return startEnv(t, st, clk, newServer(serverConfig{Config: httpapi.Config{BaseURL: "http://seatkeeper.test", ReadCacheEntries: -1, Logger: testLogger}}, st, clk))
}

// checkNotRecompiled sends round(0)'s requests (which prepare every
// statement, and may recompile one once, as the schema's statistics
// load), then round(1)'s, and fails on any statement SQLite compiled
// again during the second. Every answer is checked against the spec and
// must be 200, or 404 (a user without a seat). The store is held to one
// connection, so that every statement run is on the one Recompiles reads.
func checkNotRecompiled(t *testing.T, e *env, what string, round func(r int) []call) {
	t.Helper()
	e.st.DB().SetMaxOpenConns(1)
	send := func(reqs []call) {
		for _, q := range reqs {
			if resp := e.do(q.method, q.path, q.token); resp.status != http.StatusOK && resp.status != http.StatusNotFound {
				t.Fatalf("%s %s: %d %s", q.method, q.path, resp.status, resp.body)
			}
		}
	}
	send(round(0))
	before := storetest.Recompiles(t, e.st.DB())
	second := round(1)
	send(second)
	for q, n := range storetest.Recompiles(t, e.st.DB()) {
		if d := n - before[q]; d > 0 {
			t.Errorf("recompiled %d times in %d requests %s: %s", d, len(second), what, strings.Join(strings.Fields(q), " "))
		}
	}
}

// call is a request checkNotRecompiled sends.
type call struct{ method, path, token string }
