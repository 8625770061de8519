package httpapi_test

import (
	"bytes"
	"encoding/json"
	"image/png"
	"io"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestGitHubHeaders: headers GitHub sends that clients and caches see:
// Server on every answer, Vary on errors too, Last-Modified on users and
// organizations.
func TestGitHubHeaders(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
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
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
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

// TestAvatars: every avatar_url resolves, to anyone, to the account's
// identicon, without counting against the rate limit.
func TestAvatars(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	var org struct {
		AvatarURL string `json:"avatar_url"`
	}
	if err := json.Unmarshal(e.do("GET", "/orgs/acme", "ghp_adminorg").body, &org); err != nil {
		t.Fatal(err)
	}
	path := strings.TrimPrefix(org.AvatarURL, "http://seatkeeper.test")
	for _, c := range []struct {
		name, path string
		status     int
	}{
		{"the org's avatar_url", path, 200},
		{"under /api/v3", "/api/v3" + path, 200},
		{"not an id", "/avatars/u/abc", 404},
		{"zero", "/avatars/u/0", 404},
	} {
		t.Run(c.name, func(t *testing.T) {
			resp, err := http.Get(e.srv.URL + c.path)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != c.status {
				t.Fatalf("status %d, want %d", resp.StatusCode, c.status)
			}
			if c.status != 200 {
				return
			}
			if ct := resp.Header.Get("Content-Type"); ct != "image/png" {
				t.Errorf("Content-Type %q", ct)
			}
			if _, err := png.Decode(bytes.NewReader(body)); err != nil {
				t.Errorf("not a PNG: %v", err)
			}
			if used := resp.Header.Get("X-RateLimit-Used"); used != "0" {
				t.Errorf("X-RateLimit-Used %s: an avatar counted", used)
			}
		})
	}
}
