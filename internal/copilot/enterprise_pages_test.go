package copilot_test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// entPagesSeed is a random enterprise "ent": a few orgs with Copilot
// (and one without, of which every user is a member) whose members
// overlap, seats created on a few
// shared seconds (so that org and user ids break ties), some pending
// cancellation on 2026-04-10 or held by pending members, and
// enterprise-level seats of the same kind.
func entPagesSeed(rng *rand.Rand, users int) string {
	var b strings.Builder
	b.WriteString("users: [{login: owner}")
	for i := range users {
		fmt.Fprintf(&b, ", {login: u%03d}", i)
	}
	b.WriteString("]\nenterprises:\n  - slug: ent\n    owners: [owner]\n    copilot: {public_code_suggestions: allow}\n    seats: [")
	seat := func(first bool, login string) {
		if !first {
			b.WriteString(", ")
		}
		fmt.Fprintf(&b, "{user: %s, created_at: \"2026-0%d-01T00:00:00Z\"", login, 1+rng.IntN(3))
		if rng.IntN(6) == 0 {
			b.WriteString(`, pending_cancellation_date: "2026-04-10"`)
		}
		b.WriteString("}")
	}
	first := true
	for i := range users {
		if rng.IntN(3) == 0 {
			seat(first, fmt.Sprintf("u%03d", i))
			first = false
		}
	}
	b.WriteString("]\norganizations:\n")
	orgs := 2 + rng.IntN(3)
	for o := range orgs + 1 {
		fmt.Fprintf(&b, "  - login: org%d\n    enterprise: ent\n", o)
		if o < orgs {
			b.WriteString("    copilot: {public_code_suggestions: allow}\n")
		}
		b.WriteString("    members: [{login: owner, role: admin}")
		var seated []string
		for i := range users {
			if o < orgs && rng.IntN(2) == 0 {
				continue // the org without Copilot has everyone
			}
			login := fmt.Sprintf("u%03d", i)
			state := ""
			if rng.IntN(10) == 0 {
				state = ", state: pending"
			}
			fmt.Fprintf(&b, ", {login: %s%s}", login, state)
			if o < orgs && rng.IntN(4) != 0 {
				seated = append(seated, login)
			}
		}
		b.WriteString("]\n")
		if len(seated) > 0 {
			b.WriteString("    seats: [")
			for i, login := range seated {
				seat(i == 0, login)
			}
			b.WriteString("]\n")
		}
	}
	return b.String()
}

// TestEnterpriseSeatPageAgreesWithMerge checks, on random enterprises,
// that every page of the enterprise list read by positions
// (EnterpriseSeatPage) is the matching slice of the whole merged list
// (EnterpriseSeats), with its row count and total_seats, after writes
// and after a cancellation date passes, read with and without a read
// cache view.
func TestEnterpriseSeatPageAgreesWithMerge(t *testing.T) {
	// Chunks of 3 to 6 seat rows: pages start before, on and after their starts.
	defer store.SetChunkRows(store.SetChunkRows(3))
	for trial := range 3 {
		seed := uint64(trial + 1)
		storetest.Each(t, func(t *testing.T, st *store.Store) {
			ctx := context.Background()
			rng := rand.New(rand.NewPCG(seed, 14))
			clk := &clock.Clock{}
			clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
			org := loadOrg(t, st, clk.Now(), entPagesSeed(rng, 90), "org0")
			ent, err := st.EnterpriseBySlug(ctx, "ent")
			if err != nil {
				t.Fatal(err)
			}
			svc := &copilot.Service{Store: st, Clock: clk}
			// Pages read through a cache view too: the list's counts are
			// kept there, and each write must be seen by the next page.
			cache := readcache.New(st, 0)

			check := func(t *testing.T, stage string) {
				t.Helper()
				all, users, err := svc.EnterpriseSeats(ctx, ent)
				if err != nil {
					t.Fatal(err)
				}
				if len(all) < 60 || len(all) == users {
					t.Fatalf("%s: seed %d gave %d seats of %d users: want many, some users seated twice", stage, seed, len(all), users)
				}
				for _, perPage := range []int{1, 7, 100} {
					for page := 1; page <= len(all)/perPage+2; page++ {
						want := all[min((page-1)*perPage, len(all)):min(page*perPage, len(all))]
						views := []struct {
							name string
							ctx  context.Context
						}{{"no view", ctx}, {"view", cache.Begin(ctx)}}
						if perPage == 1 {
							views = views[:1] // the other sizes see the same counts through the cache
						}
						for _, view := range views {
							rows, total, got, err := svc.EnterpriseSeatPage(view.ctx, ent, bounds(page, perPage))
							if err != nil {
								t.Fatal(err)
							}
							if rows != len(all) || total != users || len(got) != len(want) || (len(want) > 0 && !reflect.DeepEqual(got, want)) {
								t.Fatalf("%s, %s, seed %d, page %d of %d: %d rows (want %d), total_seats %d (want %d), %d seats (want %d), first %v (want %v)",
									stage, view.name, seed, page, perPage, rows, len(all), total, users, len(got), len(want), firstSeat(got), firstSeat(want))
							}
						}
					}
				}
			}
			check(t, "seeded")
			// Cancel three of org0's seats and two enterprise-level ones,
			// and seat the owner in org0 and at the enterprise.
			all, _, err := svc.EnterpriseSeats(ctx, ent)
			if err != nil {
				t.Fatal(err)
			}
			var inOrg, atEnt []string
			for _, s := range all {
				if s.Org.ID == org.ID && len(inOrg) < 3 {
					inOrg = append(inOrg, s.User.Login)
				}
				if s.AtEnterprise() && len(atEnt) < 2 {
					atEnt = append(atEnt, s.User.Login)
				}
			}
			if _, err := svc.CancelUsers(ctx, org, inOrg); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.CancelEnterpriseUsers(ctx, ent, atEnt); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AddUsers(ctx, org, []string{"owner"}); err != nil {
				t.Fatal(err)
			}
			if _, err := svc.AddEnterpriseUsers(ctx, ent, []string{"owner"}); err != nil {
				t.Fatal(err)
			}
			check(t, "after writes")
			clk.Set(time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC))
			check(t, "after the cancellation date")
		})
	}
}

// firstSeat names a page's first seat: org and user.
func firstSeat(seats []seatkeeper.Seat) string {
	if len(seats) == 0 {
		return "none"
	}
	return fmt.Sprintf("%s/%s", seats[0].Org.Login, seats[0].User.Login)
}
