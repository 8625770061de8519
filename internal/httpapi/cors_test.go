package httpapi_test

import (
	"io"
	"net/http"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestCORSPreflight: OPTIONS on any path answers 204 with GitHub's CORS
// headers and no body, without looking at credentials (a bad token is no
// 401) and without counting against any rate limit; every answer exposes
// GitHub's current header list.
func TestCORSPreflight(t *testing.T) {
	e := faultEnv(t, storetest.Open(t, store.SQLite), serverConfig{})
	for _, c := range []struct{ name, path, token string }{
		{"a route", seatsPath, ""},
		{"a route, bad token", seatsPath, "ghp_nosuchtoken"},
		{"a route, token", seatsPath, "ghp_billing"},
		{"under /api/v3", "/api/v3" + seatsPath, ""},
		{"unknown path", "/nope/nothing", ""},
		{"GraphQL", "/api/graphql", ""},
		{"the control API", "/_seatkeeper/faults", ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			req, _ := http.NewRequest("OPTIONS", e.srv.URL+c.path, nil)
			req.Header.Set("Origin", "http://elsewhere.test")
			req.Header.Set("Access-Control-Request-Method", "POST")
			req.Header.Set("Access-Control-Request-Headers", "authorization, content-type, x-github-api-version")
			if c.token != "" {
				req.Header.Set("Authorization", "Bearer "+c.token)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != 204 || len(body) != 0 {
				t.Fatalf("status %d, body %q; want 204, none", resp.StatusCode, body)
			}
			h := resp.Header
			for k, want := range map[string]string{
				"Access-Control-Allow-Origin":  "*",
				"Access-Control-Allow-Methods": "GET, POST, PATCH, PUT, DELETE",
				"Access-Control-Max-Age":       "86400",
			} {
				if got := h.Get(k); got != want {
					t.Errorf("%s %q, want %q", k, got, want)
				}
			}
			allowed := strings.ToLower(h.Get("Access-Control-Allow-Headers"))
			for _, want := range []string{"authorization", "content-type", "x-github-api-version", "if-none-match"} {
				if !strings.Contains(allowed, want) {
					t.Errorf("Access-Control-Allow-Headers %q lacks %s", allowed, want)
				}
			}
			if v := h.Get("X-RateLimit-Remaining"); v != "" {
				t.Errorf("a preflight carries X-RateLimit-Remaining %s", v)
			}
		})
	}
	r := e.do("GET", seatsPath, "ghp_billing")
	if got := r.header.Get("X-RateLimit-Used"); got != "1" {
		t.Errorf("after a preflight with the token, X-RateLimit-Used %s, want 1: the preflight counted", got)
	}
	if got := r.header.Get("Access-Control-Expose-Headers"); !strings.HasSuffix(got, ", Deprecation, Sunset") || !strings.Contains(got, "X-GitHub-Request-Id") {
		t.Errorf("Access-Control-Expose-Headers %q: want GitHub's current list, ending at Sunset", got)
	}
}
