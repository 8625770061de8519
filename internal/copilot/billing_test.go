package copilot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// overviewSeed is an org with seats of every kind and invitees, some of
// them seated: few (resolved one by one) or many (resolved at once).
func overviewSeed(invitees int) string {
	var b strings.Builder
	b.WriteString("users: [{login: owner}, {login: a}, {login: b}, {login: c}")
	for i := range invitees {
		fmt.Fprintf(&b, ", {login: inv%d}", i)
	}
	b.WriteString(`]
organizations:
  - login: acme
    copilot: {public_code_suggestions: allow, billing_cycle_day: 10}
    members: [{login: owner, role: admin}, {login: a}, {login: b}, {login: c}`)
	for i := range invitees {
		fmt.Fprintf(&b, ", {login: inv%d, state: pending}", i)
	}
	b.WriteString(`]
    teams: [{name: T, members: [c]}]
    seats: [{user: a, created_at: "2026-03-12T00:00:00Z"}, {user: b, pending_cancellation_date: "2026-04-10"}, {team: t}`)
	for i := 0; i < invitees; i += 2 {
		fmt.Fprintf(&b, ", {user: inv%d}", i)
	}
	b.WriteString(`]
    activity: [{user: a, last_activity_at: "2026-03-19T00:00:00Z"}]
  - login: plain
`)
	return b.String()
}

// TestBillingAgreesWithOrgSeats: on both stores, with few invitees and
// many, before and after a pending cancellation takes effect, the billing
// breakdown (the org's kept seat totals and index counts) equals what the
// seat list (OrgSeats) and the invitees' seats count; and an org without
// Copilot gets GitHub's refusal.
func TestBillingAgreesWithOrgSeats(t *testing.T) {
	for _, invitees := range []int{0, 3, 40} {
		t.Run(fmt.Sprint(invitees, " invitees"), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				clk := &clock.Clock{}
				clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
				org := loadOrg(t, st, clk.Now(), overviewSeed(invitees), "acme")
				svc := &copilot.Service{Store: st, Clock: clk}
				for _, at := range []time.Time{clk.Now(), time.Date(2026, 4, 9, 23, 59, 59, 0, time.UTC), time.Date(2026, 4, 10, 0, 0, 0, 0, time.UTC)} {
					clk.Set(at)
					b, err := svc.Billing(ctx, org)
					if err != nil {
						t.Fatal(err)
					}
					seats, err := svc.OrgSeats(ctx, org)
					if err != nil {
						t.Fatal(err)
					}
					invited, err := st.CountStateSeats(ctx, org.ID, seatkeeper.StatePending, at)
					if err != nil {
						t.Fatal(err)
					}
					want := breakdown(seats, invited, seatkeeper.CycleStart(b.Subscription.BillingCycleDay, at))
					if b.Seats != want {
						t.Errorf("at %s billing counts %+v, the seat list %+v", at.Format(time.RFC3339), b.Seats, want)
					}
					if w := (invitees + 1) / 2; b.Seats.PendingInvitation != w {
						t.Errorf("at %s %d invited, want %d", at.Format(time.RFC3339), b.Seats.PendingInvitation, w)
					}
				}
				plain, err := st.OrgByLogin(ctx, "plain")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Billing(ctx, plain); err == nil || err.Error() != copilot.MsgNotEnabled {
					t.Errorf("no Copilot: %v", err)
				}
			})
		})
	}
}

// breakdown counts listed seats against the cycle that began at
// cycleStart, one seat at a time: the oracle of Billing's counts.
func breakdown(listed []seatkeeper.Seat, invited int, cycleStart time.Time) copilot.SeatBreakdown {
	b := copilot.SeatBreakdown{Total: len(listed), PendingInvitation: invited}
	start := cycleStart.Unix()
	for _, seat := range listed {
		if seat.PendingCancellationDate != nil {
			b.PendingCancellation++
		}
		if seat.CreatedAt.Unix() >= start {
			b.AddedThisCycle++
		}
		if at := seat.Activity.LastActivityAt; at != nil && at.Unix() >= start {
			b.ActiveThisCycle++
		}
	}
	b.InactiveThisCycle = b.Total - b.ActiveThisCycle
	return b
}
