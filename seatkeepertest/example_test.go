package seatkeepertest_test

import (
	"context"
	"net/http"
	"net/url"
	"slices"
	"testing"
	"time"

	"github.com/google/go-github/v84/github"

	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/seatkeepertest"
)

// cleanUpIdleSeats is the job under test, as a user would write it: it
// cancels the direct Copilot seats of org idle for at least idleDays
// (never used: counted from the grant) and returns their logins. Seats
// held through a team are left to the team's owners: GitHub refuses to
// cancel them one by one.
func cleanUpIdleSeats(ctx context.Context, gh *github.Client, org string, idleDays int, now time.Time) ([]string, error) {
	var idle []string
	opts := &github.ListOptions{PerPage: 100}
	for {
		page, resp, err := gh.Copilot.ListCopilotSeats(ctx, org, opts)
		if err != nil {
			return nil, err
		}
		for _, s := range page.Seats {
			user, ok := s.GetUser()
			if !ok || s.AssigningTeam != nil || s.PendingCancellationDate != nil {
				continue
			}
			last := s.CreatedAt.Time
			if s.LastActivityAt != nil {
				last = s.LastActivityAt.Time
			}
			if now.Sub(last) >= time.Duration(idleDays)*24*time.Hour {
				idle = append(idle, user.GetLogin())
			}
		}
		if resp.NextPage == 0 {
			break
		}
		opts.Page = resp.NextPage
	}
	if len(idle) > 0 {
		if _, _, err := gh.Copilot.RemoveCopilotUsers(ctx, org, idle); err != nil {
			return nil, err
		}
	}
	return idle, nil
}

// TestSeatCleanUpJob tests the job against seatkeeper: a seeded org with
// a recently active seat, an idle one, a never used one, and an idle seat
// held through a team; after the job, the idle direct seats are pending
// cancellation and the others untouched.
func TestSeatCleanUpJob(t *testing.T) {
	srv := seatkeepertest.New(t, seatkeepertest.At(time.Date(2026, 6, 15, 12, 0, 0, 0, time.UTC)), seatkeepertest.Seed(`
users: [{login: owner}, {login: ann}, {login: bob}, {login: cid}, {login: dee}]
organizations:
  - login: acme
    copilot: {plan_type: business, public_code_suggestions: allow, billing_cycle_day: 1}
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}, {login: cid}, {login: dee}]
    teams: [{name: Web, members: [{login: dee, joined_at: "2026-01-01T00:00:00Z"}]}]
    seats:
      - {user: ann, created_at: "2026-01-01T00:00:00Z"}
      - {user: bob, created_at: "2026-01-01T00:00:00Z"}
      - {user: cid, created_at: "2026-06-01T00:00:00Z"}
      - {team: web, created_at: "2026-01-01T00:00:00Z"}
    activity:
      - {user: ann, last_activity_at: "2026-06-14T09:00:00Z", last_activity_editor: vscode/1.99.0}
      - {user: bob, last_activity_at: "2026-03-01T09:00:00Z", last_activity_editor: vscode/1.90.0}
tokens:
  - {token: ghp_acmeOwnerToken, user: owner, scopes: [manage_billing:copilot]}
`))

	// (spectest checks every answer against GitHub's OpenAPI description:
	// seatkeeper's own test; a user's test would pass nil.)
	gh := github.NewClient(&http.Client{Transport: spectest.Transport(t, nil)}).WithAuthToken(srv.TokenOf("owner"))
	gh.BaseURL, _ = url.Parse(srv.URL + "/")

	ctx := context.Background()
	cancelled, err := cleanUpIdleSeats(ctx, gh, "acme", 30, srv.Now())
	if err != nil {
		t.Fatal(err)
	}
	// bob: idle since March; cid: never used, granted two weeks ago (kept);
	// dee: idle, but through a team (kept); ann: active yesterday (kept).
	if !slices.Equal(cancelled, []string{"bob"}) {
		t.Errorf("cancelled %v, want [bob]", cancelled)
	}

	seat, _, err := gh.Copilot.GetSeatDetails(ctx, "acme", "bob")
	if err != nil {
		t.Fatal(err)
	}
	if got := seat.GetPendingCancellationDate(); got != "2026-07-01" {
		t.Errorf("bob's seat pending cancellation %q, want 2026-07-01 (the next billing cycle)", got)
	}

	// Run again in July: bob's seat is gone, cid is idle now, ann not yet.
	srv.SetClock(time.Date(2026, 7, 10, 0, 0, 0, 0, time.UTC))
	if cancelled, err = cleanUpIdleSeats(ctx, gh, "acme", 30, srv.Now()); err != nil || !slices.Equal(cancelled, []string{"cid"}) {
		t.Errorf("in July: cancelled %v (%v), want [cid]", cancelled, err)
	}
	if _, resp, err := gh.Copilot.GetSeatDetails(ctx, "acme", "bob"); err == nil || resp.StatusCode != 404 {
		t.Errorf("bob's seat after its cancellation date: %v", err)
	}
}
