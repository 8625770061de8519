package copilot_test

import (
	"context"
	"fmt"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// pagesSeed is an org of n members with seats of every kind: direct, via
// a nested team, pending cancellation, and created at the same second (so
// that the user id breaks ties); every fifth member has none.
func pagesSeed(n int) string {
	var b strings.Builder
	b.WriteString("users: [{login: owner}")
	for i := range n {
		fmt.Fprintf(&b, ", {login: u%03d}", i)
	}
	b.WriteString("]\norganizations:\n  - login: acme\n    copilot: {public_code_suggestions: allow, billing_cycle_day: 10}\n    members: [{login: owner, role: admin}")
	for i := range n {
		fmt.Fprintf(&b, ", {login: u%03d}", i)
	}
	b.WriteString("]\n    teams: [{name: Parent, members: [")
	for i := 0; i < n; i += 7 {
		if i > 0 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "u%03d", i)
	}
	b.WriteString("]}, {name: Child, parent: parent, members: [")
	for i := 3; i < n; i += 11 {
		if i > 3 {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "u%03d", i)
	}
	b.WriteString("]}]\n    seats: [{team: parent}")
	for i := range n {
		switch {
		case i%5 == 4:
			continue
		case i%9 == 0:
			fmt.Fprintf(&b, ", {user: u%03d, pending_cancellation_date: \"2026-04-10\"}", i)
		case i%2 == 0:
			fmt.Fprintf(&b, ", {user: u%03d, created_at: \"2026-01-%02dT00:00:00Z\"}", i, 1+i%28)
		default:
			fmt.Fprintf(&b, ", {user: u%03d, created_at: \"2026-02-01T00:00:00Z\"}", i)
		}
	}
	b.WriteString("]\n")
	return b.String()
}

func bounds(page, perPage int) func(int) (int, int) {
	return func(n int) (int, int) {
		lo := min((page-1)*perPage, n)
		return lo, min(lo+perPage, n)
	}
}

// TestSeatPageAgreesWithOrgSeats checks that every page, through a read
// cache view or not, is the matching slice of the whole list, and that a
// write is seen by the next page read.
func TestSeatPageAgreesWithOrgSeats(t *testing.T) {
	// Chunks of 3 to 6 seat rows: pages start before, on and after their starts.
	defer store.SetChunkRows(store.SetChunkRows(3))
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock.Clock{}
		clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
		org := loadOrg(t, st, clk.Now(), pagesSeed(230), "acme")
		svc := &copilot.Service{Store: st, Clock: clk}
		cache := readcache.New(st, 0)

		check := func(t *testing.T) {
			t.Helper()
			all, err := svc.OrgSeats(ctx, org)
			if err != nil {
				t.Fatal(err)
			}
			if len(all) < 150 {
				t.Fatalf("the seed gave only %d seats", len(all))
			}
			for _, perPage := range []int{1, 7, 50, 100} {
				for page := 1; page <= len(all)/perPage+2; page++ {
					want := all[min((page-1)*perPage, len(all)):min(page*perPage, len(all))]
					for _, view := range []struct {
						name string
						ctx  context.Context
					}{{"no view", ctx}, {"view", cache.Begin(ctx)}} {
						total, got, err := svc.SeatPage(view.ctx, org, bounds(page, perPage))
						if err != nil {
							t.Fatal(err)
						}
						if total != len(all) || len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
							t.Fatalf("%s, page %d of %d: total %d (want %d), %d seats, want %d", view.name, page, perPage, total, len(all), len(got), len(want))
						}
					}
				}
			}
		}
		check(t)
		if cache.Stats().Hits == 0 {
			t.Fatal("the list's chunks were never served from the cache")
		}

		// Cancel one seat, seat a member who had none, and move a seat to
		// the front: the next pages show all three.
		if _, err := svc.CancelUsers(ctx, org, []string{"u002"}); err != nil {
			t.Fatal(err)
		}
		if _, err := svc.AddUsers(ctx, org, []string{"u004"}); err != nil {
			t.Fatal(err)
		}
		check(t)
		_, page, err := svc.SeatPage(cache.Begin(ctx), org, bounds(1, 300))
		if err != nil {
			t.Fatal(err)
		}
		var sawPending, sawNew bool
		for _, s := range page {
			switch s.User.Login {
			case "u002":
				sawPending = s.PendingCancellationDate != nil
			case "u004":
				sawNew = true
			}
		}
		if !sawPending || !sawNew {
			t.Errorf("after the writes: u002 pending %v, u004 seated %v", sawPending, sawNew)
		}

		// The day turns past the pending date: those seats leave the list.
		clk.Set(time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC))
		check(t)
		total, _, err := svc.SeatPage(cache.Begin(ctx), org, bounds(1, 1))
		if err != nil {
			t.Fatal(err)
		}
		all, err := svc.OrgSeats(ctx, org)
		if err != nil || len(all) == 0 {
			t.Fatalf("after the pending date: %d seats, %v", len(all), err)
		}
		if total != len(all) {
			t.Errorf("after the pending date: total %d, want %d", total, len(all))
		}
		for _, s := range all {
			if s.User.Login == "u002" || s.PendingCancellationDate != nil && !s.PendingCancellationDate.After(clk.Now()) {
				t.Errorf("seat of %s still listed on its cancellation date", s.User.Login)
			}
		}
	})
}

// TestSeatPageWithoutSubscription lists nothing, as GitHub does.
func TestSeatPageWithoutSubscription(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock.Clock{}
		org := loadOrg(t, st, clk.Now(), "users: [{login: a}]\norganizations:\n  - login: plain\n    members: [{login: a, role: admin}]\n", "plain")
		svc := &copilot.Service{Store: st, Clock: clk}
		total, page, err := svc.SeatPage(readcache.New(st, 0).Begin(ctx), org, bounds(1, 50))
		if err != nil || total != 0 || len(page) != 0 {
			t.Errorf("got %d, %v, %v; want 0, [], nil", total, page, err)
		}
	})
}

// TestSeatPageSeesWriteAfterItsOrder covers a request whose view began
// before another process's write: its cached order is older than what its
// page reads, and the page must still be one consistent reading (here,
// the current one: the order alone would miss the new seat while the
// page's seats were read after the write).
func TestSeatPageSeesWriteAfterItsOrder(t *testing.T) {
	for _, d := range storetest.Dialects() {
		t.Run(string(d), func(t *testing.T) {
			ctx := context.Background()
			st, other := storetest.Pair(t, d)
			clk := &clock.Clock{}
			clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
			org := loadOrg(t, st, clk.Now(), pagesSeed(40), "acme")
			svc := &copilot.Service{Store: st, Clock: clk}
			view := readcache.New(st, 0).Begin(ctx)
			if _, _, err := svc.SeatPage(view, org, bounds(1, 100)); err != nil { // caches the order
				t.Fatal(err)
			}
			// Another process seats a member who had none.
			if _, err := (&copilot.Service{Store: other, Clock: clk}).AddUsers(ctx, org, []string{"u004"}); err != nil {
				t.Fatal(err)
			}
			all, err := svc.OrgSeats(ctx, org)
			if err != nil {
				t.Fatal(err)
			}
			total, page, err := svc.SeatPage(view, org, bounds(1, 100))
			if err != nil {
				t.Fatal(err)
			}
			if total != len(all) || !reflect.DeepEqual(page, all) {
				t.Errorf("old view after the write: total %d, %d seats; want the current %d", total, len(page), len(all))
			}
		})
	}
}

// TestSeatWritesChangeOnlyTheirOrg: granting and cancelling seats in one
// org (which rewrites its ledger rows and its list's chunks) is recorded
// as a change to that org alone, so that read caches keep every other
// org's answers.
func TestSeatWritesChangeOnlyTheirOrg(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock.Clock{}
		clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
		org := loadOrg(t, st, clk.Now(), `users: [{login: owner}, {login: ann}, {login: bob}]
organizations:
  - login: acme
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}]
    seats: [{user: ann}]
  - login: other
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}]
    seats: [{user: ann}]
`, "acme")
		svc := &copilot.Service{Store: st, Clock: clk}
		for _, write := range []struct {
			name string
			run  func() (int, error)
		}{
			{"add", func() (int, error) { return svc.AddUsers(ctx, org, []string{"bob"}) }},
			{"cancel", func() (int, error) { return svc.CancelUsers(ctx, org, []string{"ann"}) }},
		} {
			ext, err := st.DataVersion(ctx)
			if err != nil {
				t.Fatal(err)
			}
			_, _, mark, err := st.ChangesSince(ctx, "", ext)
			if err != nil {
				t.Fatal(err)
			}
			if n, err := write.run(); err != nil || n != 1 {
				t.Fatalf("%s: %d, %v", write.name, n, err)
			}
			if ext, err = st.DataVersion(ctx); err != nil {
				t.Fatal(err)
			}
			scopes, all, _, err := st.ChangesSince(ctx, mark, ext)
			if err != nil {
				t.Fatal(err)
			}
			if all || !reflect.DeepEqual(scopes, []int64{org.ID}) {
				t.Errorf("%s: changed scopes %v, all %v; want acme's (%d) alone", write.name, scopes, all, org.ID)
			}
		}
	})
}
