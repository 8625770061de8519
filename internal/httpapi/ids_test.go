package httpapi_test

import (
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestSeedIDsStayInGitHubsRange: a seed may not set an id beyond GitHub's
// range (422 naming the field), so that accounts created afterwards still
// get ids; and a reset repairs a sequence an older version let a seed
// break (issue 16: every creation answered 500, reset did not help).
func TestSeedIDsStayInGitHubsRange(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := faultEnv(t, st, serverConfig{})
		got := e.doBody("POST", "/_seatkeeper/seed", adminToken, "users: [{login: huge, id: 9223372036854775807}]\n")
		if got.status != 422 || !strings.Contains(string(got.body), "users[0] (huge).id: 9223372036854775807 is outside GitHub's id range") {
			t.Errorf("seed with id 2^63-1: %d %s", got.status, got.body)
		}
		e.want("POST", "/admin/users", adminToken, `{"login": "fresh", "email": "fresh@example.com"}`, 201)

		if _, err := st.DB().Exec(`UPDATE id_sequences SET last_id = 9223372036854775807 WHERE name = 'accounts'`); err != nil {
			t.Fatal(err)
		}
		e.want("POST", "/_seatkeeper/reset", adminToken, "", 204)
		e.want("POST", "/admin/users", adminToken, `{"login": "after", "email": "after@example.com"}`, 201)
		e.want("POST", "/_seatkeeper/seed", adminToken, "organizations: [{login: neworg}]\n", 201)
	})
}
