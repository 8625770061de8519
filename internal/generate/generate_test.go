package generate

import (
	"context"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

func TestGenerate(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 6, 1, 0, 0, 0, 0, time.UTC)
		if err := Generate(ctx, st, Options{Orgs: 3, SeatsPerOrg: 200, TokensPerOrg: 2, Seed: 1}, now); err != nil {
			t.Fatal(err)
		}
		clk := &clock.Clock{}
		clk.Set(now)
		svc := &copilot.Service{Store: st, Clock: clk}
		for i := range 3 {
			org, err := st.OrgByLogin(ctx, Org(i))
			if err != nil {
				t.Fatal(err)
			}
			seats, err := svc.OrgSeats(ctx, org)
			if err != nil || len(seats) != 200 {
				t.Fatalf("%s: %d seats, %v", Org(i), len(seats), err)
			}
			var viaTeam, active int
			for _, s := range seats {
				if s.Team != nil {
					viaTeam++
				}
				if s.Activity.LastActivityAt != nil {
					active++
				}
			}
			if viaTeam != 20 || active < 100 || active > 180 {
				t.Errorf("%s: %d through the team, %d active", Org(i), viaTeam, active)
			}
			if _, err := st.TokenByHash(ctx, auth.Hash(Token(i, 1))); err != nil {
				t.Errorf("token %s: %v", Token(i, 1), err)
			}
			if _, err := st.UserByLogin(ctx, Member(i, 199)); err != nil {
				t.Error(err)
			}
		}
	})
}
