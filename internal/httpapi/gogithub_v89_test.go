package httpapi_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"testing"

	github "github.com/google/go-github/v89/github"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// clientV89 returns a go-github v89 client for token (options-style
// construction, new in this major), the GHES way or the plain way.
func (e *env) clientV89(t *testing.T, token string, enterprise bool) *github.Client {
	t.Helper()
	opts := []github.ClientOptionsFunc{github.WithHTTPClient(&http.Client{Transport: validating{t: t, spec: e.spec}}), github.WithAuthToken(token)}
	if enterprise {
		opts = append(opts, github.WithEnterpriseURLs(e.srv.URL+"/api/v3/", e.srv.URL+"/api/uploads/"))
	} else {
		base := e.srv.URL + "/"
		opts = append(opts, github.WithURLs(&base, &base))
	}
	c, err := github.NewClient(opts...)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

// TestGoGitHubV89 drives the Copilot API and the directory routes through
// go-github v89, the newest major the module proxy serves, beside the v84
// tests: writes, paging by NextPage, seat details, organizations, users,
// GitHub's errors, and a request at API version 2026-03-10.
func TestGoGitHubV89(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, manageNow, manageScenario)
		ctx := context.Background()
		for _, enterprise := range []bool{true, false} {
			c := e.clientV89(t, "ghp_adminorg", enterprise)
			if enterprise {
				added, resp, err := c.Copilot.AddCopilotUsers(ctx, "acme", []string{"ann", "dan"})
				if err != nil || added.SeatsCreated != 2 || resp.StatusCode != 201 {
					t.Fatalf("AddCopilotUsers = %+v, %v", added, err)
				}
				cancelled, _, err := c.Copilot.RemoveCopilotUsers(ctx, "acme", []string{"dan"})
				if err != nil || cancelled.SeatsCancelled != 1 {
					t.Fatalf("RemoveCopilotUsers = %+v, %v", cancelled, err)
				}
			}
			var logins []string
			opts := &github.ListOptions{PerPage: 1}
			for {
				page, resp, err := c.Copilot.ListCopilotSeats(ctx, "acme", opts)
				if err != nil {
					t.Fatal(err)
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
			if got := strings.Join(logins, " "); got != "ann dan" {
				t.Errorf("enterprise %v: pages gave %q", enterprise, got)
			}
			seat, _, err := c.Copilot.GetSeatDetails(ctx, "acme", "ann")
			if u, ok := seat.GetUser(); err != nil || !ok || u.GetLogin() != "ann" || seat.CreatedAt == nil {
				t.Errorf("GetSeatDetails = %+v, %v", seat, err)
			}
			org, _, err := c.Organizations.Get(ctx, "acme")
			if err != nil || org.GetLogin() != "acme" {
				t.Errorf("Organizations.Get = %+v, %v", org, err)
			}
			user, _, err := c.Users.Get(ctx, "ann")
			if err != nil || user.GetLogin() != "ann" {
				t.Errorf("Users.Get = %+v, %v", user, err)
			}
			_, resp, err := c.Organizations.Get(ctx, "no-such-org")
			var er *github.ErrorResponse
			if !errors.As(err, &er) || resp.StatusCode != 404 || er.Message != "Not Found" {
				t.Errorf("Organizations.Get of no org: %v", err)
			}
			req, err := c.NewRequest(ctx, "GET", "rate_limit", nil, github.WithVersion("2026-03-10"))
			if err != nil {
				t.Fatal(err)
			}
			resp, err = c.Do(req, nil)
			if err != nil || resp.Header.Get("X-GitHub-Api-Version-Selected") != "2026-03-10" {
				t.Errorf("a request at 2026-03-10: %v, version %q", err, resp.Header.Get("X-GitHub-Api-Version-Selected"))
			}
		}
	})
}
