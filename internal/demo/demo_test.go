package demo_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
	"github.com/seatkeeper/seatkeeper/internal/demo"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

func TestDocumentLoads(t *testing.T) {
	if !auth.WellFormed(demo.OwnerToken) {
		t.Errorf("OwnerToken %q is not well formed", demo.OwnerToken)
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		ctx := context.Background()
		now := time.Date(2026, 6, 10, 12, 0, 0, 0, time.UTC)
		if err := demo.Document(now).Load(ctx, st, now); err != nil {
			t.Fatalf("load: %v", err)
		}

		org, err := st.OrgByLogin(ctx, demo.Org)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Subscription(ctx, org.ID); err != nil {
			t.Errorf("Copilot subscription of %s: %v", demo.Org, err)
		}

		other, err := st.OrgByLogin(ctx, "no-copilot-org")
		if err != nil {
			t.Fatal(err)
		}
		if _, err := st.Subscription(ctx, other.ID); !seatkeeper.IsNotFound(err) {
			t.Errorf("no-copilot-org has Copilot: %v", err)
		}

		tok, err := st.TokenByHash(ctx, auth.Hash(demo.OwnerToken))
		if err != nil {
			t.Fatalf("owner token: %v", err)
		}
		if tok.Kind != seatkeeper.TokenClassic || !tok.Usable(now) ||
			!slices.Contains(tok.Scopes, "read:org") || !slices.Contains(tok.Scopes, "manage_billing:copilot") {
			t.Errorf("owner token = %+v", tok)
		}
		if m, err := st.Membership(ctx, org.ID, tok.UserID); err != nil || !m.IsActiveOwner() {
			t.Errorf("owner token's user membership = %+v, %v", m, err)
		}

		// SeatUser's seat is checked below.
		user, err := st.UserByLogin(ctx, demo.SeatUser)
		if err != nil {
			t.Fatal(err)
		}
		if a, err := st.Activity(ctx, org.ID, user.ID); err != nil || a.LastActivityAt == nil {
			t.Errorf("%s activity = %+v, %v", demo.SeatUser, a, err)
		}

		// Each way of holding a seat, or not, that demo.yaml promises, with
		// activity relative to now.
		for _, c := range []struct {
			login, state string
			seat         string // how the seat is held: direct, team, enterprise team; "" for none
			pending      string // pending cancellation date
			idleDays     int    // whole days since the last activity; -1 for never
		}{
			{"octocat", "active", "direct", "", 0},
			{demo.SeatUser, "active", "direct", "", 1},
			{"hubot", "active", "team engineering", "", 9},
			{"nestor", "active", "team engineering", "", -1},
			{"eve", "active", "enterprise team copilot-champions", "", 120},
			{"paula", "active", "direct", "2026-07-01", 40},
			{"lisa", "active", "", "", -1},
			{"newbie", "pending", "", "", -1},
		} {
			u, err := st.UserByLogin(ctx, c.login)
			if err != nil {
				t.Fatal(err)
			}
			if m, err := st.Membership(ctx, org.ID, u.ID); err != nil || m.State != c.state {
				t.Errorf("%s membership = %+v, %v; want state %s", c.login, m, err, c.state)
			}
			reaches, err := st.Reaches(ctx, org.ID, u.ID)
			if err != nil {
				t.Fatal(err)
			}
			seat, pending := "", ""
			if chosen, p, ok := seatkeeper.ResolveSeat(reaches, now); ok {
				switch {
				case chosen.Team != nil:
					seat = "team " + chosen.Team.Slug
				case chosen.ETeam != nil:
					seat = "enterprise team " + chosen.ETeam.Slug
				default:
					seat = "direct"
				}
				if p != nil {
					pending = p.String()
				}
			}
			if seat != c.seat || pending != c.pending {
				t.Errorf("%s seat = %q pending %q, want %q pending %q", c.login, seat, pending, c.seat, c.pending)
			}
			idle := -1
			if a, err := st.Activity(ctx, org.ID, u.ID); err == nil && a.LastActivityAt != nil {
				idle = int(now.Sub(*a.LastActivityAt) / (24 * time.Hour))
			} else if err != nil && !seatkeeper.IsNotFound(err) {
				t.Fatal(err)
			}
			if idle != c.idleDays {
				t.Errorf("%s idle %d days, want %d", c.login, idle, c.idleDays)
			}
		}

		// The enterprise's own seats demo.yaml promises: listed with no
		// org, mona counted once though seated in octo-org too.
		ent, err := st.EnterpriseBySlug(ctx, "octo-enterprise")
		if err != nil {
			t.Fatal(err)
		}
		clk := &clock.Clock{}
		clk.Set(now)
		seats, holders, err := (&copilot.Service{Store: st, Clock: clk}).EnterpriseSeats(ctx, ent)
		if err != nil {
			t.Fatal(err)
		}
		var atEnterprise []string
		for _, s := range seats {
			if s.AtEnterprise() {
				how := "direct"
				if s.EnterpriseTeam != nil {
					how = s.EnterpriseTeam.Slug
				}
				atEnterprise = append(atEnterprise, s.User.Login+" "+how)
			}
		}
		slices.Sort(atEnterprise)
		if want := []string{"mona direct", "wendy direct", "xavier data-science"}; !slices.Equal(atEnterprise, want) {
			t.Errorf("enterprise-level seats %v, want %v", atEnterprise, want)
		}
		if holders != len(seats)-1 {
			t.Errorf("%d seat holders for %d seats, want mona counted once", holders, len(seats))
		}
	})
}

// TestDemoTokensArePublished: the demo's tokens are in the README, so a
// seed other than the demo may not use them (auth.WeakToken); the demo
// itself loads them.
func TestDemoTokensArePublished(t *testing.T) {
	d := demo.Document(time.Now())
	if !d.AllowWeakTokens {
		t.Error("the demo does not allow its own published tokens")
	}
	for _, tok := range d.Tokens {
		if !auth.IsWellKnownToken(tok.Token) {
			t.Errorf("demo token %s is not in auth's well-known list", auth.Hint(tok.Token))
		}
	}
}
