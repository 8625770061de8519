package spectest

import (
	"net/http"
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
