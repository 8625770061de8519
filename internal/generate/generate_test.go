package generate

import (
	"context"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
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

// TestGenerateUsage: usage events only for seat holders, each seat's
// activity its latest event, and a working day busier than a weekend.
func TestGenerateUsage(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 6, 3, 15, 0, 0, 0, time.UTC) // a Wednesday
		if err := Generate(ctx, st, Options{Orgs: 1, SeatsPerOrg: 300, Seed: 1, UsageDays: 28}, now); err != nil {
			t.Fatal(err)
		}
		clk := &clock.Clock{}
		clk.Set(now)
		org, err := st.OrgByLogin(ctx, Org(0))
		if err != nil {
			t.Fatal(err)
		}
		seats, err := (&copilot.Service{Store: st, Clock: clk}).OrgSeats(ctx, org)
		if err != nil {
			t.Fatal(err)
		}
		seated := map[int64]seatkeeper.Seat{}
		for _, s := range seats {
			seated[s.User.ID] = s
		}
		latest := map[int64]time.Time{}
		perDay := map[string]map[int64]bool{}
		err = st.EachUsage(ctx, store.UsageQuery{OrgIDs: []int64{org.ID}, From: "2026-05-01", To: "2026-06-03"}, func(day string, e seatkeeper.UsageEvent) error {
			if _, ok := seated[e.UserID]; !ok {
				t.Errorf("usage of %s, who holds no seat", e.Login)
			}
			if !e.At.Before(now) || e.At.Format(seatkeeper.DateLayout) != day {
				t.Errorf("event at %s on %s", e.At, day)
			}
			if e.At.After(latest[e.UserID]) {
				latest[e.UserID] = e.At
			}
			if perDay[day] == nil {
				perDay[day] = map[int64]bool{}
			}
			perDay[day][e.UserID] = true
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		for id, at := range latest {
			if got := seated[id].Activity.LastActivityAt; got == nil || !got.Equal(at) {
				t.Errorf("%s: last_activity_at %v, latest event %s", seated[id].User.Login, got, at)
			}
		}
		// 2026-06-02 is a Tuesday, 2026-05-31 a Sunday.
		if weekday, sunday := len(perDay["2026-06-02"]), len(perDay["2026-05-31"]); weekday < 60 || weekday > 200 || sunday*2 > weekday {
			t.Errorf("daily active users: %d on a Tuesday, %d on a Sunday", weekday, sunday)
		}

		// Pull requests: opened only on their author's active days, by
		// seat holders, and a share of them by the coding agent.
		actions := map[string]int{}
		err = st.EachPullRequest(ctx, store.UsageQuery{OrgIDs: []int64{org.ID}, From: "2026-05-01", To: "2026-06-03", Logins: true}, func(_ int64, e seatkeeper.PullRequestEvent) error {
			if _, ok := seated[e.UserID]; !ok {
				t.Errorf("pull request of %s, who holds no seat", e.Login)
			}
			if day := e.At.Format(seatkeeper.DateLayout); e.Action == seatkeeper.PullRequestCreated && !perDay[day][e.UserID] {
				t.Errorf("%s opened #%d in %s on %s, a day without usage", e.Login, e.Number, e.Repository, day)
			}
			if !e.At.Before(now) {
				t.Errorf("pull request event at %s", e.At)
			}
			actions[e.Action]++
			if e.ByAgent && e.Action == seatkeeper.PullRequestCreated {
				actions["agent"]++
			}
			return nil
		})
		if err != nil {
			t.Fatal(err)
		}
		if c := actions[seatkeeper.PullRequestCreated]; c < 200 || actions["agent"] == 0 || actions["agent"]*2 > c ||
			actions[seatkeeper.PullRequestMerged] > c || actions[seatkeeper.PullRequestReviewed] == 0 {
			t.Errorf("pull request events: %v", actions)
		}
	})
}
