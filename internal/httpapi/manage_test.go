package httpapi_test

import (
	"encoding/json"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// manageScenario is an org where seats can be managed. The clock starts at
// 2026-03-20T12:00:00Z; cycles start on the 15th.
const manageScenario = `
users:
  - {login: owner}
  - {login: ann}
  - {login: bob}
  - {login: cat}
  - {login: dan}
  - {login: invitee}
  - {login: stranger}
organizations:
  - login: acme
    copilot: {seat_management_setting: assign_selected, public_code_suggestions: block, billing_cycle_day: 15}
    members:
      - {login: owner, role: admin}
      - {login: ann}
      - {login: bob}
      - {login: cat}
      - {login: dan}
      - {login: invitee, state: pending}
    teams:
      - {name: Platform, slug: platform, members: [bob]}
      - {name: Platform Juniors, slug: platform-juniors, parent: platform, members: [cat]}
      - {name: Empty Team, slug: empty-team}
  - login: unconfigured-policy
    copilot: {seat_management_setting: assign_selected, public_code_suggestions: unconfigured}
    members: [{login: owner, role: admin}]
  - login: unconfigured-access
    copilot: {seat_management_setting: unconfigured, public_code_suggestions: allow}
    members: [{login: owner, role: admin}]
  - login: everyone
    copilot: {seat_management_setting: assign_all, public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}]
  - login: nobody
    copilot: {seat_management_setting: disabled, public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: ann}]
  - login: off
    members: [{login: owner, role: admin}]
tokens:
  - {token: ghp_billing, kind: classic, user: owner, scopes: [manage_billing:copilot]}
  - {token: ghp_adminorg, kind: classic, user: owner, scopes: [admin:org]}
  - {token: ghp_writeorg, kind: classic, user: owner, scopes: [write:org]}
  - {token: ghp_readorg, kind: classic, user: owner, scopes: [read:org]}
  - {token: github_pat_read, kind: fine_grained, user: owner, organization: acme, permissions: {organization_copilot_seat_management: read}}
  - {token: github_pat_write, kind: fine_grained, user: owner, organization: acme, permissions: {organization_copilot_seat_management: write}}
  - {token: ghs_write, kind: installation, organization: acme, permissions: {organization_administration: write}}
`

var manageNow = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

func (e *env) json(method, path, token, body string, wantStatus int) map[string]any {
	e.t.Helper()
	r := e.doBody(method, path, token, body)
	if r.status != wantStatus {
		e.t.Fatalf("%s %s %s: status %d, want %d; body %s", method, path, body, r.status, wantStatus, r.body)
	}
	var v map[string]any
	if err := json.Unmarshal(r.body, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

func users(names ...string) string {
	b, _ := json.Marshal(map[string]any{"selected_usernames": names})
	return string(b)
}

func teams(names ...string) string {
	b, _ := json.Marshal(map[string]any{"selected_teams": names})
	return string(b)
}

// logins lists the logins of the org's seats, in list order, with a
// marker for pending cancellation.
func (e *env) logins(org string) string {
	e.t.Helper()
	v := e.json("GET", "/orgs/"+org+"/copilot/billing/seats?per_page=100", "ghp_billing", "", 200)
	var out []string
	for _, s := range v["seats"].([]any) {
		seat := s.(map[string]any)
		l := seat["assignee"].(map[string]any)["login"].(string)
		if seat["pending_cancellation_date"] != nil {
			l += "(" + seat["pending_cancellation_date"].(string) + ")"
		}
		out = append(out, l)
	}
	if int(v["total_seats"].(float64)) != len(out) {
		e.t.Errorf("total_seats %v, listed %d", v["total_seats"], len(out))
	}
	return strings.Join(out, " ")
}

func TestSeatManagementWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, manageNow, manageScenario)
		const path = "/orgs/acme/copilot/billing/selected_users"
		const teamPath = "/orgs/acme/copilot/billing/selected_teams"

		t.Run("refusals", func(t *testing.T) {
			e.t = t
			for _, c := range []struct {
				name, method, path, token, body string
				status                          int
				message                         string
			}{
				{"write:org is not enough", "POST", path, "ghp_writeorg", users("ann"), 404, "Not Found"},
				{"read:org is not enough", "POST", path, "ghp_readorg", users("ann"), 404, "Not Found"},
				{"read permission is not enough", "POST", path, "github_pat_read", users("ann"), 403, "Resource not accessible by personal access token"},
				{"bad JSON", "POST", path, "ghp_billing", `{"selected_usernames": [`, 400, "Problems parsing JSON"},
				{"not an object", "POST", path, "ghp_billing", `["ann"]`, 400, "Body should be a JSON object"},
				{"missing field", "POST", path, "ghp_billing", `{}`, 422, "Invalid request.\n\n\"selected_usernames\" wasn't supplied."},
				{"empty list", "DELETE", path, "ghp_billing", `{"selected_usernames": []}`, 422, "Invalid request.\n\nFor 'properties/selected_usernames', [] has fewer than 1 items."},
				{"wrong type", "POST", path, "ghp_billing", `{"selected_usernames": "ann"}`, 422, "Invalid request.\n\nFor 'properties/selected_usernames', \"ann\" is not an array."},
				{"wrong item type", "POST", teamPath, "ghp_billing", `{"selected_teams": [1]}`, 422, "Invalid request.\n\nFor 'items' of \"selected_teams\", 1 is not a string."},
				{"unknown users", "POST", path, "ghp_billing", users("ann", "ghost", "stranger"), 404, "One or more users do not exist in this organization: ghost, stranger"},
				{"unknown users, in any case, named once each in order", "DELETE", path, "ghp_billing", users("Ghost", "ANN", "stranger", "ghost", "invitee", "STRANGER"), 404, "One or more users do not exist in this organization: Ghost, stranger"},
				{"unknown teams", "POST", teamPath, "ghp_billing", teams("platform", "nope", "Nada"), 404, "One or more teams do not exist in this organization: nope, Nada"},
				{"team without members", "POST", teamPath, "ghp_billing", teams("Empty Team"), 404, "Team Empty Team has no members"},
				{"copilot off", "POST", "/orgs/off/copilot/billing/selected_users", "ghp_billing", users("owner"), 422, "Copilot Business is not enabled for this organization."},
				{"no suggestions policy", "POST", "/orgs/unconfigured-policy/copilot/billing/selected_users", "ghp_billing", users("owner"), 422, "An organization owner must configure a public code suggestions policy for this organization."},
				{"no access policy", "DELETE", "/orgs/unconfigured-access/copilot/billing/selected_teams", "ghp_billing", teams("x"), 422, "Your organization has access to GitHub Copilot but has not configured its user access policy. Enable access for selected members in order to manage seats via the API."},
				{"assign_all", "POST", "/orgs/everyone/copilot/billing/selected_users", "ghp_billing", users("ann"), 422, "Your organization has enabled Copilot access for all members. Enable access for selected members in order to manage seats via the API."},
				{"disabled", "POST", "/orgs/nobody/copilot/billing/selected_users", "ghp_billing", users("ann"), 422, "Your organization has disabled Copilot access for all members. Enable access for selected members in order to manage seats via the API."},
			} {
				t.Run(c.name, func(t *testing.T) {
					e.t = t
					v := e.json(c.method, c.path, c.token, c.body, c.status)
					if v["message"] != c.message {
						t.Errorf("message %q, want %q", v["message"], c.message)
					}
				})
			}
			e.t = t
			if got := e.logins("acme"); got != "" {
				t.Errorf("refused writes changed seats: %q", got)
			}
		})

		t.Run("lifecycle", func(t *testing.T) {
			e.t = t
			steps := []struct {
				name, method, path, token, body string
				status                          int
				count                           float64
				seats                           string
			}{
				{"add users, deduplicated, case-insensitively", "POST", path, "ghp_billing", users("ann", "ANN", "dan"), 201, 2, "ann dan"},
				{"adding again counts nothing", "POST", path, "ghp_adminorg", users("ann"), 201, 0, "ann dan"},
				{"a pending invitee may be given a seat, not yet listed", "POST", path, "ghp_billing", users("invitee"), 201, 1, "ann dan"},
				{"add a team counts its subtree", "POST", teamPath, "github_pat_write", teams("platform"), 201, 2, "ann bob cat dan"},
				{"adding the team again counts nothing", "POST", teamPath, "ghp_billing", teams("PLATFORM"), 201, 0, "ann bob cat dan"},
				{"cancel a user: pending until the next cycle", "DELETE", path, "ghp_billing", users("ann"), 200, 1, "ann(2026-04-15) bob cat dan"},
				{"cancelling again counts nothing", "DELETE", path, "ghp_billing", users("ann"), 200, 0, "ann(2026-04-15) bob cat dan"},
				{"a member without a seat counts nothing", "DELETE", path, "ghp_billing", users("owner"), 200, 0, "ann(2026-04-15) bob cat dan"},
				{"a seat held through a team cannot be cancelled, and nothing changes", "DELETE", path, "ghp_billing", users("dan", "cat"), 422, -1, "ann(2026-04-15) bob cat dan"},
				{"re-adding a pending seat revives it and counts", "POST", path, "ghs_write", users("ann"), 201, 1, "ann bob cat dan"},
				{"a direct grant beside a team grant", "POST", path, "ghp_billing", users("bob"), 201, 1, "ann bob cat dan"},
				{"cancel the team", "DELETE", teamPath, "ghp_billing", teams("Platform"), 200, 2, "ann bob cat(2026-04-15) dan"},
			}
			for _, s := range steps {
				t.Run(s.name, func(t *testing.T) {
					e.t = t
					v := e.json(s.method, s.path, s.token, s.body, s.status)
					if s.count >= 0 {
						key := "seats_created"
						if s.method == "DELETE" {
							key = "seats_cancelled"
						}
						if v[key] != s.count {
							t.Errorf("%s = %v, want %v", key, v[key], s.count)
						}
					} else if v["message"] != "Seat assignment could not be cancelled: user cat was assigned via team Platform." {
						t.Errorf("message %q", v["message"])
					}
					if got := e.logins("acme"); got != s.seats {
						t.Errorf("seats %q, want %q", got, s.seats)
					}
				})
			}
			e.t = t
			// The cycle turns: cat's seat ends, the rest stay.
			e.clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
			if got := e.logins("acme"); got != "ann bob dan" {
				t.Errorf("after the cycle: %q", got)
			}
		})
	})
}

func TestBillingAgreesWithTheList(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, manageNow, manageScenario)
		e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("ann", "dan", "invitee"), 201)
		e.json("POST", "/orgs/acme/copilot/billing/selected_teams", "ghp_billing", teams("platform"), 201)
		e.json("DELETE", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("dan"), 200)

		// Next cycle: ann's, bob's and cat's seats were granted last cycle.
		e.clock.Set(time.Date(2026, 3, 30, 0, 0, 0, 0, time.UTC))
		e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("owner"), 201)
		v := e.json("GET", "/orgs/acme/copilot/billing", "ghp_readorg", "", 200)
		got, _ := json.Marshal(v["seat_breakdown"])
		want := `{"active_this_cycle":0,"added_this_cycle":5,"inactive_this_cycle":5,"pending_cancellation":1,"pending_invitation":1,"total":5}`
		if string(got) != want {
			t.Errorf("seat_breakdown %s, want %s", got, want)
		}
		if v["seat_management_setting"] != "assign_selected" || v["public_code_suggestions"] != "block" || v["plan_type"] != "business" {
			t.Errorf("billing %v", v)
		}
		e.clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
		v = e.json("GET", "/orgs/acme/copilot/billing", "github_pat_read", "", 200)
		got, _ = json.Marshal(v["seat_breakdown"])
		want = `{"active_this_cycle":0,"added_this_cycle":0,"inactive_this_cycle":4,"pending_cancellation":0,"pending_invitation":1,"total":4}`
		if string(got) != want {
			t.Errorf("next cycle seat_breakdown %s, want %s", got, want)
		}
		if r := e.do("GET", "/orgs/off/copilot/billing", "ghp_readorg"); r.status != 422 {
			t.Errorf("billing without copilot: %d", r.status)
		}
		v = e.json("GET", "/orgs/everyone/copilot/billing", "ghp_readorg", "", 200)
		if v["seat_breakdown"].(map[string]any)["total"] != 2.0 {
			t.Errorf("assign_all seats every member: %v", v)
		}
		v = e.json("GET", "/orgs/nobody/copilot/billing", "ghp_readorg", "", 200)
		if v["seat_breakdown"].(map[string]any)["total"] != 0.0 {
			t.Errorf("disabled seats nobody: %v", v)
		}
	})
}

// TestCancellationDates covers the billing-cycle edges of a cancellation:
// the date is the first day of the next cycle, whatever the month.
func TestCancellationDates(t *testing.T) {
	for _, c := range []struct {
		day  int
		now  string
		want string
	}{
		{15, "2026-03-20T12:00:00Z", "2026-04-15"},
		{15, "2026-03-14T23:59:59Z", "2026-03-15"},
		{15, "2026-03-15T00:00:00Z", "2026-04-15"},
		{1, "2026-01-31T23:59:59Z", "2026-02-01"},
		{1, "2026-12-31T10:00:00Z", "2027-01-01"},
		{28, "2026-02-28T00:00:00Z", "2026-03-28"},
		{28, "2026-02-27T23:59:59Z", "2026-02-28"},
		{28, "2024-02-29T12:00:00Z", "2024-03-28"},
		{28, "2026-12-28T00:00:00Z", "2027-01-28"},
	} {
		t.Run(fmt.Sprintf("day %d at %s", c.day, c.now), func(t *testing.T) {
			storetest.Each(t, func(t *testing.T, st *store.Store) {
				now, _ := time.Parse(time.RFC3339, c.now)
				doc := strings.Replace(manageScenario, "billing_cycle_day: 15", fmt.Sprintf("billing_cycle_day: %d", c.day), 1)
				e := newEnv(t, st, now.Add(-time.Hour), doc)
				e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("ann"), 201)
				e.clock.Set(now)
				e.json("DELETE", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("ann"), 200)
				s := getSeatAs(t, e, "acme", "ann", "ghp_billing")
				if s.PendingCancellationDate == nil || *s.PendingCancellationDate != c.want {
					t.Fatalf("pending_cancellation_date %v, want %s", s.PendingCancellationDate, c.want)
				}
				cut, _ := time.Parse("2006-01-02", c.want)
				e.clock.Set(cut.Add(-time.Second))
				getSeatAs(t, e, "acme", "ann", "ghp_billing")
				e.clock.Set(cut)
				if r := e.do("GET", "/orgs/acme/members/ann/copilot", "ghp_billing"); r.status != 404 {
					t.Errorf("at the cancellation date: %d", r.status)
				}
				// Re-adding after the seat ended is a new grant, dated now.
				e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_billing", users("ann"), 201)
				if s := getSeatAs(t, e, "acme", "ann", "ghp_billing"); s.CreatedAt != cut.Format(time.RFC3339) {
					t.Errorf("re-added created_at %s", s.CreatedAt)
				}
			})
		})
	}
}

func TestSeatListPaging(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		var b strings.Builder
		b.WriteString("users:\n  - {login: owner}\n")
		for i := range 7 {
			fmt.Fprintf(&b, "  - {login: u%d}\n", i)
		}
		b.WriteString("organizations:\n  - login: big\n    id: 500\n    copilot: {public_code_suggestions: allow}\n    members:\n      - {login: owner, role: admin}\n")
		for i := range 7 {
			fmt.Fprintf(&b, "      - {login: u%d}\n", i)
		}
		b.WriteString("    seats:\n")
		// Granted in reverse order: the list is oldest first.
		for i := range 7 {
			fmt.Fprintf(&b, "      - {user: u%d, created_at: \"2026-01-%02dT00:00:00Z\"}\n", i, 20-i)
		}
		b.WriteString("tokens:\n  - {token: ghp_t, kind: classic, user: owner, scopes: [read:org]}\n")
		e := newEnv(t, st, manageNow, b.String())

		r := e.do("GET", "/orgs/big/copilot/billing/seats", "ghp_t")
		if r.header.Get("Link") != "" {
			t.Errorf("one page has a Link: %s", r.header.Get("Link"))
		}
		var seen []string
		for p := 1; p <= 4; p++ {
			r := e.do("GET", fmt.Sprintf("/orgs/big/copilot/billing/seats?per_page=2&page=%d", p), "ghp_t")
			var v struct {
				TotalSeats int `json:"total_seats"`
				Seats      []struct {
					Assignee struct{ Login string } `json:"assignee"`
				} `json:"seats"`
			}
			json.Unmarshal(r.body, &v)
			if v.TotalSeats != 7 {
				t.Errorf("page %d total_seats %d", p, v.TotalSeats)
			}
			for _, s := range v.Seats {
				seen = append(seen, s.Assignee.Login)
			}
			link := r.header.Get("Link")
			base := "http://seatkeeper.test/orgs/big/copilot/billing/seats?"
			want := map[int]string{
				1: `<` + base + `page=2&per_page=2>; rel="next", <` + base + `page=4&per_page=2>; rel="last"`,
				2: `<` + base + `page=1&per_page=2>; rel="prev", <` + base + `page=3&per_page=2>; rel="next", <` + base + `page=4&per_page=2>; rel="last", <` + base + `page=1&per_page=2>; rel="first"`,
				4: `<` + base + `page=3&per_page=2>; rel="prev", <` + base + `page=1&per_page=2>; rel="first"`,
			}
			if w, ok := want[p]; ok && link != w {
				t.Errorf("page %d Link\n got %s\nwant %s", p, link, w)
			}
		}
		if got := strings.Join(seen, " "); got != "u6 u5 u4 u3 u2 u1 u0" {
			t.Errorf("pages gave %q", got)
		}
		if r := e.do("GET", "/orgs/big/copilot/billing/seats?per_page=2&page=9", "ghp_t"); !strings.Contains(string(r.body), `"seats":[]`) ||
			!strings.Contains(string(r.body), `"total_seats":7`) {
			t.Errorf("past the end: %s", r.body)
		}
		r = e.do("GET", "/api/v3/organizations/500/copilot/billing/seats?page=2&per_page=5", "ghp_t")
		if r.status != 200 || !strings.Contains(r.header.Get("Link"), "<http://seatkeeper.test/api/v3/organizations/500/copilot/billing/seats?page=1&per_page=5>; rel=\"prev\"") {
			t.Errorf("by org id under /api/v3: %d %s", r.status, r.header.Get("Link"))
		}
		for _, q := range []string{"per_page=500", "per_page=0", "per_page=x&page=-3"} {
			r := e.do("GET", "/orgs/big/copilot/billing/seats?"+q, "ghp_t")
			if r.status != 200 || !strings.Contains(string(r.body), `"login":"u0"`) {
				t.Errorf("%s: %d", q, r.status)
			}
		}
		if r := e.do("GET", "/organizations/abc/copilot/billing/seats", "ghp_t"); r.status != 404 {
			t.Errorf("non-numeric org id: %d", r.status)
		}
	})
}

func getSeatAs(t *testing.T, e *env, org, user, token string) seat {
	t.Helper()
	r := e.do("GET", "/orgs/"+org+"/members/"+user+"/copilot", token)
	if r.status != 200 {
		t.Fatalf("GET seat of %s: %d %s", user, r.status, r.body)
	}
	e.spec.ValidateSchema(t, "copilot-seat-details", r.body)
	var s seat
	json.Unmarshal(r.body, &s)
	return s
}
