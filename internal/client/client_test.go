package client_test

import (
	"context"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/client"
	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/seatkeepertest"
)

// TestSeatsFollowsPages: the seat list of an org with more seats than a
// page holds comes whole, in the API's order, with each seat's grant,
// activity and pending cancellation; the GHES prefix works the same.
func TestSeatsFollowsPages(t *testing.T) {
	var users, members, seats strings.Builder
	for i := range 250 {
		fmt.Fprintf(&users, "  - {login: u%03d}\n", i)
		fmt.Fprintf(&members, "      - {login: u%03d}\n", i)
		if i != 7 && i != 100 {
			fmt.Fprintf(&seats, "      - {user: u%03d, created_at: \"2026-01-01T00:%02d:%02dZ\"}\n", i, i/60, i%60)
		}
	}
	srv := seatkeepertest.New(t, seatkeepertest.At(time.Date(2026, 3, 10, 0, 0, 0, 0, time.UTC)), seatkeepertest.Seed(`
users:
  - {login: owner}
`+users.String()+`organizations:
  - login: big
    copilot: {plan_type: enterprise, public_code_suggestions: allow, billing_cycle_day: 1}
    members:
      - {login: owner, role: admin}
`+members.String()+`    teams: [{name: Ops, members: [{login: u007, joined_at: "2026-02-01T00:00:00Z"}]}]
    seats:
`+seats.String()+`      - {team: ops, created_at: "2026-02-01T00:00:00Z"}
      - {user: u100, created_at: "2026-01-01T00:01:40Z", pending_cancellation_date: "2026-04-01"}
    activity:
      - {user: u003, last_activity_at: "2026-03-09T10:00:00Z", last_activity_editor: vscode/1.99.0}
tokens:
  - {token: ghp_bigOwnerToken, user: owner, scopes: [read:org]}
`))
	for _, base := range []string{srv.URL, srv.URL + "/api/v3/"} {
		c, err := client.New(base, srv.TokenOf("owner"), spectest.Transport(t, nil))
		if err != nil {
			t.Fatal(err)
		}
		ctx := context.Background()
		plan, err := c.Plan(ctx, "big")
		if err != nil || plan != "enterprise" {
			t.Fatalf("plan %q, %v", plan, err)
		}
		var pages []string
		got, err := c.Seats(ctx, "big", plan, func(done, total int) { pages = append(pages, fmt.Sprintf("%d/%d", done, total)) })
		if err != nil {
			t.Fatal(err)
		}
		if len(got) != 250 || strings.Join(pages, " ") != "100/250 200/250 250/250" {
			t.Fatalf("%s: %d seats, pages %v", base, len(got), pages)
		}
		if got[0].User.Login != "u000" || got[248].User.Login != "u249" || got[249].User.Login != "u007" || got[249].Team == nil ||
			got[249].Team.Slug != "ops" || got[0].PlanType != "enterprise" {
			t.Errorf("%s: order or grant: first %+v, last %+v", base, got[0], got[249])
		}
		if a := got[3].Activity; a.LastActivityAt == nil || a.LastActivityEditor != "vscode/1.99.0" {
			t.Errorf("u003 activity %+v", a)
		}
		if p := got[99].PendingCancellationDate; got[99].User.Login != "u100" || p == nil || p.String() != "2026-04-01" {
			t.Errorf("u100: %+v", got[99])
		}
	}

	if _, err := client.New("127.0.0.1:8080", "t", nil); err == nil {
		t.Error("a server without a scheme accepted")
	}
	c, _ := client.New(srv.URL, "ghp_unknown", spectest.Transport(t, nil))
	if _, err := c.Plan(context.Background(), "big"); err == nil || err.Error() != "GET /orgs/big/copilot/billing: 401 Unauthorized: Bad credentials" {
		t.Errorf("bad token: %v", err)
	}
}
