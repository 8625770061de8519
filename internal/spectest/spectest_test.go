package spectest

import (
	"net/http"
	"slices"
	"testing"
)

// fakeT records failures instead of failing, to test that Check can fail.
type fakeT struct {
	testing.TB
	failed bool
}

func (f *fakeT) Errorf(string, ...any) { f.failed = true }
func (f *fakeT) Helper()               {}

func TestCheck(t *testing.T) {
	s := GitHub(t)
	if _, tmpl, ok := s.Operation("GET", "/api/v3/orgs/x/members/y/copilot"); !ok || tmpl != "/orgs/{org}/members/{username}/copilot" {
		t.Fatalf("operation lookup: %q %v", tmpl, ok)
	}
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	tests := []struct {
		name   string
		status int
		body   string
		valid  bool
	}{
		{"basic error", 404, `{"message":"Not Found","documentation_url":"https://docs.github.com/rest","status":"404"}`, true},
		{"error without status", 404, `{"message":"Not Found"}`, false},
		{"seat without created_at", 200, `{"assignee":null}`, false},
		{"seat with a bad date", 200, `{"created_at":"2021-08-03","assignee":null}`, false},
		{"seat with an unknown field", 200, `{"created_at":"2021-08-03T18:00:00Z","bogus":1}`, false},
		{"minimal seat", 200, `{"created_at":"2021-08-03T18:00:00Z","assignee":null}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeT{TB: t}
			s.Check(f, "GET", "/orgs/x/members/y/copilot", tt.status, json, []byte(tt.body))
			if f.failed == tt.valid {
				t.Errorf("valid = %v, want %v", !f.failed, tt.valid)
			}
		})
	}
}

func TestControl(t *testing.T) {
	c := Control(t)
	if _, tmpl, ok := c.Operation("PUT", "/_seatkeeper/orgs/acme/copilot"); !ok || tmpl != "/_seatkeeper/orgs/{org}/copilot" {
		t.Fatalf("operation lookup: %q %v", tmpl, ok)
	}
	if For(t, "/_seatkeeper/tokens") != c || For(t, "/healthz") != c || For(t, "/orgs/x/copilot/billing") != GitHub(t) {
		t.Error("For picks the wrong document")
	}
	json := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
	yaml := http.Header{"Content-Type": {"application/yaml; charset=utf-8"}}
	text := http.Header{"Content-Type": {"text/plain; version=0.0.4; charset=utf-8"}}
	tests := []struct {
		name, method, path string
		status             int
		header             http.Header
		body               string
		valid              bool
	}{
		{"clock", "GET", "/_seatkeeper/clock", 200, json, `{"now":"2026-01-01T00:00:00Z","frozen":true,"control_allowed":false}`, true},
		{"clock with an extra field", "GET", "/_seatkeeper/clock", 200, json, `{"now":"2026-01-01T00:00:00Z","frozen":true,"control_allowed":false,"x":1}`, false},
		{"export as YAML", "GET", "/_seatkeeper/export", 200, yaml, "users: []\n", true},
		{"export as text", "GET", "/_seatkeeper/export", 200, text, "users: []\n", false},
		{"export as JSON", "GET", "/_seatkeeper/export", 200, json, `{"users":[{"login":"a"}]}`, true},
		{"export with an unknown section", "GET", "/_seatkeeper/export", 200, json, `{"people":[]}`, false},
		{"metrics", "GET", "/metrics", 200, text, "# TYPE x counter\nx 1\n", true},
		{"metrics as JSON", "GET", "/metrics", 200, json, `{}`, false},
		{"error as text", "GET", "/_seatkeeper/clock", 403, text, "no", false},
		{"error", "GET", "/_seatkeeper/clock", 403, json, `{"message":"Must be a site administrator.","documentation_url":"https://docs.github.com/rest","status":"403"}`, true},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			f := &fakeT{TB: t}
			c.Check(f, tt.method, tt.path, tt.status, tt.header, []byte(tt.body))
			if f.failed == tt.valid {
				t.Errorf("valid = %v, want %v", !f.failed, tt.valid)
			}
		})
	}
}

// TestForVersion: a response is checked as the API version it names
// describes it, x-github-breaking-changes applied (a merge patch removing
// rate and replacing required; a JSON Patch removing a property and an
// element of required).
func TestForVersion(t *testing.T) {
	s := GitHub(t)
	core := `{"limit":5000,"remaining":4999,"reset":1700000000,"used":1}`
	withRate := `{"resources":{"core":` + core + `,"search":` + core + `},"rate":` + core + `}`
	withoutRate := `{"resources":{"core":` + core + `,"search":` + core + `}}`
	for _, c := range []struct {
		name, version, path, body string
		valid                     bool
	}{
		{"2022-11-28 requires rate", "2022-11-28", "/rate_limit", withoutRate, false},
		{"2022-11-28 with rate", "2022-11-28", "/rate_limit", withRate, true},
		{"2026-03-10 without rate", "2026-03-10", "/rate_limit", withoutRate, true},
		{"no version: the description as written", "", "/rate_limit", withoutRate, false},
	} {
		t.Run(c.name, func(t *testing.T) {
			f := &fakeT{TB: t}
			h := http.Header{"Content-Type": {"application/json; charset=utf-8"}}
			if c.version != "" {
				h.Set("X-GitHub-Api-Version-Selected", c.version)
			}
			s.Check(f, "GET", c.path, 200, h, []byte(c.body))
			if f.failed == c.valid {
				t.Errorf("failed = %v, want valid %v", f.failed, c.valid)
			}
		})
	}
	v, err := s.ForVersion("2026-03-10")
	if err != nil {
		t.Fatal(err)
	}
	root := v.Schema(t, "root")
	if _, ok := root.Properties["authorizations_url"]; ok || slices.Contains(root.Required, "authorizations_url") {
		t.Errorf("2026-03-10's root keeps authorizations_url: %v", root.Required)
	}
	if _, ok := root.Properties["hub_url"]; ok {
		t.Error("2026-03-10's root keeps hub_url")
	}
	if old, _ := s.ForVersion("2022-11-28"); old != s {
		t.Error("2022-11-28 has breaking changes of its own")
	}
	if _, ok := s.Schema(t, "root").Properties["authorizations_url"]; !ok {
		t.Error("building 2026-03-10 changed the description itself")
	}
}
