package httpapi_test

import (
	"encoding/json"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestAPIRoot: GET /, /api/v3 and /api/v3/ answer GitHub's root document
// (gh reads its X-OAuth-Scopes to check a token) to anyone; a bad token
// gets 401; its URLs lead back under the prefix the request came in by;
// API version 2026-03-10 drops hub_url and authorizations_url.
func TestAPIRoot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := faultEnv(t, st, serverConfig{})
		tests := []struct {
			name, path, token, version string
			status                     int
			scopes                     string // X-OAuth-Scopes; "-" for none
			userURL                    string
			hub                        bool
		}{
			{"root", "/", "ghp_adminorg", "", 200, "admin:org", "http://seatkeeper.test/user", true},
			{"enterprise root", "/api/v3", "ghp_billing", "", 200, "manage_billing:copilot", "http://seatkeeper.test/api/v3/user", true},
			{"enterprise root, slash", "/api/v3/", "ghp_readorg", "", 200, "read:org", "http://seatkeeper.test/api/v3/user", true},
			{"fine-grained token", "/api/v3/", "github_pat_read", "", 200, "-", "http://seatkeeper.test/api/v3/user", true},
			{"no token", "/", "", "", 200, "-", "http://seatkeeper.test/user", true},
			{"API version 2026-03-10", "/", "ghp_adminorg", "2026-03-10", 200, "admin:org", "http://seatkeeper.test/user", false},
			{"bad token", "/api/v3/", "ghp_nosuchtoken", "", 401, "-", "", false},
		}
		for _, tt := range tests {
			t.Run(tt.name, func(t *testing.T) {
				var headers []string
				if tt.version != "" {
					headers = append(headers, "X-GitHub-Api-Version: "+tt.version)
				}
				r := e.do("GET", tt.path, tt.token, headers...)
				if r.status != tt.status {
					t.Fatalf("status %d, want %d: %s", r.status, tt.status, r.body)
				}
				got, present := r.header["X-Oauth-Scopes"]
				if tt.scopes == "-" && present || tt.scopes != "-" && (!present || got[0] != tt.scopes) {
					t.Errorf("X-OAuth-Scopes %q (present %v), want %q", got, present, tt.scopes)
				}
				if tt.status != 200 {
					return
				}
				var root map[string]any
				if err := json.Unmarshal(r.body, &root); err != nil {
					t.Fatal(err)
				}
				if root["current_user_url"] != tt.userURL {
					t.Errorf("current_user_url %v, want %s", root["current_user_url"], tt.userURL)
				}
				_, authorizations := root["authorizations_url"]
				if _, hub := root["hub_url"]; hub != tt.hub || authorizations != tt.hub {
					t.Errorf("hub_url present %v, authorizations_url %v, want %v", hub, authorizations, tt.hub)
				}
			})
		}
	})
}
