package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/google/go-github/v84/github"

	"github.com/seatkeeper/seatkeeper/internal/spectest"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// validating checks every response a client receives against the spec.
type validating struct {
	t    *testing.T
	spec *spectest.Spec
}

func (v validating) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := http.DefaultTransport.RoundTrip(req)
	if err != nil {
		return nil, err
	}
	body, err := io.ReadAll(resp.Body)
	resp.Body.Close()
	if err != nil {
		return nil, err
	}
	v.spec.Check(v.t, req.Method, req.URL.Path, resp.StatusCode, resp.Header, body)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	return resp, nil
}

// client returns a go-github client for token, pointed at the server the
// GHES way (/api/v3/) or the plain way.
func (e *env) client(t *testing.T, token string, enterprise bool) *github.Client {
	t.Helper()
	c := github.NewClient(&http.Client{Transport: validating{t: t, spec: e.spec}})
	if token != "" {
		c = c.WithAuthToken(token)
	}
	if enterprise {
		var err error
		c, err = c.WithEnterpriseURLs(e.srv.URL+"/api/v3/", e.srv.URL+"/api/uploads/")
		if err != nil {
			t.Fatal(err)
		}
		return c
	}
	u, err := c.BaseURL.Parse(e.srv.URL + "/")
	if err != nil {
		t.Fatal(err)
	}
	c.BaseURL = u
	return c
}

// TestGoGitHubSeatDetails drives the seat-details contract through
// go-github v84, both ways of pointing it at the server.
func TestGoGitHubSeatDetails(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newScenario(t, st)
		for _, enterprise := range []bool{true, false} {
			name := "BaseURL"
			if enterprise {
				name = "WithEnterpriseURLs"
			}
			t.Run(name, func(t *testing.T) {
				for _, tt := range seatContract {
					t.Run(tt.name, func(t *testing.T) {
						seat, resp, err := e.client(t, tt.token, enterprise).Copilot.GetSeatDetails(context.Background(), tt.org, tt.user)
						if tt.status == 200 {
							if err != nil {
								t.Fatal(err)
							}
							u, ok := seat.GetUser()
							if !ok || u.GetLogin() == "" || seat.CreatedAt == nil {
								t.Errorf("seat = %+v", seat)
							}
							return
						}
						var er *github.ErrorResponse
						if !errors.As(err, &er) {
							t.Fatalf("err = %v (%T), want *github.ErrorResponse", err, err)
						}
						if resp.StatusCode != tt.status || er.Message != tt.message {
							t.Errorf("got %d %q, want %d %q", resp.StatusCode, er.Message, tt.status, tt.message)
						}
					})
				}
			})
		}
	})
}

// TestGoGitHubSeatManagement drives the rest of the Copilot API through
// go-github v84.
func TestGoGitHubSeatManagement(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, manageNow, manageScenario)
		ctx := context.Background()
		c := e.client(t, "ghp_billing", true).Copilot

		added, _, err := c.AddCopilotUsers(ctx, "acme", []string{"ann", "dan"})
		if err != nil || added.SeatsCreated != 2 {
			t.Fatalf("AddCopilotUsers = %+v, %v", added, err)
		}
		added, resp, err := c.AddCopilotTeams(ctx, "acme", []string{"Platform"})
		if err != nil || added.SeatsCreated != 2 || resp.StatusCode != 201 {
			t.Fatalf("AddCopilotTeams = %+v, %v", added, err)
		}
		cancelled, _, err := c.RemoveCopilotUsers(ctx, "acme", []string{"dan"})
		if err != nil || cancelled.SeatsCancelled != 1 {
			t.Fatalf("RemoveCopilotUsers = %+v, %v", cancelled, err)
		}
		_, _, err = c.RemoveCopilotUsers(ctx, "acme", []string{"cat"})
		var er *github.ErrorResponse
		if !errors.As(err, &er) || er.Response.StatusCode != 422 {
			t.Errorf("RemoveCopilotUsers of a team seat: %v", err)
		}
		cancelled, _, err = c.RemoveCopilotTeams(ctx, "acme", []string{"platform"})
		if err != nil || cancelled.SeatsCancelled != 2 {
			t.Fatalf("RemoveCopilotTeams = %+v, %v", cancelled, err)
		}
		billing, _, err := c.GetCopilotBilling(ctx, "acme")
		if err != nil || billing.SeatBreakdown.Total != 4 || billing.SeatBreakdown.PendingCancellation != 3 ||
			billing.SeatManagementSetting != "assign_selected" || billing.PublicCodeSuggestions != "block" {
			t.Fatalf("GetCopilotBilling = %+v, %v", billing, err)
		}

		// Follow NextPage to the end, one seat a page.
		var logins []string
		opts := &github.ListOptions{PerPage: 1}
		for {
			page, resp, err := c.ListCopilotSeats(ctx, "acme", opts)
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalSeats != 4 {
				t.Errorf("TotalSeats %d", page.TotalSeats)
			}
			for _, s := range page.Seats {
				u, _ := s.GetUser()
				logins = append(logins, u.GetLogin())
			}
			if resp.NextPage == 0 {
				break
			}
			opts.Page = resp.NextPage
		}
		if got := fmt.Sprint(logins); got != "[ann bob cat dan]" {
			t.Errorf("pages gave %s", got)
		}
	})
}

const enterpriseScenario = `
users:
  - {login: boss}
  - {login: ann}
  - {login: bob}
  - {login: orgowner}
enterprises:
  - slug: acme
    name: Acme
    owners: [boss]
    teams: [{name: Everyone, slug: everyone, members: [ann, bob]}]
organizations:
  - login: one
    enterprise: acme
    copilot: {public_code_suggestions: allow}
    members: [{login: orgowner, role: admin}, {login: ann}, {login: bob}]
    seats: [{user: ann, created_at: "2026-01-01T00:00:00Z"}, {enterprise_team: everyone, created_at: "2026-01-02T00:00:00Z"}]
  - login: two
    enterprise: acme
    copilot: {public_code_suggestions: allow, plan_type: enterprise}
    members: [{login: orgowner, role: admin}, {login: ann}]
    seats: [{user: ann, created_at: "2026-01-03T00:00:00Z"}]
  - login: outside
    copilot: {public_code_suggestions: allow}
    members: [{login: orgowner, role: admin}, {login: bob}]
    seats: [{user: bob}]
tokens:
  - {token: ghp_boss, kind: classic, user: boss, scopes: [read:enterprise]}
  - {token: ghp_boss_admin, kind: classic, user: boss, scopes: [admin:enterprise]}
  - {token: ghp_boss_org, kind: classic, user: boss, scopes: [read:org]}
  - {token: ghp_orgowner, kind: classic, user: orgowner, scopes: [manage_billing:copilot]}
  - {token: github_pat_boss, kind: fine_grained, user: boss, organization: one, permissions: {organization_copilot_seat_management: read}}
  - {token: ghs_one, kind: installation, organization: one, permissions: {organization_copilot_seat_management: read}}
`

func TestEnterpriseSeats(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, manageNow, enterpriseScenario)
		const path = "/enterprises/acme/copilot/billing/seats"
		for _, c := range []struct {
			name, token, path string
			status            int
			message           string
		}{
			{"no token", "", path, 401, "Requires authentication"},
			{"unknown enterprise", "ghp_boss", "/enterprises/nope/copilot/billing/seats", 404, "Not Found"},
			{"scope that does not fit", "ghp_boss_org", path, 404, "Not Found"},
			{"not an enterprise owner", "ghp_orgowner", path, 403, "Must be an enterprise owner or billing manager to access this resource."},
			{"fine-grained PAT", "github_pat_boss", path, 403, "Resource not accessible by personal access token"},
			{"installation", "ghs_one", path, 403, "Resource not accessible by integration"},
			{"admin:enterprise implies read:enterprise", "ghp_boss_admin", path, 200, ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				r := e.do("GET", c.path, c.token)
				if r.status != c.status || (c.message != "" && !strings.Contains(string(r.body), c.message)) {
					t.Errorf("%d %s", r.status, r.body)
				}
			})
		}
		e.t = t

		// go-github, following pages until Link has no next: rows are
		// grants, total_seats counts people.
		c := e.client(t, "ghp_boss", false).Copilot
		var rows []string
		opts := &github.ListOptions{PerPage: 2}
		for {
			page, resp, err := c.ListCopilotEnterpriseSeats(context.Background(), "acme", opts)
			if err != nil {
				t.Fatal(err)
			}
			if page.TotalSeats != 2 {
				t.Errorf("TotalSeats %d, want 2 distinct users", page.TotalSeats)
			}
			for _, s := range page.Seats {
				u, _ := s.GetUser()
				team := "-"
				if s.AssigningTeam != nil {
					team = s.AssigningTeam.GetSlug()
				}
				rows = append(rows, u.GetLogin()+"@"+team)
			}
			if resp.NextPage == 0 {
				break
			}
			opts.Page = resp.NextPage
		}
		if got := strings.Join(rows, " "); got != "ann@- ann@- bob@everyone" {
			t.Errorf("rows %q", got)
		}
	})
}
