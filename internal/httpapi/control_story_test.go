package httpapi_test

import (
	"encoding/json"
	"fmt"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestControlStory walks the life of a server from an empty database,
// through HTTP only once the bootstrap administrator exists: seed, enable
// Copilot, mint a token, assign seats through GitHub's API, record
// activity, cancel, move the clock past the cancellation, export, reset,
// and load the export back to the same answers.
func TestControlStory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		start := time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)
		e := newControlEnv(t, st, start, "", serverConfig{AllowClockControl: true})

		// The bootstrap administrator is all there is.
		var list []tokenJSON
		json.Unmarshal(e.want("GET", "/_seatkeeper/tokens", adminToken, "", 200), &list)
		if len(list) != 1 {
			t.Fatalf("tokens of an empty server: %+v", list)
		}

		e.json("POST", "/_seatkeeper/seed", adminToken, `
users: [{login: owner}, {login: ann}, {login: bob}, {login: cat}]
organizations:
  - login: acme
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}]
    teams: [{name: Platform, members: [bob]}]
`, 201)
		e.json("PUT", "/_seatkeeper/orgs/acme/memberships/cat", adminToken, `{}`, 201)
		e.json("PUT", "/_seatkeeper/orgs/acme/copilot", adminToken, `{"public_code_suggestions": "block", "ide_chat": "enabled"}`, 201)
		var owner tokenJSON
		json.Unmarshal(e.want("POST", "/_seatkeeper/tokens", adminToken,
			`{"kind": "classic", "user": "owner", "scopes": ["manage_billing:copilot"], "note": "story"}`, 201), &owner)

		// Seats through GitHub's API, with the minted token.
		if v := e.json("POST", "/orgs/acme/copilot/billing/selected_users", owner.Token, users("ann", "cat"), 201); v["seats_created"] != 2.0 {
			t.Errorf("selected_users %v", v)
		}
		e.clock.Advance(time.Hour)
		if v := e.json("POST", "/orgs/acme/copilot/billing/selected_teams", owner.Token, teams("platform"), 201); v["seats_created"] != 1.0 {
			t.Errorf("selected_teams %v", v)
		}
		e.json("POST", "/_seatkeeper/orgs/acme/members/ann/copilot/activity", adminToken,
			`{"last_activity_editor": "vscode/1.99.3/copilot-chat/0.26.7"}`, 200)
		e.json("DELETE", "/orgs/acme/copilot/billing/selected_users", owner.Token, users("cat"), 200)
		if got := e.loginsAs("acme", owner.Token); got != "ann cat(2026-04-01) bob" {
			t.Fatalf("seats before the cycle ends: %q", got)
		}

		// The cycle ends: cat's seat with it.
		e.json("PUT", "/_seatkeeper/clock", adminToken, `{"now": "2026-04-01T00:00:00Z"}`, 200)
		if got := e.loginsAs("acme", owner.Token); got != "ann bob" {
			t.Fatalf("seats after the cycle ends: %q", got)
		}

		answers := func() []string {
			var out []string
			for _, path := range []string{
				"/orgs/acme/copilot/billing/seats", "/orgs/acme/copilot/billing",
				"/orgs/acme/members/ann/copilot", "/orgs/acme/members/bob/copilot", "/orgs/acme/members/cat/copilot",
			} {
				r := e.do("GET", path, owner.Token)
				out = append(out, fmt.Sprintf("%s %d %s", path, r.status, r.body))
			}
			return out
		}
		before := answers()
		export := e.want("GET", "/_seatkeeper/export", adminToken, "", 200)

		e.want("POST", "/_seatkeeper/reset", adminToken, "", 204)
		e.want("GET", "/orgs/acme/copilot/billing/seats", owner.Token, "", 401)

		e.json("POST", "/_seatkeeper/seed", adminToken, string(export), 201)
		after := answers()
		for i := range before {
			if before[i] != after[i] {
				t.Errorf("answer changed by export, reset and seed:\nbefore %s\n after %s", before[i], after[i])
			}
		}
		if v := e.json("GET", "/orgs/acme/members/ann/copilot", owner.Token, "", 200); v["last_activity_editor"] != "vscode/1.99.3/copilot-chat/0.26.7" ||
			v["created_at"] != "2026-03-20T12:00:00Z" {
			t.Errorf("ann's seat after the round trip: %v", v)
		}
		if v := e.json("GET", "/orgs/acme/members/bob/copilot", owner.Token, "", 200); v["created_at"] != "2026-03-20T13:00:00Z" {
			t.Errorf("bob's seat after the round trip: %v", v)
		}
	})
}
