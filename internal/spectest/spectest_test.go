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
