package httpapi_test

import (
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

const atomicScenario = `
users: [{login: owner}, {login: ann}, {login: bob}, {login: cat}, {login: dan}, {login: eve}, {login: fay}, {login: invitee}, {login: stranger}]
organizations:
  - login: acme
    copilot: {seat_management_setting: assign_selected, public_code_suggestions: block, billing_cycle_day: 15}
    members:
      - {login: owner, role: admin}
      - {login: ann}
      - {login: bob}
      - {login: cat}
      - {login: dan}
      - {login: eve}
      - {login: fay}
      - {login: invitee, state: pending}
    teams:
      - {name: Platform, slug: platform, members: [bob]}
      - {name: Platform Juniors, slug: juniors, parent: platform, members: [cat]}
      - {name: Web, slug: web, members: [eve]}
      - {name: Ops, slug: ops, members: [fay]}
      - {name: Empty Team, slug: empty-team}
tokens:
  - {token: ghp_billing, kind: classic, user: owner, scopes: [manage_billing:copilot]}
`

// TestWritesAreAllOrNothing makes the last item of every Copilot write
// fail, after the earlier items would have been (or have been) written,
// and checks that the stored state is exactly what it was: by the rules
// (a name that does not resolve, a team without members, a seat held
// through a team) and by the database (a failure it raises while the
// late item is written). Then the same request without the failure
// succeeds, so each one did reach its writes.
func TestWritesAreAllOrNothing(t *testing.T) {
	const (
		users = "/orgs/acme/copilot/billing/selected_users"
		teams = "/orgs/acme/copilot/billing/selected_teams"
	)
	cases := []struct {
		name, method, path, body string
		failSubject              string // the audit subject whose write the database refuses; "" for none
		status                   int
		message                  string
		after                    string // the answer once the failure is gone; "" when there is no such request
	}{
		{"add users, the last not a member", "POST", users, `{"selected_usernames":["bob","invitee","stranger"]}`, "",
			404, "One or more users do not exist in this organization: stranger", ""},
		{"cancel users, the last seated through a team", "DELETE", users, `{"selected_usernames":["ann","dan","cat"]}`, "",
			422, "Seat assignment could not be cancelled: user cat was assigned via team Platform.", ""},
		{"add teams, the last without members", "POST", teams, `{"selected_teams":["juniors","web","Empty Team"]}`, "",
			404, "Team Empty Team has no members", ""},
		{"cancel teams, the last unknown", "DELETE", teams, `{"selected_teams":["platform","nope"]}`, "",
			404, "One or more teams do not exist in this organization: nope", ""},
		{"add users, the database fails on the last", "POST", users, `{"selected_usernames":["bob","invitee"]}`, "invitee",
			500, "", `{"seats_created":2}`},
		{"cancel users, the database fails on the last", "DELETE", users, `{"selected_usernames":["ann","dan"]}`, "dan",
			500, "", `{"seats_cancelled":2}`},
		{"add teams, the database fails on the last", "POST", teams, `{"selected_teams":["juniors","web"]}`, "web",
			500, "", `{"seats_created":2}`},
		{"cancel teams, the database fails on the last", "DELETE", teams, `{"selected_teams":["platform","ops"]}`, "ops",
			500, "", `{"seats_cancelled":3}`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				e := newEnv(t, st, manageNow, atomicScenario)
				// ann and dan seated directly, platform and ops granted (so bob,
				// cat and fay seated through teams).
				e.answer("POST", users, `{"selected_usernames":["ann","dan"]}`, 201)
				e.answer("POST", teams, `{"selected_teams":["platform","ops"]}`, 201)
				before := storetest.Take(t, st)
				remove := func() {}
				if c.failSubject != "" {
					remove = storetest.FailWrites(t, st, "audit_log", "subject", c.failSubject)
				}
				r := e.doBody(c.method, c.path, "ghp_billing", c.body)
				remove()
				if r.status != c.status || (c.message != "" && !strings.Contains(string(r.body), `"message":"`+c.message+`"`)) {
					t.Errorf("%s %s: %d %s, want %d %q", c.method, c.body, r.status, r.body, c.status, c.message)
				}
				if strings.Contains(string(r.body), storetest.InjectedFailure) {
					t.Errorf("the database's error reached the client: %s", r.body)
				}
				storetest.Unchanged(t, st, before, c.name)
				if c.after != "" {
					success := map[string]int{"POST": 201, "DELETE": 200}[c.method]
					if got := strings.TrimSpace(e.answer(c.method, c.path, c.body, success)); got != c.after {
						t.Errorf("without the failure: %s, want %s", got, c.after)
					}
				}
			})
		})
	}
}

// answer sends a request as the billing owner and returns its body,
// failing the test unless it answers status.
func (e *env) answer(method, path, body string, status int) string {
	e.t.Helper()
	r := e.doBody(method, path, "ghp_billing", body)
	if r.status != status {
		e.t.Fatalf("%s %s %s: %d %s, want %d", method, path, body, r.status, r.body, status)
	}
	return string(r.body)
}
