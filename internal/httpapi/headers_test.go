package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestGitHubHeaders: headers GitHub sends that clients and caches see:
// Server on every answer, Vary on errors too, Last-Modified on users and
// organizations.
func TestGitHubHeaders(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), httpapi.Config{})
	for _, c := range []struct {
		name, path, token string
		status            int
		vary              string // the last Vary value
		lastModified      bool
	}{
		{"an organization", "/orgs/acme", "ghp_adminorg", 200, "Accept-Encoding, Accept, X-Requested-With", true},
		{"a user", "/users/owner", "ghp_adminorg", 200, "Accept-Encoding, Accept, X-Requested-With", true},
		{"an org as a user", "/users/acme", "ghp_adminorg", 200, "Accept-Encoding, Accept, X-Requested-With", true},
		{"the authenticated user", "/user", "ghp_adminorg", 200, "Accept-Encoding, Accept, X-Requested-With", true},
		{"a seat list", seatsPath, "ghp_billing", 200, "Accept-Encoding, Accept, X-Requested-With", false},
		{"not found", "/orgs/nope", "ghp_adminorg", 404, "Accept-Encoding, Accept, X-Requested-With", false},
		{"bad credentials", "/orgs/acme", "ghp_nosuchtoken", 401, "Accept-Encoding, Accept, X-Requested-With", false},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := e.do("GET", c.path, c.token)
			if r.status != c.status {
				t.Fatalf("status %d, want %d", r.status, c.status)
			}
			if got := r.header.Get("Server"); got != "github.com" {
				t.Errorf("Server %q", got)
			}
			if v := r.header.Values("Vary"); len(v) == 0 || v[len(v)-1] != c.vary {
				t.Errorf("Vary %q, want it to end with %q", v, c.vary)
			}
			lm := r.header.Get("Last-Modified")
			if c.lastModified {
				if _, err := time.Parse(http.TimeFormat, lm); err != nil {
					t.Errorf("Last-Modified %q: %v", lm, err)
				}
			} else if lm != "" {
				t.Errorf("Last-Modified %q on %s", lm, c.path)
			}
		})
	}
}

// TestErrorDocumentationURL: an error on a known route names that
// operation's page, as GitHub does; errors before routing (Bad
// credentials, an unsupported version) and on unknown routes name
// https://docs.github.com/rest.
func TestErrorDocumentationURL(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), httpapi.Config{})
	for _, c := range []struct {
		name, method, path, token, version string
		status                             int
		want                               string
	}{
		{"an unknown org", "GET", "/orgs/nope", "ghp_adminorg", "", 404, "https://docs.github.com/rest/orgs/orgs#get-an-organization"},
		{"no token on a seat list", "GET", seatsPath, "", "", 401,
			"https://docs.github.com/rest/copilot/copilot-user-management#list-all-copilot-seat-assignments-for-an-organization"},
		{"the seat list by org id", "GET", "/organizations/999999/copilot/billing/seats", "ghp_billing", "", 404,
			"https://docs.github.com/rest/copilot/copilot-user-management#list-all-copilot-seat-assignments-for-an-organization"},
		{"under /api/v3", "GET", "/api/v3/users/nobody-at-all", "ghp_adminorg", "", 404, "https://docs.github.com/rest/users/users#get-a-user"},
		{"bad credentials", "GET", "/orgs/acme", "ghp_nosuchtoken", "", 401, "https://docs.github.com/rest"},
		{"unsupported version", "GET", "/orgs/acme", "", "1999-01-01", 400, "https://docs.github.com/rest"},
		{"unknown route", "GET", "/nope", "ghp_adminorg", "", 404, "https://docs.github.com/rest"},
		{"wrong method", "PUT", "/orgs/acme", "ghp_adminorg", "", 404, "https://docs.github.com/rest"},
	} {
		t.Run(c.name, func(t *testing.T) {
			var hs []string
			if c.version != "" {
				hs = append(hs, "X-GitHub-Api-Version: "+c.version)
			}
			r := e.do(c.method, c.path, c.token, hs...)
			var body struct {
				DocumentationURL string `json:"documentation_url"`
			}
			if err := json.Unmarshal(r.body, &body); err != nil || r.status != c.status || body.DocumentationURL != c.want {
				t.Errorf("%d %s; want %d with documentation_url %s", r.status, r.body, c.status, c.want)
			}
		})
	}
}
