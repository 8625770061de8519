package copilot_test

import (
	"context"
	"path/filepath"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/generate"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// BenchmarkResolveSeat is resolving one user's seat from the store (what
// a read-cache miss of the seat-details endpoint costs besides
// authentication and encoding), on a generated org of 1,000 seats on
// SQLite, varying users.
func BenchmarkResolveSeat(b *testing.B) {
	const seats = 1000
	ctx := context.Background()
	_, svc, org := benchOrg(b, seats)
	b.ReportAllocs()
	i := 0
	for b.Loop() {
		if _, err := svc.SeatDetails(ctx, org, generate.Member(0, (i*7919)%seats), svc.Clock.Now()); err != nil {
			b.Fatal(err)
		}
		i++
	}
}

// BenchmarkSeatListOrder is the first list request after a write: the
// whole order of a generated org's seats, then one page of 50, through a
// read cache that has nothing yet (bench/pages.sh measures the same
// through HTTP, on larger orgs).
func BenchmarkSeatListOrder(b *testing.B) {
	const seats = 20000
	ctx := context.Background()
	st, svc, org := benchOrg(b, seats)
	b.ReportAllocs()
	for b.Loop() {
		view := readcache.New(st, 0).Begin(ctx) // a fresh cache: the order is built anew
		total, page, err := svc.SeatPage(view, org, func(int) (int, int) { return 0, 50 })
		if err != nil || total < seats/2 || len(page) != 50 {
			b.Fatalf("%d seats, a page of %d: %v", total, len(page), err)
		}
	}
}

// benchOrg generates one org of seats on a SQLite store in a temporary
// directory, with a service whose clock is the generator's day.
func benchOrg(b *testing.B, seats int) (*store.Store, *copilot.Service, seatkeeper.Organization) {
	b.Helper()
	ctx := context.Background()
	st, err := store.Open(ctx, filepath.Join(b.TempDir(), "bench.db"), store.Options{})
	if err != nil {
		b.Fatal(err)
	}
	b.Cleanup(func() { st.Close() })
	now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
	if err := generate.Generate(ctx, st, generate.Options{Orgs: 1, SeatsPerOrg: seats, TokensPerOrg: 1, Seed: 1}, now); err != nil {
		b.Fatal(err)
	}
	clk := &clock.Clock{}
	clk.Set(now)
	org, err := st.OrgByLogin(ctx, generate.Org(0))
	if err != nil {
		b.Fatal(err)
	}
	return st, &copilot.Service{Store: st, Clock: clk}, org
}
