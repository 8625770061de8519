package httpapi_test

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestRouting: what no route serves gets GitHub's JSON 404, never
// ServeMux's text 404 or 405, nor its 307 with an HTML body for a path it
// would clean (dot segments, double slashes), even to a route (issue 16 #10).
func TestRouting(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	tests := []struct {
		name, method, path string
		status             int
		location           string // for a redirect
	}{
		{"route", "GET", seatsPath, 200, ""},
		{"route, HEAD", "HEAD", seatsPath, 200, ""},
		{"route under /api/v3", "GET", "/api/v3" + seatsPath, 200, ""},
		{"trailing slash", "GET", seatsPath + "/", 404, ""},
		{"wrong method", "PUT", seatsPath, 404, ""},
		{"wrong method, another", "DELETE", "/orgs/acme/members/ann/copilot", 404, ""},
		{"unknown path", "GET", "/nope", 404, ""},
		{"root", "GET", "/", 200, ""},
		{"root under /api/v3", "GET", "/api/v3/", 200, ""},
		{"root, wrong method", "POST", "/", 404, ""},
		{"dot segments to a route", "GET", "/orgs/x/../acme/copilot/billing/seats", 404, ""},
		{"double slash to a route", "GET", "//orgs/acme/copilot/billing/seats?per_page=1", 404, ""},
		{"double slash inside, to a route", "GET", "/orgs/acme//copilot/billing/seats", 404, ""},
		{"dot segment under /api/v3, to a route", "GET", "/api/v3/orgs/acme/./copilot/billing/seats", 404, ""},
		{"dot segments to no route", "GET", "/orgs/acme/../../nope", 404, ""},
		{"double slash to no route", "GET", "/orgs/acme//nope", 404, ""},
		{"dot segments to a route, wrong method", "PUT", "/orgs/x/../acme/copilot/billing/seats", 404, ""},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			req, err := http.NewRequest(tt.method, e.srv.URL+tt.path, nil)
			if err != nil {
				t.Fatal(err)
			}
			req.Header.Set("Authorization", "Bearer ghp_billing")
			resp, err := noFollow.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			defer resp.Body.Close()
			if resp.StatusCode != tt.status {
				t.Fatalf("status %d, want %d (Location %q)", resp.StatusCode, tt.status, resp.Header.Get("Location"))
			}
			if got := resp.Header.Get("Location"); got != tt.location {
				t.Errorf("Location %q, want %q", got, tt.location)
			}
			if tt.status != 404 {
				return
			}
			var body struct {
				Message string `json:"message"`
				URL     string `json:"documentation_url"`
			}
			if err := json.NewDecoder(resp.Body).Decode(&body); err != nil || body.Message != "Not Found" {
				t.Errorf("body: %+v, %v (Content-Type %s)", body, err, resp.Header.Get("Content-Type"))
			}
			if resp.Header.Get("Allow") != "" {
				t.Errorf("Allow: %q", resp.Header.Get("Allow"))
			}
		})
	}
}
