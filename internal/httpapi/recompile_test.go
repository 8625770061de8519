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
