package httpapi_test

import (
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestNULIsNeverA500: a NUL byte (or invalid UTF-8) anywhere a name goes
// answers the same on both stores — 404 where it is looked up, 422 where
// it would be stored (a seat write names users and teams to look up: 404) — never a 500 (issue 16: PostgreSQL answered 500).
func TestNULIsNeverA500(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := faultEnv(t, st, serverConfig{})
		for _, c := range []struct {
			method, path, token, body string
			want                      int
		}{
			{"GET", "/orgs/a%00", "", "", 404},
			{"GET", "/orgs/a%FF", "", "", 404},
			{"GET", "/users/ann%00", "", "", 404},
			{"GET", "/orgs/acme/members/ann%00/copilot", "ghp_billing", "", 404},
			{"GET", "/orgs/acme/teams/platform%00", "ghp_adminorg", "", 404},
			{"POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", `{"selected_usernames":["ann\u0000"]}`, 404},
			{"POST", "/orgs/acme/copilot/billing/selected_teams", "ghp_billing", `{"selected_teams":["platform\u0000"]}`, 404},
			{"POST", "/orgs/acme/teams", "ghp_adminorg", `{"name":"new\u0000team"}`, 422},
			{"POST", "/_seatkeeper/orgs/acme/members/ann/copilot/activity", adminToken, `{"editor":"vscode\u0000/1.0"}`, 422},
			{"POST", "/_seatkeeper/tokens", adminToken, `{"kind":"classic","user":"ann","scopes":["read:org"],"note":"n\u0000te"}`, 422},
			{"POST", "/_seatkeeper/seed", adminToken, "users: [{login: \"nul\\0user\"}]\n", 422},
		} {
			if got := e.doBody(c.method, c.path, c.token, c.body); got.status != c.want {
				t.Errorf("%s %s %s: %d, want %d: %s", c.method, c.path, c.body, got.status, c.want, got.body)
			}
		}
	})
}
