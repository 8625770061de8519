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

// dirScenario is the world of the user, organization, team and admin
// tests. The clock starts at 2026-03-20T12:00:00Z; acme's billing cycles
// start on the 15th, so a seat cancelled now ends on 2026-04-15.
const dirScenario = `
users:
  - {login: owner, name: Olive Owner, email: owner@example.com}
  - {login: newcomer}
  - {login: ann, email: ann@example.com}
  - {login: bob}
  - {login: cat}
  - {login: dan}
  - {login: invitee}
  - {login: stranger}
  - {login: admin, site_admin: true}
  - {login: boss}
enterprises:
  - slug: acme-ent
    name: Acme Enterprise
    owners: [boss]
    teams: [{name: Everyone, members: [ann]}]
organizations:
  - login: acme
    enterprise: acme-ent
    description: Acme builds things.
    copilot: {seat_management_setting: assign_selected, public_code_suggestions: block, billing_cycle_day: 15}
    members:
      - {login: owner, role: admin}
      - {login: ann}
      - {login: bob, public: true}
      - {login: cat}
      - {login: dan}
      - {login: invitee, state: pending}
    teams:
      - {name: Platform, slug: platform, privacy: closed, description: Runs the platform., members: [bob]}
      - {name: Platform Juniors, slug: platform-juniors, parent: platform, members: [cat]}
      - {name: Secret Squad, slug: secret-squad, privacy: secret, members: [dan]}
      - {name: Other, slug: other, privacy: closed}
    seats:
      - {user: ann, created_at: "2026-01-01T00:00:00Z"}
      - {team: platform, created_at: "2026-01-01T00:00:00Z"}
  - login: rival
    members: [{login: stranger, role: admin}]
    teams: [{name: Rival Team, slug: rival-team, privacy: closed}]
tokens:
  - {token: ghp_owner_admin, user: owner, scopes: [admin:org]}
  - {token: ghp_owner_read, user: owner, scopes: [read:org]}
  - {token: ghp_owner_write, user: owner, scopes: [write:org]}
  - {token: ghp_owner_repo, user: owner, scopes: [repo]}
  - {token: ghp_owner_user, user: owner, scopes: [user]}
  - {token: ghp_owner_gist, user: owner, scopes: [gist]}
  - {token: ghp_owner_ent, user: owner, scopes: [admin:enterprise]}
  - {token: ghp_ann_read, user: ann, scopes: [read:org]}
  - {token: ghp_ann_admin, user: ann, scopes: [admin:org]}
  - {token: ghp_dan_read, user: dan, scopes: [read:org]}
  - {token: ghp_bob_write, user: bob, scopes: [write:org]}
  - {token: ghp_invitee_read, user: invitee, scopes: [read:org]}
  - {token: ghp_newcomer_read, user: newcomer, scopes: [read:org]}
  - {token: ghp_newcomer_write, user: newcomer, scopes: [write:org]}
  - {token: ghp_stranger_admin, user: stranger, scopes: [admin:org]}
  - {token: github_pat_owner_members, user: owner, organization: acme, permissions: {members: write}}
  - {token: github_pat_owner_seats, user: owner, organization: acme, permissions: {organization_copilot_seat_management: write}}
  - {token: github_pat_owner_rival, user: owner, organization: rival, permissions: {members: write}}
  - {token: ghs_acme_members, organization: acme, permissions: {members: write}}
  - {token: ghs_acme_seats, organization: acme, permissions: {organization_copilot_seat_management: read}}
  - {token: ghp_admin_site, user: admin, scopes: [site_admin]}
  - {token: ghp_admin_repo, user: admin, scopes: [repo]}
  - {token: ghp_boss_read, user: boss, scopes: [read:enterprise]}
  - {token: ghp_boss_admin, user: boss, scopes: [admin:enterprise]}
  - {token: github_pat_boss, user: boss, organization: acme, permissions: {members: read}}
`

var dirNow = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

// The next billing cycle of acme starts on this day: the date a seat
// cancelled in the scenario ends.
const dirNextCycle = "2026-04-15"

func newDirEnv(t *testing.T, st *store.Store) *env {
	return newEnv(t, st, dirNow, dirScenario)
}

// call sends a request and fails the test unless it answers status.
func (e *env) call(method, path, token, body string, status int, headers ...string) response {
	e.t.Helper()
	r := e.doBody(method, path, token, body, headers...)
	if r.status != status {
		e.t.Fatalf("%s %s %s: status %d, want %d; body %s", method, path, body, r.status, status, r.body)
	}
	return r
}

// decodeAs decodes a response body.
func decodeAs[T any](t *testing.T, r response) T {
	t.Helper()
	var v T
	if err := json.Unmarshal(r.body, &v); err != nil {
		t.Fatalf("decode %s: %v", r.body, err)
	}
	return v
}

// refusal is one request that must be refused with status and message.
type refusal struct {
	name, method, path, token, body string
	status                          int
	message                         string
}

func (e *env) refuse(t *testing.T, cases []refusal) {
	t.Helper()
	defer func() { e.t = t }()
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			r := e.doBody(c.method, c.path, c.token, c.body)
			be := decodeAs[basicError](t, r)
			if r.status != c.status || be.Message != c.message {
				t.Errorf("%s %s: %d %q, want %d %q", c.method, c.path, r.status, be.Message, c.status, c.message)
			}
		})
	}
}

// loginsOf lists the logins of a JSON array of users.
func loginsOf(t *testing.T, r response) string {
	t.Helper()
	var out []string
	for _, u := range decodeAs[[]map[string]any](t, r) {
		out = append(out, u["login"].(string))
	}
	return strings.Join(out, " ")
}

// seatLogins lists the holders of acme's seats, in list order, each
// followed by its pending cancellation date, if any.
func (e *env) seatLogins() string {
	e.t.Helper()
	v := decodeAs[map[string]any](e.t, e.call("GET", "/orgs/acme/copilot/billing/seats", "ghp_owner_read", "", 200))
	var out []string
	for _, s := range v["seats"].([]any) {
		seat := s.(map[string]any)
		l := seat["assignee"].(map[string]any)["login"].(string)
		if d, ok := seat["pending_cancellation_date"].(string); ok {
			l += "(" + d + ")"
		}
		out = append(out, l)
	}
	return strings.Join(out, " ")
}

// seatOf returns the seat-details body of user in acme, or the refusal.
func (e *env) seatOf(user string) (int, map[string]any) {
	e.t.Helper()
	r := e.do("GET", "/orgs/acme/members/"+user+"/copilot", "ghp_owner_read")
	var v map[string]any
	json.Unmarshal(r.body, &v)
	return r.status, v
}

// wantSeat checks user's seat in acme: held, pending cancellation on the
// date given ("" for none), through the team slug given ("" for none).
func (e *env) wantSeat(user, pending, team string) {
	e.t.Helper()
	status, v := e.seatOf(user)
	if status != 200 {
		e.t.Fatalf("seat of %s: %d %v", user, status, v)
	}
	gotPending, _ := v["pending_cancellation_date"].(string)
	gotTeam := ""
	if at, ok := v["assigning_team"].(map[string]any); ok {
		gotTeam = at["slug"].(string)
	}
	if gotPending != pending || gotTeam != team {
		e.t.Errorf("seat of %s: pending %q team %q, want pending %q team %q", user, gotPending, gotTeam, pending, team)
	}
}

// wantNoSeat checks that user holds no seat in acme, with GitHub's message.
func (e *env) wantNoSeat(user, message string) {
	e.t.Helper()
	status, v := e.seatOf(user)
	if status == 200 || v["message"] != message {
		e.t.Errorf("seat of %s: %d %v, want %q", user, status, v, message)
	}
}

func TestAuthenticatedUser(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)

		t.Run("user scope: private view", func(t *testing.T) {
			e.t = t
			u := decodeAs[map[string]any](t, e.call("GET", "/user", "ghp_owner_user", "", 200))
			if u["login"] != "owner" || u["user_view_type"] != "private" || u["email"] != "owner@example.com" ||
				u["name"] != "Olive Owner" || u["two_factor_authentication"] != false || u["type"] != "User" {
				t.Errorf("GET /user = %v", u)
			}
		})
		t.Run("fine-grained token: private view", func(t *testing.T) {
			e.t = t
			u := decodeAs[map[string]any](t, e.call("GET", "/user", "github_pat_owner_members", "", 200))
			if u["user_view_type"] != "private" {
				t.Errorf("GET /user = %v", u)
			}
		})
		t.Run("no user scope: public view", func(t *testing.T) {
			e.t = t
			u := decodeAs[map[string]any](t, e.call("GET", "/user", "ghp_owner_read", "", 200))
			if u["login"] != "owner" || u["user_view_type"] != "public" || u["two_factor_authentication"] != nil {
				t.Errorf("GET /user = %v", u)
			}
		})
		e.refuse(t, []refusal{
			{"no credentials", "GET", "/user", "", "", 401, "Requires authentication"},
			{"bad credentials", "GET", "/user", "ghp_nope", "", 401, "Bad credentials"},
			{"installation", "GET", "/user", "ghs_acme_members", "", 403, "Resource not accessible by integration"},
		})
	})
}

func TestUsersAndOrgs(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)

		u := decodeAs[map[string]any](t, e.call("GET", "/users/Ann", "ghp_owner_read", "", 200))
		if u["login"] != "ann" || u["email"] != "ann@example.com" || u["user_view_type"] != "public" || u["type"] != "User" {
			t.Errorf("GET /users/Ann = %v", u)
		}
		u = decodeAs[map[string]any](t, e.call("GET", "/users/ann", "", "", 200))
		if u["email"] != nil {
			t.Errorf("email shown without authentication: %v", u["email"])
		}
		u = decodeAs[map[string]any](t, e.call("GET", "/users/acme", "", "", 200))
		if u["type"] != "Organization" || u["login"] != "acme" {
			t.Errorf("GET /users/acme = %v", u)
		}
		e.call("GET", "/users/ghost", "", "", 404)

		o := decodeAs[map[string]any](t, e.call("GET", "/orgs/ACME", "", "", 200))
		if o["login"] != "acme" || o["description"] != "Acme builds things." || o["type"] != "Organization" ||
			o["url"] != "http://seatkeeper.test/orgs/acme" || o["archived_at"] != nil {
			t.Errorf("GET /orgs/ACME = %v", o)
		}
		if r := e.call("GET", "/orgs/acme", "ghp_stranger_admin", "", 200); r.header.Get("ETag") == "" {
			t.Error("no ETag")
		}
		if _, ok := o["twitter_username"]; !ok || o["twitter_username"] != nil {
			t.Errorf("twitter_username %v (present %v): nullable fields are null, not left out", o["twitter_username"], ok)
		}
		// The owner-only fields: to the org's owners (and installation)
		// only; the plan's seats are the memberships, the invitee's too.
		for token, owner := range map[string]bool{"ghp_owner_read": true, "ghs_acme_members": true, "ghp_ann_read": false,
			"ghp_stranger_admin": false, "ghp_owner_gist": false, "": false} {
			o := decodeAs[map[string]any](t, e.call("GET", "/orgs/acme", token, "", 200))
			plan, _ := o["plan"].(map[string]any)
			_, billing := o["billing_email"]
			_, twoFactor := o["two_factor_requirement_enabled"]
			if owner != (plan != nil) || owner != billing || owner != twoFactor {
				t.Errorf("%s: owner fields %v, want %v: %v", token, plan != nil, owner, o)
			}
			if owner && (plan["name"] != "enterprise" || plan["filled_seats"] != 6.0 || o["total_private_repos"] != 0.0 || o["billing_email"] != nil) {
				t.Errorf("%s: plan %v, body %v", token, plan, o)
			}
		}
		e.call("GET", "/orgs/nope", "ghp_owner_read", "", 404)
	})
}

func TestOrgMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		for _, c := range []struct {
			name, path, token, want string
		}{
			{"owner sees every active member", "/orgs/acme/members", "ghp_owner_read", "owner ann bob cat dan"},
			{"a member sees them too", "/orgs/acme/members", "ghp_ann_read", "owner ann bob cat dan"},
			{"installation", "/orgs/acme/members", "ghs_acme_members", "owner ann bob cat dan"},
			{"fine-grained with members", "/orgs/acme/members", "github_pat_owner_members", "owner ann bob cat dan"},
			{"owners", "/orgs/acme/members?role=admin", "ghp_owner_read", "owner"},
			{"members", "/orgs/acme/members?role=member", "ghp_owner_read", "ann bob cat dan"},
			{"no two-factor data", "/orgs/acme/members?filter=2fa_disabled", "ghp_owner_read", ""},
			{"page 2 of 2 a page", "/orgs/acme/members?per_page=2&page=2", "ghp_owner_read", "bob cat"},
			{"past the end", "/orgs/acme/members?page=9", "ghp_owner_read", ""},
			{"no credentials: the public members", "/orgs/acme/members", "", "bob"},
			{"outsider", "/orgs/acme/members", "ghp_stranger_admin", "bob"},
			{"outsider asking for owners: no roles shown", "/orgs/acme/members?role=admin", "ghp_stranger_admin", ""},
			{"pending invitee", "/orgs/acme/members", "ghp_invitee_read", "bob"},
			{"a member's token needs no scope", "/orgs/acme/members", "ghp_owner_gist", "owner ann bob cat dan"},
			{"token without the permission", "/orgs/acme/members", "github_pat_owner_seats", "bob"},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				if got := loginsOf(t, e.call("GET", c.path, c.token, "", 200)); got != c.want {
					t.Errorf("members %q, want %q", got, c.want)
				}
			})
		}
		e.t = t
		// Link names the pages by the org's id, as GitHub does, and that
		// form is served: following it gives the rest of the list.
		var org struct{ ID int64 }
		if err := json.Unmarshal(e.call("GET", "/orgs/acme", "ghp_owner_read", "", 200).body, &org); err != nil {
			t.Fatal(err)
		}
		byID := fmt.Sprintf("http://seatkeeper.test/organizations/%d/members", org.ID)
		r := e.call("GET", "/orgs/acme/members?per_page=2", "ghp_owner_read", "", 200)
		wantLink := `<` + byID + `?page=2&per_page=2>; rel="next", <` + byID + `?page=3&per_page=2>; rel="last"`
		if got := r.header.Get("Link"); got != wantLink {
			t.Errorf("Link = %s, want %s", got, wantLink)
		}
		all := loginsOf(t, e.call("GET", "/orgs/acme/members", "ghp_owner_read", "", 200))
		paged := loginsOf(t, r)
		for n := 2; n <= 3; n++ {
			page := loginsOf(t, e.call("GET", fmt.Sprintf("%s?page=%d&per_page=2", strings.TrimPrefix(byID, "http://seatkeeper.test"), n), "ghp_owner_read", "", 200))
			paged = strings.Trim(paged+" "+page, " ")
		}
		if paged != all {
			t.Errorf("pages by id gave %q, want %q", paged, all)
		}
		e.refuse(t, []refusal{
			{"unknown org", "GET", "/orgs/nope/members", "ghp_owner_read", "", 404, "Not Found"},
			{"bad role", "GET", "/orgs/acme/members?role=owner", "ghp_owner_read", "", 422,
				`Invalid request.` + "\n\n" + `For 'role', "owner" is not a member of ["all", "admin", "member"].`},
		})

		for _, c := range []struct {
			name, user, token string
			status            int
		}{
			{"member", "ann", "ghp_owner_read", 204},
			{"owner", "OWNER", "ghp_ann_read", 204},
			{"pending invitee", "invitee", "ghp_owner_read", 404},
			{"not a member", "stranger", "ghp_owner_read", 404},
			{"no such user", "ghost", "ghp_owner_read", 404},
			{"asked by an outsider", "ann", "ghp_stranger_admin", 302},
			{"asked without credentials", "ann", "", 302},
		} {
			t.Run("check "+c.name, func(t *testing.T) {
				e.t = t
				r := e.call("GET", "/orgs/acme/members/"+c.user, c.token, "", c.status)
				switch c.status {
				case 204:
					if len(r.body) != 0 {
						t.Errorf("204 with a body: %s", r.body)
					}
				case 302:
					if loc := r.header.Get("Location"); loc != "http://seatkeeper.test/orgs/acme/public_members/"+c.user {
						t.Errorf("Location %q", loc)
					}
				case 404:
					if m := decodeAs[basicError](t, r).Message; m != "User does not exist or is not a member of the organization" {
						t.Errorf("message %q", m)
					}
				}
			})
		}
	})
}

// TestOrgScopes: the scopes GitHub accepts and announces on the org and
// membership routes; a token without one is treated as the route treats
// outsiders.
func TestOrgScopes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		const orgScopes = "admin:org, read:org, repo, user, write:org"
		for _, c := range []struct {
			path, accepted string
			status         map[string]int // by token; the others get the first entry's refusal
		}{
			{"/orgs/acme/memberships/ann", orgScopes, map[string]int{
				"ghp_owner_admin": 200, "ghp_owner_read": 200, "ghp_owner_repo": 200, "ghp_owner_user": 200, "ghp_owner_write": 200, "ghp_owner_gist": 404}},
			{"/user/memberships/orgs/acme", orgScopes, map[string]int{
				"ghp_owner_admin": 200, "ghp_owner_read": 200, "ghp_owner_repo": 200, "ghp_owner_user": 200, "ghp_owner_write": 200, "ghp_owner_gist": 404}},
			{"/orgs/acme/members/ann", "read:org, repo, user", map[string]int{
				"ghp_owner_read": 204, "ghp_owner_repo": 204, "ghp_owner_user": 204, "ghp_owner_admin": 204, "ghp_owner_gist": 302}},
			{"/orgs/acme/members", "", map[string]int{"ghp_owner_gist": 200, "": 200}},
			{"/orgs/acme", orgScopes, map[string]int{"ghp_owner_gist": 200, "ghp_owner_read": 200, "": 200}},
			{"/users/ann", "", map[string]int{"ghp_owner_gist": 200, "": 200}},
		} {
			for token, status := range c.status {
				t.Run(c.path+" "+token, func(t *testing.T) {
					e.t = t
					r := e.call("GET", c.path, token, "", status)
					if got, ok := r.header["X-Accepted-Oauth-Scopes"]; !ok || got[0] != c.accepted {
						t.Errorf("X-Accepted-OAuth-Scopes %q (present %v), want %q", got, ok, c.accepted)
					}
					if _, ok := r.header["X-Accepted-Github-Permissions"]; ok {
						t.Errorf("X-Accepted-GitHub-Permissions to a classic token: %v", r.header)
					}
				})
			}
		}
		e.t = t
		if r := e.call("GET", "/orgs/acme/memberships/ann", "github_pat_owner_members", "", 200); r.header.Get("X-Accepted-GitHub-Permissions") != "members=read; organization_administration=read" {
			t.Errorf("fine-grained token told %q", r.header.Get("X-Accepted-GitHub-Permissions"))
		}
	})
}

// TestPublicMembers: the public list and check for anyone, and a member
// making their own membership public or private.
func TestPublicMembers(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		public := func(want string) {
			t.Helper()
			if got := loginsOf(t, e.call("GET", "/orgs/acme/public_members", "", "", 200)); got != want {
				t.Errorf("public members %q, want %q", got, want)
			}
		}
		public("bob")
		e.call("GET", "/orgs/acme/public_members/bob", "", "", 204)
		e.call("GET", "/orgs/acme/public_members/ann", "ghp_owner_read", "", 404)
		e.call("GET", "/orgs/acme/public_members/ghost", "", "", 404)

		e.call("PUT", "/orgs/acme/public_members/ANN", "ghp_ann_admin", "", 204)
		e.call("PUT", "/orgs/acme/public_members/ann", "ghp_ann_admin", "", 204) // again: no change
		public("ann bob")
		e.call("GET", "/orgs/acme/members/ann", "ghp_stranger_admin", "", 302)
		e.call("GET", "/orgs/acme/public_members/ann", "ghp_stranger_admin", "", 204)
		if got := loginsOf(t, e.call("GET", "/orgs/acme/members", "", "", 200)); got != "ann bob" {
			t.Errorf("members seen by the public %q", got)
		}
		e.call("DELETE", "/orgs/acme/public_members/bob", "ghp_bob_write", "", 204)
		e.call("DELETE", "/orgs/acme/public_members/bob", "ghp_bob_write", "", 204)
		public("ann")

		// Leaving the org takes the public membership with it.
		e.call("DELETE", "/orgs/acme/members/ann", "ghp_owner_admin", "", 204)
		public("")

		e.refuse(t, []refusal{
			{"someone else's", "PUT", "/orgs/acme/public_members/dan", "ghp_owner_admin", "", 403,
				"You can only change the visibility of your own membership."},
			{"not a member", "PUT", "/orgs/acme/public_members/stranger", "ghp_stranger_admin", "", 404, "Not Found"},
			{"an invitation", "PUT", "/orgs/acme/public_members/invitee", "ghp_invitee_read", "", 404, "Not Found"},
			{"without write:org", "PUT", "/orgs/acme/public_members/dan", "ghp_dan_read", "", 404, "Not Found"},
			{"no credentials", "PUT", "/orgs/acme/public_members/dan", "", "", 401, "Requires authentication"},
			{"installation", "DELETE", "/orgs/acme/public_members/dan", "ghs_acme_members", "", 403, "Resource not accessible by integration"},
			{"unknown org", "GET", "/orgs/nope/public_members", "", "", 404, "Not Found"},
		})
	})
}

// membership is the decoded org-membership body.
type membership struct {
	URL          string         `json:"url"`
	State        string         `json:"state"`
	Role         string         `json:"role"`
	Organization map[string]any `json:"organization"`
	User         map[string]any `json:"user"`
}

func TestOrgMemberships(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		const path = "/orgs/acme/memberships/"

		t.Run("read", func(t *testing.T) {
			e.t = t
			for _, c := range []struct {
				name, user, token, state, role string
			}{
				{"owner reads a member", "ann", "ghp_owner_read", "active", "member"},
				{"owner reads an invitation", "invitee", "ghp_owner_read", "pending", "member"},
				{"member reads a member", "bob", "ghp_ann_read", "active", "member"},
				{"member reads the owner", "owner", "ghp_ann_read", "active", "admin"},
				{"installation", "ann", "ghs_acme_members", "active", "member"},
			} {
				m := decodeAs[membership](t, e.call("GET", path+c.user, c.token, "", 200))
				if m.State != c.state || m.Role != c.role || m.Organization["login"] != "acme" ||
					m.URL != "http://seatkeeper.test/orgs/acme/memberships/"+m.User["login"].(string) {
					t.Errorf("%s: %+v", c.name, m)
				}
			}
		})
		e.t = t
		e.refuse(t, []refusal{
			{"no credentials", "GET", path + "ann", "", "", 401, "Requires authentication"},
			{"unknown org", "GET", "/orgs/nope/memberships/ann", "ghp_owner_read", "", 404, "Not Found"},
			{"classic token without the scope", "GET", path + "ann", "ghp_owner_gist", "", 404, "Not Found"},
			{"fine-grained without the permission", "GET", path + "ann", "github_pat_owner_seats", "", 403, "Resource not accessible by personal access token"},
			{"fine-grained for another org", "GET", path + "ann", "github_pat_owner_rival", "", 403, "Resource not accessible by personal access token"},
			{"installation without the permission", "GET", path + "ann", "ghs_acme_seats", "", 403, "Resource not accessible by integration"},
			{"outsider", "GET", path + "ann", "ghp_stranger_admin", "", 404, "Not Found"},
			{"pending invitee", "GET", path + "ann", "ghp_invitee_read", "", 404, "Not Found"},
			{"a member does not see invitations", "GET", path + "invitee", "ghp_ann_read", "", 404, "Not Found"},
			{"no membership", "GET", path + "stranger", "ghp_owner_read", "", 404, "Not Found"},
			{"no such user", "GET", path + "ghost", "ghp_owner_read", "", 404, "Not Found"},
			{"set without admin:org", "PUT", path + "stranger", "ghp_owner_write", "", 404, "Not Found"},
			{"set by a member", "PUT", path + "stranger", "ghp_ann_admin", "", 404, "Not Found"},
			{"set by an outsider", "PUT", path + "stranger", "ghp_stranger_admin", "", 404, "Not Found"},
			{"set by fine-grained without the permission", "PUT", path + "stranger", "github_pat_owner_seats", "", 403, "Resource not accessible by personal access token"},
			{"set an unknown role", "PUT", path + "ann", "ghp_owner_admin", `{"role":"owner"}`, 422,
				"Invalid request.\n\nFor 'properties/role', \"owner\" is not a member of [\"admin\", \"member\"]."},
			{"set a role that is not a string", "PUT", path + "ann", "ghp_owner_admin", `{"role":1}`, 422,
				"Invalid request.\n\nFor 'properties/role', 1 is not a string."},
			{"set with a body that is not an object", "PUT", path + "ann", "ghp_owner_admin", `[]`, 400, "Body should be a JSON object"},
			{"set an unknown user", "PUT", path + "ghost", "ghp_owner_admin", "", 404, "Not Found"},
			{"demote the last owner", "PUT", path + "owner", "ghp_owner_admin", `{"role":"member"}`, 403, "You cannot demote the last owner of an organization."},
			{"remove the last owner", "DELETE", path + "owner", "ghp_owner_admin", "", 403, "You cannot remove the last owner of an organization."},
			{"remove without admin:org", "DELETE", path + "ann", "ghp_owner_read", "", 404, "Not Found"},
			{"remove a non-member", "DELETE", path + "stranger", "ghp_owner_admin", "", 404, "Not Found"},
			{"remove by a member", "DELETE", "/orgs/acme/members/bob", "ghp_ann_admin", "", 404, "Not Found"},
		})

		t.Run("invite, promote, demote, remove", func(t *testing.T) {
			e.t = t
			m := decodeAs[membership](t, e.call("PUT", path+"Stranger", "ghp_owner_admin", "null", 200))
			if m.State != "pending" || m.Role != "member" || m.User["login"] != "stranger" {
				t.Errorf("invite: %+v", m)
			}
			m = decodeAs[membership](t, e.call("PUT", path+"newcomer", "github_pat_owner_members", `{"role":"admin"}`, 200))
			if m.State != "pending" || m.Role != "admin" {
				t.Errorf("invite as owner: %+v", m)
			}
			m = decodeAs[membership](t, e.call("PUT", path+"ann", "ghp_owner_admin", `{"role":"admin"}`, 200))
			if m.State != "active" || m.Role != "admin" {
				t.Errorf("promote: %+v", m)
			}
			// Two owners now: the first may step down, and the role is kept
			// when none is given.
			m = decodeAs[membership](t, e.call("PUT", path+"owner", "ghp_owner_admin", `{}`, 200))
			if m.Role != "admin" {
				t.Errorf("no role given: %+v", m)
			}
			m = decodeAs[membership](t, e.call("PUT", path+"owner", "ghp_owner_admin", `{"role":"member"}`, 200))
			if m.State != "active" || m.Role != "member" {
				t.Errorf("demote: %+v", m)
			}
			// Ann is the only owner now; the installation still acts as one.
			e.call("DELETE", path+"stranger", "ghs_acme_members", "", 204)
			e.call("GET", path+"stranger", "ghp_ann_admin", "", 404)
			e.call("DELETE", "/orgs/acme/members/owner", "ghp_ann_admin", "", 204)
			e.call("GET", "/orgs/acme/members/owner", "ghp_ann_read", "", 404)
			if got := loginsOf(t, e.call("GET", "/orgs/acme/members", "ghp_ann_read", "", 200)); got != "ann bob cat dan" {
				t.Errorf("members after removals: %s", got)
			}
		})
	})
}

// invitation is the decoded organization-invitation body.
type invitation struct {
	ID        int64          `json:"id"`
	Login     string         `json:"login"`
	Role      string         `json:"role"`
	TeamCount int            `json:"team_count"`
	Inviter   map[string]any `json:"inviter"`
}

func TestInvitationAcceptFlow(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)

		// An owner adds someone outside the org to a team that holds a
		// grant: they are invited, and on the team pending acceptance.
		tm := decodeAs[map[string]any](t, e.call("PUT", "/orgs/acme/teams/platform/memberships/newcomer", "ghp_owner_admin", `{"role":"maintainer"}`, 200))
		if tm["state"] != "pending" || tm["role"] != "maintainer" {
			t.Errorf("team membership of an outsider: %v", tm)
		}
		e.wantNoSeat("newcomer", "User has a pending organization invitation.")
		m := decodeAs[membership](t, e.call("GET", "/user/memberships/orgs/acme", "ghp_newcomer_read", "", 200))
		if m.State != "pending" || m.Role != "member" {
			t.Errorf("own membership: %+v", m)
		}
		invs := decodeAs[[]invitation](t, e.call("GET", "/orgs/acme/invitations", "ghp_owner_read", "", 200))
		if len(invs) != 2 || invs[0].Login != "invitee" || invs[0].Inviter["login"] != "ghost" ||
			invs[1].Login != "newcomer" || invs[1].Inviter["login"] != "owner" || invs[1].TeamCount != 1 ||
			invs[1].Role != "direct_member" || invs[0].ID == invs[1].ID {
			t.Errorf("invitations: %+v", invs)
		}
		if got := loginsOf(t, e.call("GET", "/orgs/acme/teams/platform/members", "ghp_owner_read", "", 200)); got != "bob cat" {
			t.Errorf("team members before acceptance: %s", got)
		}

		e.refuse(t, []refusal{
			{"no credentials", "PATCH", "/user/memberships/orgs/acme", "", `{"state":"active"}`, 401, "Requires authentication"},
			{"installation", "PATCH", "/user/memberships/orgs/acme", "ghs_acme_members", `{"state":"active"}`, 403, "Resource not accessible by integration"},
			{"read:org cannot accept", "PATCH", "/user/memberships/orgs/acme", "ghp_newcomer_read", `{"state":"active"}`, 404, "Not Found"},
			{"another state", "PATCH", "/user/memberships/orgs/acme", "ghp_newcomer_write", `{"state":"inactive"}`, 422,
				"Invalid request.\n\nFor 'properties/state', \"inactive\" is not a member of [\"active\"]."},
			{"no state", "PATCH", "/user/memberships/orgs/acme", "ghp_newcomer_write", `{}`, 422, "Invalid request.\n\n\"state\" wasn't supplied."},
			{"bad JSON", "PATCH", "/user/memberships/orgs/acme", "ghp_newcomer_write", `{`, 400, "Problems parsing JSON"},
			{"unknown org", "PATCH", "/user/memberships/orgs/nope", "ghp_newcomer_write", `{"state":"active"}`, 404, "Not Found"},
			{"no membership", "PATCH", "/user/memberships/orgs/rival", "ghp_newcomer_write", `{"state":"active"}`, 404, "Not Found"},
			{"no membership to read", "GET", "/user/memberships/orgs/rival", "ghp_newcomer_read", "", 404, "Not Found"},
			{"invitations for members", "GET", "/orgs/acme/invitations", "ghp_ann_read", "", 404, "Not Found"},
			{"invitations without a scope", "GET", "/orgs/acme/invitations", "ghp_owner_repo", "", 404, "Not Found"},
		})
		e.t = t

		// The invitee accepts with their own token: the team, and the seat
		// it carries, take effect at once.
		m = decodeAs[membership](t, e.call("PATCH", "/user/memberships/orgs/ACME", "ghp_newcomer_write", `{"state":"active"}`, 200))
		if m.State != "active" || m.Role != "member" || m.User["login"] != "newcomer" {
			t.Errorf("accepted: %+v", m)
		}
		e.wantSeat("newcomer", "", "platform")
		tm = decodeAs[map[string]any](t, e.call("GET", "/orgs/acme/teams/platform/memberships/newcomer", "ghp_owner_read", "", 200))
		if tm["state"] != "active" || tm["role"] != "maintainer" {
			t.Errorf("team membership after acceptance: %v", tm)
		}
		invs = decodeAs[[]invitation](t, e.call("GET", "/orgs/acme/invitations", "ghp_owner_read", "", 200))
		if len(invs) != 1 || invs[0].Login != "invitee" {
			t.Errorf("invitations after acceptance: %+v", invs)
		}
		// Accepting again changes nothing.
		e.call("PATCH", "/user/memberships/orgs/acme", "ghp_newcomer_write", `{"state":"active"}`, 200)
		if got := loginsOf(t, e.call("GET", "/orgs/acme/members", "ghp_newcomer_read", "", 200)); got != "owner newcomer ann bob cat dan" {
			t.Errorf("members: %s", got)
		}
	})
}

func TestLeavingTheOrgEndsTheSeat(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		e.wantSeat("ann", "", "")
		e.wantSeat("bob", "", "platform")

		// A direct seat, through DELETE members.
		e.call("DELETE", "/orgs/acme/members/ann", "ghp_owner_admin", "", 204)
		e.wantNoSeat("ann", "User does not exist in this organization.")

		// A team seat left pending by leaving the team, then the org,
		// through DELETE memberships: nothing is left to list or bill.
		e.call("DELETE", "/orgs/acme/teams/platform/memberships/bob", "ghp_owner_admin", "", 204)
		e.wantSeat("bob", dirNextCycle, "platform")
		e.call("DELETE", "/orgs/acme/memberships/bob", "ghp_owner_admin", "", 204)
		e.wantNoSeat("bob", "User does not exist in this organization.")

		// Coming back starts from nothing: no seat, no team.
		e.call("PUT", "/orgs/acme/memberships/bob", "ghp_owner_admin", "", 200)
		e.call("PATCH", "/user/memberships/orgs/acme", "ghp_bob_write", `{"state":"active"}`, 200)
		e.wantNoSeat("bob", "No seat found for this user in this organization.")
		e.call("GET", "/orgs/acme/teams/platform/memberships/bob", "ghp_owner_read", "", 404)
		if got := e.seatLogins(); got != "cat" {
			t.Errorf("seats after leaving: %s", got)
		}
		billing := decodeAs[map[string]any](t, e.call("GET", "/orgs/acme/copilot/billing", "ghp_owner_read", "", 200))
		if b := billing["seat_breakdown"].(map[string]any); b["total"] != 1.0 || b["pending_cancellation"] != 0.0 {
			t.Errorf("billing: %v", b)
		}
	})
}
