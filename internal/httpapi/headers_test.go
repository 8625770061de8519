package httpapi_test

import (
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
