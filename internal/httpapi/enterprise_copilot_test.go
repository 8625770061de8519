package httpapi_test

import (
	"encoding/json"
	"fmt"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// entScenario is an enterprise with its own Copilot (cycles from the 15th)
// and an org with Copilot of its own (cycles from the 1st): carol, frank
// and hank are enterprise members of no org; dave and erin are members of
// widgets, dave seated there; carol, dave and hank are in the enterprise
// team Copilot Users. bare has no Copilot; unset has not configured its
// suggestions policy.
const entScenario = `users: [{login: boss}, {login: bill}, {login: carol}, {login: dave}, {login: erin}, {login: frank}, {login: hank}, {login: ghost}]
enterprises:
  - slug: acme
    owners: [boss]
    billing_managers: [bill]
    members: [carol, frank, hank]
    teams: [{name: Copilot Users, members: [carol, dave, hank]}]
    copilot: {plan_type: enterprise, billing_cycle_day: 15, public_code_suggestions: allow}
  - {slug: bare, owners: [boss]}
  - {slug: unset, owners: [boss], members: [carol], copilot: {billing_cycle_day: 3}}
organizations:
  - login: widgets
    enterprise: acme
    copilot: {public_code_suggestions: allow, billing_cycle_day: 1}
    members: [{login: boss, role: admin}, {login: dave}, {login: erin}]
    seats: [{user: dave}]
tokens:
  - {token: ghp_boss, kind: classic, user: boss, scopes: [manage_billing:copilot, admin:org]}
  - {token: ghp_bill, kind: classic, user: bill, scopes: [manage_billing:copilot]}
`

// entSeat is a seat as the enterprise routes answer it.
type entSeat struct {
	Assignee      struct{ Login string }  `json:"assignee"`
	Organization  *struct{ Login string } `json:"organization"`
	AssigningTeam *struct {
		Slug string `json:"slug"`
	} `json:"assigning_team"`
	PendingCancellationDate *string `json:"pending_cancellation_date"`
	LastActivityAt          *string `json:"last_activity_at"`
}

type entSeats struct {
	TotalSeats int       `json:"total_seats"`
	Seats      []entSeat `json:"seats"`
}

// line is a seat in one short line: login@org (or @enterprise), the team,
// the pending date.
func (s entSeat) line() string {
	where := "enterprise"
	if s.Organization != nil {
		where = s.Organization.Login
	}
	out := s.Assignee.Login + "@" + where
	if s.AssigningTeam != nil {
		out += " via " + s.AssigningTeam.Slug
	}
	if s.PendingCancellationDate != nil {
		out += " until " + *s.PendingCancellationDate
	}
	return out
}

func (l entSeats) String() string {
	lines := make([]string, len(l.Seats))
	for i, s := range l.Seats {
		lines[i] = s.line()
	}
	slices.Sort(lines)
	return fmt.Sprintf("%d: %s", l.TotalSeats, strings.Join(lines, ", "))
}

func decodeSeats(t *testing.T, r response) entSeats {
	t.Helper()
	var out entSeats
	if err := json.Unmarshal(r.body, &out); err != nil {
		t.Fatalf("%s: %v", r.body, err)
	}
	return out
}

// TestEnterpriseLevelSeats walks the enterprise-level seat routes through
// HTTP, in order: each write's answer, then the enterprise's seat list and
// the user's seat details as they stand after it.
func TestEnterpriseLevelSeats(t *testing.T) {
	const (
		list    = "/enterprises/acme/copilot/billing/seats"
		users   = "/enterprises/acme/copilot/billing/selected_users"
		teams   = "/enterprises/acme/copilot/billing/selected_enterprise_teams"
		details = "/enterprises/acme/members/%s/copilot"
	)
	steps := []struct {
		name, method, path, token, body string
		status                          int
		answer                          string // a substring of the answer
		list                            string // the enterprise list after it ("" not checked)
		user, seats                     string // a user and their seat details after it
	}{
		{name: "before", method: "GET", path: list, token: "ghp_boss", status: 200,
			list: "1: dave@widgets", user: "dave", seats: "1: dave@widgets"},
		{name: "a member of no org", method: "POST", path: users, token: "ghp_boss", body: `{"selected_usernames":["carol"]}`,
			status: 201, answer: `{"seats_created":1}`, list: "2: carol@enterprise, dave@widgets", user: "carol", seats: "1: carol@enterprise"},
		{name: "again: nothing new", method: "POST", path: users, token: "ghp_boss", body: `{"selected_usernames":["Carol"]}`,
			status: 201, answer: `{"seats_created":0}`},
		{name: "a user seated in an org too is counted once", method: "POST", path: users, token: "ghp_boss",
			body: `{"selected_usernames":["dave"]}`, status: 201, answer: `{"seats_created":1}`,
			list: "2: carol@enterprise, dave@enterprise, dave@widgets", user: "dave", seats: "1: dave@enterprise, dave@widgets"},
		{name: "an enterprise team by name, any case", method: "POST", path: teams, token: "ghp_boss",
			body: `{"selected_enterprise_teams":["copilot users"]}`, status: 201, answer: `{"seats_created":3}`,
			list: "3: carol@enterprise, dave@enterprise, dave@widgets, hank@enterprise via copilot-users", user: "hank", seats: "1: hank@enterprise via copilot-users"},
		{name: "a seat held only through the team cannot be cancelled as a user's", method: "DELETE", path: users, token: "ghp_boss",
			body: `{"selected_usernames":["hank"]}`, status: 422,
			answer: "Seat assignment could not be cancelled: user hank was assigned via team Copilot Users."},
		{name: "team cancelled by slug: until the enterprise's next cycle, direct grants kept", method: "DELETE", path: teams, token: "ghp_boss",
			body: `{"selected_enterprise_teams":["copilot-users"]}`, status: 200, answer: `{"seats_cancelled":3}`,
			list: "3: carol@enterprise, dave@enterprise, dave@widgets, hank@enterprise via copilot-users until 2026-04-15",
			user: "carol", seats: "1: carol@enterprise"},
		{name: "a direct seat cancelled: the enterprise's cycle, not the org's", method: "DELETE", path: users, token: "ghp_boss",
			body: `{"selected_usernames":["dave"]}`, status: 200, answer: `{"seats_cancelled":1}`,
			user: "dave", seats: "1: dave@enterprise until 2026-04-15, dave@widgets"},
		{name: "unknown users are named, nothing changes", method: "POST", path: users, token: "ghp_boss",
			body: `{"selected_usernames":["frank","ghost","nobody"]}`, status: 404,
			answer: "One or more users do not exist in this enterprise: ghost, nobody", user: "frank", seats: "404"},
		{name: "unknown teams are named", method: "POST", path: teams, token: "ghp_boss",
			body: `{"selected_enterprise_teams":["Copilot Users","nope"]}`, status: 404,
			answer: "One or more enterprise teams do not exist in this enterprise: nope"},
		{name: "a user who is no member", method: "GET", path: fmt.Sprintf(details, "ghost"), token: "ghp_boss", status: 404,
			answer: "User does not exist in this enterprise."},
		{name: "a member without a seat", method: "GET", path: fmt.Sprintf(details, "erin"), token: "ghp_boss", status: 404,
			answer: "No seat found for this user in this enterprise."},
		{name: "billing managers read the list", method: "GET", path: list, token: "ghp_bill", status: 200, answer: `"total_seats":3`},
		{name: "billing managers read a member's seats", method: "GET", path: fmt.Sprintf(details, "carol"), token: "ghp_bill", status: 200},
		{name: "billing managers may not grant", method: "POST", path: users, token: "ghp_bill",
			body: `{"selected_usernames":["frank"]}`, status: 403, answer: "Must be an enterprise owner to access this resource."},
		{name: "billing managers may not cancel", method: "DELETE", path: teams, token: "ghp_bill",
			body: `{"selected_enterprise_teams":["copilot-users"]}`, status: 403, answer: "Must be an enterprise owner to access this resource.",
			user: "frank", seats: "404"},
		{name: "no Copilot at the enterprise", method: "POST", path: "/enterprises/bare/copilot/billing/selected_users", token: "ghp_boss",
			body: `{"selected_usernames":["boss"]}`, status: 422, answer: "Copilot Business is not enabled for this enterprise."},
		{name: "no Copilot anywhere in the enterprise", method: "GET", path: "/enterprises/bare/members/boss/copilot", token: "ghp_boss",
			status: 422, answer: "Copilot Business is not enabled for this enterprise."},
		{name: "the enterprise's policy not configured", method: "POST", path: "/enterprises/unset/copilot/billing/selected_users", token: "ghp_boss",
			body: `{"selected_usernames":["carol"]}`, status: 422,
			answer: "An enterprise owner must configure a public code suggestions policy for this enterprise."},
		{name: "no names", method: "POST", path: users, token: "ghp_boss", body: `{"selected_usernames":[]}`, status: 422},
		{name: "the org's list shows its own seats only", method: "GET", path: "/orgs/widgets/copilot/billing/seats", token: "ghp_boss",
			status: 200, answer: `"total_seats":1`},
		{name: "the org's seat details show the org's seat only", method: "GET", path: "/orgs/widgets/members/dave/copilot", token: "ghp_boss",
			status: 200, answer: `"login":"widgets"`},
	}
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), entScenario)
		for _, s := range steps {
			r := e.doBody(s.method, s.path, s.token, s.body)
			if r.status != s.status || !strings.Contains(string(r.body), s.answer) {
				t.Fatalf("%s: %d %s, want %d with %q", s.name, r.status, r.body, s.status, s.answer)
			}
			if s.list != "" {
				if got := decodeSeats(t, e.do("GET", list, "ghp_boss")).String(); got != s.list {
					t.Fatalf("%s: the enterprise lists %s, want %s", s.name, got, s.list)
				}
			}
			if s.user != "" {
				r := e.do("GET", fmt.Sprintf(details, s.user), "ghp_boss")
				got := fmt.Sprint(r.status)
				if r.status == 200 {
					got = decodeSeats(t, r).String()
				}
				if got != s.seats {
					t.Fatalf("%s: %s's seats are %s, want %s", s.name, s.user, got, s.seats)
				}
			}
		}
		// The cancellations take effect on the enterprise's cycle day:
		// hank's team seat and dave's enterprise seat end; carol keeps
		// her direct seat; dave keeps his org's.
		e.clock.Set(time.Date(2026, 4, 14, 23, 59, 59, 0, time.UTC))
		if got := decodeSeats(t, e.do("GET", list, "ghp_bill")).TotalSeats; got != 3 {
			t.Fatalf("the second before the cycle: %d seat holders, want 3", got)
		}
		e.clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
		if got, want := decodeSeats(t, e.do("GET", list, "ghp_bill")).String(), "2: carol@enterprise, dave@widgets"; got != want {
			t.Fatalf("on the cycle day the enterprise lists %s, want %s", got, want)
		}
	})
}

// TestControlEnterprise sets an enterprise up through the control API —
// its own Copilot, a direct member, a billing manager, activity — and
// checks each change through GitHub's enterprise routes.
func TestControlEnterprise(t *testing.T) {
	const doc = `users: [{login: boss}, {login: bill}, {login: carol}]
enterprises: [{slug: acme, owners: [boss]}]
tokens:
  - {token: ghp_boss, kind: classic, user: boss, scopes: [manage_billing:copilot]}
  - {token: ghp_bill, kind: classic, user: bill, scopes: [manage_billing:copilot]}
`
	const (
		ctl  = "/_seatkeeper/enterprises/acme"
		list = "/enterprises/acme/copilot/billing/seats"
	)
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC), doc, serverConfig{})
		steps := []struct {
			method, path, token, body string
			status                    int
			answer                    string
		}{
			{"POST", "/enterprises/acme/copilot/billing/selected_users", "ghp_boss", `{"selected_usernames":["carol"]}`, 422,
				"Copilot Business is not enabled for this enterprise."},
			{"PUT", ctl + "/copilot", adminToken, `{"seat_management_setting":"assign_all"}`, 422, "assign_all"},
			{"PUT", ctl + "/copilot", adminToken, `{"public_code_suggestions":"block","billing_cycle_day":9}`, 201, `"enterprise":"acme"`},
			{"PUT", ctl + "/copilot", adminToken, `{"plan_type":"enterprise"}`, 200, `"billing_cycle_day":9`},
			{"PUT", "/_seatkeeper/enterprises/nope/copilot", adminToken, `{}`, 404, `No enterprise named \"nope\".`},
			{"POST", "/enterprises/acme/copilot/billing/selected_users", "ghp_boss", `{"selected_usernames":["carol"]}`, 404,
				"One or more users do not exist in this enterprise: carol"},
			{"PUT", ctl + "/members/carol", adminToken, ``, 201, `"role":"member"`},
			{"PUT", ctl + "/members/carol", adminToken, ``, 200, `"user":"carol"`},
			{"POST", "/enterprises/acme/copilot/billing/selected_users", "ghp_boss", `{"selected_usernames":["carol"]}`, 201, `{"seats_created":1}`},
			{"POST", ctl + "/members/carol/copilot/activity", adminToken, `{"last_activity_editor":"vscode/1.0","last_activity_at":"2026-03-19T08:00:00Z"}`,
				200, `"enterprise":"acme"`},
			{"GET", list, "ghp_boss", ``, 200, `"last_activity_at":"2026-03-19T08:00:00Z"`},
			{"GET", list, "ghp_bill", ``, 403, "Must be an enterprise owner or billing manager to access this resource."},
			{"PUT", ctl + "/billing_managers/bill", adminToken, ``, 201, `"role":"billing_manager"`},
			{"GET", list, "ghp_bill", ``, 200, `"total_seats":1`},
			{"DELETE", "/enterprises/acme/copilot/billing/selected_users", "ghp_bill", `{"selected_usernames":["carol"]}`, 403,
				"Must be an enterprise owner to access this resource."},
			{"DELETE", ctl + "/billing_managers/bill", adminToken, ``, 204, ``},
			{"DELETE", ctl + "/billing_managers/bill", adminToken, ``, 404, "bill is not a billing_manager of the enterprise acme."},
			{"GET", list, "ghp_bill", ``, 403, "Must be an enterprise owner or billing manager to access this resource."},
			// Leaving the enterprise ends the seat at once.
			{"DELETE", ctl + "/members/carol", adminToken, ``, 204, ``},
			{"GET", list, "ghp_boss", ``, 200, `{"total_seats":0,"seats":[]}`},
			{"POST", ctl + "/members/carol/copilot/activity", adminToken, `{}`, 404, "No seat found for this user in this enterprise."},
			{"PUT", ctl + "/members/carol", adminToken, ``, 201, ``},
			{"POST", "/enterprises/acme/copilot/billing/selected_users", "ghp_boss", `{"selected_usernames":["carol"]}`, 201, `{"seats_created":1}`},
			{"DELETE", ctl + "/copilot", adminToken, ``, 204, ``},
			{"DELETE", ctl + "/copilot", adminToken, ``, 204, ``},
			{"GET", list, "ghp_boss", ``, 200, `{"total_seats":0,"seats":[]}`},
		}
		for _, s := range steps {
			r := e.doBody(s.method, s.path, s.token, s.body)
			if r.status != s.status || !strings.Contains(string(r.body), s.answer) {
				t.Fatalf("%s %s %s: %d %s, want %d with %q", s.method, s.path, s.body, r.status, r.body, s.status, s.answer)
			}
		}
	})
}
