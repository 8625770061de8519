package copilot_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestLedgerWriteAcrossBatches holds the ledger to the derivation after
// writes of more users than the ledger re-resolves in one statement
// (store.MaxUsers): a direct seat for every member of an org of an
// enterprise, some already seated, some with recorded activity, some
// invited; their cancellation; and their revival. Each write re-resolves
// two batches of users, while the rows' counts (the org's chunks and
// totals, the enterprise's chunks and holders) are kept for the write as
// a whole.
func TestLedgerWriteAcrossBatches(t *testing.T) {
	// Chunks of 50 to 100 seat rows, so that the writes cut them.
	defer store.SetChunkRows(store.SetChunkRows(50))
	n := store.MaxUsers + 7
	logins := make([]string, n)
	var users, members, seats, activity strings.Builder
	for i := range n {
		logins[i] = fmt.Sprintf("m%04d", i)
		fmt.Fprintf(&users, ", {login: %s}", logins[i])
		state := ""
		if i%10 == 9 {
			state = ", state: pending"
		}
		fmt.Fprintf(&members, ", {login: %s%s}", logins[i], state)
		if i%3 == 0 { // seated already, from a day of their own
			fmt.Fprintf(&seats, ", {user: %s, created_at: \"2026-02-%02dT00:00:00Z\"}", logins[i], 1+i%28)
		}
		if i%4 == 1 {
			fmt.Fprintf(&activity, ", {user: %s, last_activity_at: \"2026-03-%02dT00:00:00Z\", last_activity_editor: vscode}", logins[i], 1+i%19)
		}
	}
	doc := `users: [{login: owner}` + users.String() + `]
enterprises:
  - slug: ent
    owners: [owner]
organizations:
  - login: big
    enterprise: ent
    copilot: {public_code_suggestions: allow, billing_cycle_day: 10, created_at: "2026-01-01T00:00:00Z"}
    members: [{login: owner, role: admin}` + members.String() + `]
    seats: [` + strings.TrimPrefix(seats.String(), ", ") + `]
    activity: [` + strings.TrimPrefix(activity.String(), ", ") + `]
  - login: small
    enterprise: ent
    copilot: {public_code_suggestions: allow, billing_cycle_day: 15}
    members: [{login: owner, role: admin}, {login: m0000}, {login: m0500}]
    seats: [{user: m0000, created_at: "2026-01-02T00:00:00Z"}, {user: m0500}]
`
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		clk := &clock.Clock{}
		clk.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
		org := loadOrg(t, st, clk.Now(), doc, "big")
		ent, err := st.EnterpriseBySlug(ctx, "ent")
		if err != nil {
			t.Fatal(err)
		}
		svc := &copilot.Service{Store: st, Clock: clk}
		// Each seat read alone for some users of every batch and kind.
		var sample []string
		for i := 0; i < n; i += 37 {
			sample = append(sample, logins[i])
		}
		sample = append(sample, logins[n-1], "owner")
		check := func(step string) {
			t.Helper()
			for _, diff := range []func() string{
				func() string { return ledgerDiff(ctx, st, org, clk.Now()) },
				func() string { return seatDetailsDiff(ctx, st, org, clk.Now(), sample) },
				func() string { return seatTotalsDiff(ctx, st, org, clk.Now()) },
				func() string { return enterpriseListDiff(ctx, st, ent, clk.Now()) },
			} {
				if msg := diff(); msg != "" {
					t.Fatalf("after %s: %s", step, msg)
				}
			}
		}
		for _, w := range []struct {
			name  string
			write func() (int, error)
			want  int
		}{
			// Every active member but the third already seated.
			{"assigning all", func() (int, error) { return svc.AddUsers(ctx, org, logins) }, n - (n+2)/3},
			{"cancelling all", func() (int, error) { return svc.CancelUsers(ctx, org, logins) }, n},
			{"reviving all", func() (int, error) { return svc.AddUsers(ctx, org, logins) }, n},
		} {
			clk.Set(clk.Now().Add(time.Hour))
			got, err := w.write()
			if err != nil {
				t.Fatalf("%s: %v", w.name, err)
			}
			if got != w.want {
				t.Errorf("%s: %d seats changed, want %d", w.name, got, w.want)
			}
			check(w.name)
		}
		held, err := st.EnterpriseSeatHolders(ctx, ent.ID, clk.Now())
		if err != nil {
			t.Fatal(err)
		}
		if want := n - n/10; held != want { // the invited hold no listed seat
			t.Errorf("enterprise seat holders %d, want %d", held, want)
		}
	})
}
