package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	github "github.com/google/go-github/v89/github"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestGoGitHubEnterpriseSeats drives the enterprise-level seat routes
// through go-github v89. Its CopilotService (like v92's, the newest major
// the module proxy serves) has one enterprise seat method,
// ListCopilotEnterpriseSeats; the five newer operations go through the
// client's own NewRequest and Do, so that go-github decodes their answers
// and GitHub's errors as it decodes every other.
func TestGoGitHubEnterpriseSeats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), entScenario)
		ctx := context.Background()
		for _, ghes := range []bool{false, true} {
			c := e.clientV89(t, "ghp_boss", ghes)
			do := func(method, path string, body, out any) (*github.Response, error) {
				req, err := c.NewRequest(ctx, method, path, body)
				if err != nil {
					t.Fatal(err)
				}
				return c.Do(req, out)
			}
			var created github.SeatAssignments
			resp, err := do("POST", "enterprises/acme/copilot/billing/selected_users", map[string][]string{"selected_usernames": {"carol", "dave"}}, &created)
			if err != nil || resp.StatusCode != http.StatusCreated {
				t.Fatalf("selected_users: %v", err)
			}
			if _, err := do("POST", "enterprises/acme/copilot/billing/selected_enterprise_teams",
				map[string][]string{"selected_enterprise_teams": {"Copilot Users"}}, &created); err != nil {
				t.Fatal(err)
			}
			var cancelled github.SeatCancellations
			if _, err := do("DELETE", "enterprises/acme/copilot/billing/selected_enterprise_teams",
				map[string][]string{"selected_enterprise_teams": {"copilot-users"}}, &cancelled); err != nil || cancelled.SeatsCancelled != 3 {
				t.Fatalf("cancel team: %+v, %v", cancelled, err)
			}

			// The list, paged by NextPage: total_seats counts people (v89's
			// seat has no organization field: TestEnterpriseLevelSeats checks
			// it is null).
			var rows []string
			opts := &github.ListOptions{PerPage: 2}
			for {
				page, resp, err := c.Copilot.ListCopilotEnterpriseSeats(ctx, "acme", opts)
				if err != nil {
					t.Fatal(err)
				}
				if page.TotalSeats != 3 {
					t.Errorf("TotalSeats %d, want 3 people", page.TotalSeats)
				}
				for _, s := range page.Seats {
					u, _ := s.GetUser()
					row := u.GetLogin()
					if s.AssigningTeam != nil {
						row += " via " + s.AssigningTeam.GetSlug()
					}
					if s.PendingCancellationDate != nil {
						row += " until " + s.GetPendingCancellationDate()
					}
					rows = append(rows, row)
				}
				if resp.NextPage == 0 {
					break
				}
				opts.Page = resp.NextPage
			}
			slices.Sort(rows)
			want := []string{"carol", "dave", "dave", "hank via copilot-users until 2026-04-15"}
			if !slices.Equal(rows, want) {
				t.Errorf("rows %q, want %q", rows, want)
			}

			var details github.ListCopilotSeatsResponse
			if _, err := do("GET", "enterprises/acme/members/dave/copilot", nil, &details); err != nil || details.TotalSeats != 1 || len(details.Seats) != 2 {
				t.Errorf("dave's seats: %+v, %v", details, err)
			}

			// GitHub's errors, as go-github's ErrorResponse.
			_, err = do("POST", "enterprises/acme/copilot/billing/selected_users", map[string][]string{"selected_usernames": {"ghost"}}, nil)
			var er *github.ErrorResponse
			if !errors.As(err, &er) || er.Response.StatusCode != 404 || er.Message != "One or more users do not exist in this enterprise: ghost" {
				t.Errorf("unknown user: %v", err)
			}
			_, err = do("DELETE", "enterprises/bare/copilot/billing/selected_users", map[string][]string{"selected_usernames": {"boss"}}, nil)
			if !errors.As(err, &er) || er.Response.StatusCode != 422 || er.Message != "Copilot Business is not enabled for this enterprise." {
				t.Errorf("no Copilot: %v", err)
			}

			// Put the enterprise back for the next client.
			if _, err := do("DELETE", "enterprises/acme/copilot/billing/selected_users", map[string][]string{"selected_usernames": {"carol", "dave"}}, &cancelled); err != nil {
				t.Fatal(err)
			}
			e.clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
			if page, _, err := c.Copilot.ListCopilotEnterpriseSeats(ctx, "acme", nil); err != nil || page.TotalSeats != 1 {
				t.Fatalf("after the cycle: %+v, %v", page, err)
			}
			e.clock.Set(time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC))
		}
	})
}
