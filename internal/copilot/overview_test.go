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

func TestOverviewAgreesWithBillingAndOrgSeats(t *testing.T) {
	for _, invitees := range []int{0, 3, 40} {
		t.Run(fmt.Sprint(invitees, " invitees"), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				ctx := context.Background()
				clk := &clock.Clock{}
				clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
				org := loadOrg(t, st, clk.Now(), overviewSeed(invitees), "acme")
				svc := &copilot.Service{Store: st, Clock: clk}
				ov, err := svc.Overview(ctx, org)
				if err != nil {
					t.Fatal(err)
				}
				b, err := svc.Billing(ctx, org)
				if err != nil {
					t.Fatal(err)
				}
				seats, err := svc.OrgSeats(ctx, org)
				if err != nil {
					t.Fatal(err)
				}
				if !reflect.DeepEqual(ov.Breakdown, b.Seats) || !reflect.DeepEqual(ov.Subscription, b.Subscription) {
					t.Errorf("overview %+v / %+v, billing %+v / %+v", ov.Breakdown, ov.Subscription, b.Seats, b.Subscription)
				}
				if !reflect.DeepEqual(ov.Seats, seats) || !ov.At.Equal(clk.Now()) {
					t.Errorf("overview seats differ from OrgSeats")
				}
				if want := (invitees + 1) / 2; ov.Breakdown.PendingInvitation != want || ov.Breakdown.Total != 3 {
					t.Errorf("breakdown %+v, want %d invited", ov.Breakdown, want)
				}
				plain, err := st.OrgByLogin(ctx, "plain")
				if err != nil {
					t.Fatal(err)
				}
				if _, err := svc.Overview(ctx, plain); err == nil || err.Error() != copilot.MsgNotEnabled {
					t.Errorf("no Copilot: %v", err)
				}
			})
		})
	}
}
