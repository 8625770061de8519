package httpapi_test

import (
	"context"
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/bootstrap"
	"github.com/seatkeeper/seatkeeper/internal/clock"
	"github.com/seatkeeper/seatkeeper/internal/httpapi"
	"github.com/seatkeeper/seatkeeper/internal/seed"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// adminToken is the bootstrap administrator's token in these tests.
const adminToken = "ghp_controlTestAdminToken0000000000000001"

// newControlEnv is newEnv with the bootstrap administrator made first and
// the server configured by cfg (BaseURL is set here).
func newControlEnv(t *testing.T, st *store.Store, now time.Time, doc string, cfg serverConfig) *env {
	t.Helper()
	api, clk := newControlServer(t, st, now, doc, cfg)
	return startEnv(t, st, clk, api)
}

// newControlServer is newControlEnv's server, not yet serving.
func newControlServer(t *testing.T, st *store.Store, now time.Time, doc string, cfg serverConfig) (*httpapi.Server, *clock.Clock) {
	t.Helper()
	clk := &clock.Clock{}
	clk.Set(now)
	if _, err := bootstrap.Admin(context.Background(), st, adminToken, clk.Now()); err != nil {
		t.Fatalf("bootstrap: %v", err)
	}
	if doc != "" {
		d, err := seed.Parse([]byte(doc))
		if err != nil {
			t.Fatalf("parse seed: %v", err)
		}
		d.AllowWeakTokens = true // tests give short literal tokens
		if err := d.Load(context.Background(), st, clk.Now()); err != nil {
			t.Fatalf("load seed: %v", err)
		}
	}
	cfg.BaseURL = "http://seatkeeper.test"
	if cfg.RateLimitUnauthenticated == 0 {
		cfg.RateLimitUnauthenticated = 10000
	}
	cfg.Logger = testLogger
	return newServer(cfg, st, clk), clk
}

// want sends a request and fails unless it answers status; it returns the
// body.
func (e *env) want(method, path, token, body string, status int, headers ...string) []byte {
	e.t.Helper()
	r := e.doBody(method, path, token, body, headers...)
	if r.status != status {
		e.t.Fatalf("%s %s %s: status %d, want %d; body %s", method, path, body, r.status, status, r.body)
	}
	return r.body
}

// message is the message of an error body.
func message(t *testing.T, body []byte) string {
	t.Helper()
	var e struct{ Message string }
	if err := json.Unmarshal(body, &e); err != nil {
		t.Fatalf("error body %s: %v", body, err)
	}
	return e.Message
}

// controlScenario: acme has Copilot off at first; ann and bob are members,
// cat is a user only.
const controlScenario = `
users:
  - {login: owner}
  - {login: ann}
  - {login: bob}
  - {login: cat}
  - {login: siteadmin, site_admin: true}
organizations:
  - login: acme
    members: [{login: owner, role: admin}, {login: ann}, {login: bob}]
    teams: [{name: Platform, members: [bob]}]
tokens:
  - {token: ghp_owner, user: owner, scopes: [manage_billing:copilot, admin:org]}
  - {token: ghp_member, user: ann, scopes: [read:org]}
  - {token: ghp_admin_noscope, user: siteadmin, scopes: [admin:org]}
  - {token: ghp_admin_scope, user: siteadmin, scopes: [site_admin]}
  - {token: ghp_user_site_admin_scope, user: ann, scopes: [site_admin]}
  - {token: github_pat_admin, user: siteadmin, organization: acme, permissions: {organization_administration: admin}}
  - {token: ghs_acme, organization: acme, permissions: {organization_administration: admin}}
`

var controlNow = time.Date(2026, 3, 20, 12, 0, 0, 0, time.UTC)

func TestControlAccess(t *testing.T) {
	st := storetest.Open(t, store.SQLite)
	e := newControlEnv(t, st, controlNow, controlScenario, serverConfig{})
	for _, c := range []struct {
		name, token string
		status      int
		message     string
	}{
		{"no token", "", 401, "Requires authentication"},
		{"bad token", "ghp_nope", 401, "Bad credentials"},
		{"an org owner", "ghp_owner", 403, "Must be a site administrator."},
		{"a site_admin scope without the role", "ghp_user_site_admin_scope", 403, "Must be a site administrator."},
		{"a site administrator without the scope", "ghp_admin_noscope", 403, "Must be a site administrator."},
		{"a fine-grained token", "github_pat_admin", 403, "Resource not accessible by personal access token"},
		{"an installation token", "ghs_acme", 403, "Resource not accessible by integration"},
		{"a seeded site administrator", "ghp_admin_scope", 200, ""},
		{"the bootstrap administrator", adminToken, 200, ""},
	} {
		t.Run(c.name, func(t *testing.T) {
			e.t = t
			for _, path := range []string{"/_seatkeeper/clock", "/_seatkeeper/tokens", "/_seatkeeper/export"} {
				body := e.want("GET", path, c.token, "", c.status)
				if c.message != "" && message(t, body) != c.message {
					t.Errorf("%s: message %q, want %q", path, message(t, body), c.message)
				}
			}
		})
	}
	e.t = t
	var doc map[string]any
	if err := json.Unmarshal(e.want("GET", "/_seatkeeper/openapi.json", "", "", 200), &doc); err != nil || doc["openapi"] != "3.0.3" {
		t.Errorf("openapi.json: %v %v", doc["openapi"], err)
	}
	if r := e.do("GET", "/_seatkeeper/nope", adminToken); r.status != 404 {
		t.Errorf("unknown control path: %d", r.status)
	}
}

func TestControlCopilot(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, controlNow, controlScenario, serverConfig{})
		const path = "/_seatkeeper/orgs/acme/copilot"
		if m := message(t, e.want("GET", "/orgs/acme/copilot/billing", "ghp_owner", "", 422)); m != "Copilot Business is not enabled for this organization." {
			t.Fatalf("before: %s", m)
		}

		v := e.json("PUT", path, adminToken, `{"public_code_suggestions": "allow", "billing_cycle_day": 15}`, 201)
		want := map[string]any{"organization": "acme", "plan_type": "business", "seat_management_setting": "assign_selected",
			"public_code_suggestions": "allow", "ide_chat": "unconfigured", "platform_chat": "unconfigured", "cli": "unconfigured",
			"billing_cycle_day": 15.0, "created_at": "2026-03-20T12:00:00Z", "updated_at": "2026-03-20T12:00:00Z"}
		for k, w := range want {
			if v[k] != w {
				t.Errorf("enabled %s = %v, want %v", k, v[k], w)
			}
		}
		b := e.json("GET", "/orgs/acme/copilot/billing", "ghp_owner", "", 200)
		if b["public_code_suggestions"] != "allow" || b["plan_type"] != "business" {
			t.Errorf("billing after enabling: %v", b)
		}

		// A partial body changes only what it names.
		e.clock.Advance(time.Hour)
		v = e.json("PUT", path, adminToken, `{"plan_type": "enterprise", "ide_chat": "enabled", "cli": null}`, 200)
		if v["plan_type"] != "enterprise" || v["ide_chat"] != "enabled" || v["public_code_suggestions"] != "allow" ||
			v["billing_cycle_day"] != 15.0 || v["created_at"] != "2026-03-20T12:00:00Z" || v["updated_at"] != "2026-03-20T13:00:00Z" {
			t.Errorf("changed: %v", v)
		}
		b = e.json("GET", "/orgs/acme/copilot/billing", "ghp_owner", "", 200)
		if b["plan_type"] != "enterprise" || b["ide_chat"] != "enabled" {
			t.Errorf("billing after the change: %v", b)
		}

		for _, c := range []struct{ body, status, message string }{
			{`{"plan_type": "free"}`, "422", `plan_type: "free" is not one of [business enterprise]`},
			{`{"billing_cycle_day": 29}`, "422", "billing_cycle_day: 29 is not between 1 and 28"},
			{`{"billing_cycle_day": "1"}`, "422", "billing_cycle_day: must be an integer"},
			{`{"seats": "all"}`, "422", `unknown field "seats": this body takes billing_cycle_day, cli, ide_chat, plan_type, platform_chat, public_code_suggestions, seat_management_setting`},
			{`[1]`, "400", "Body should be a JSON object"},
		} {
			r := e.doBody("PUT", path, adminToken, c.body)
			if itoa(r.status) != c.status || message(t, r.body) != c.message {
				t.Errorf("%s: %d %q, want %s %q", c.body, r.status, message(t, r.body), c.status, c.message)
			}
		}
		if m := message(t, e.want("PUT", "/_seatkeeper/orgs/nope/copilot", adminToken, `{}`, 404)); m != `No organization named "nope".` {
			t.Errorf("unknown org: %s", m)
		}

		// Seats, then disabling: the seats go too.
		e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_owner", users("ann"), 201)
		if got := e.loginsAs("acme", "ghp_owner"); got != "ann" {
			t.Fatalf("seats %q", got)
		}
		e.want("DELETE", path, adminToken, "", 204)
		e.want("GET", "/orgs/acme/copilot/billing", "ghp_owner", "", 422)
		e.want("DELETE", path, adminToken, "", 204)
		e.json("PUT", path, adminToken, `{"public_code_suggestions": "block"}`, 201)
		if got := e.loginsAs("acme", "ghp_owner"); got != "" {
			t.Errorf("seats survived disabling Copilot: %q", got)
		}
	})
}

func itoa(n int) string { b, _ := json.Marshal(n); return string(b) }

// loginsAs lists the logins of the org's seats, as token sees them.
func (e *env) loginsAs(org, token string) string {
	e.t.Helper()
	v := e.json("GET", "/orgs/"+org+"/copilot/billing/seats?per_page=100", token, "", 200)
	var out []string
	for _, s := range v["seats"].([]any) {
		seat := s.(map[string]any)
		l := seat["assignee"].(map[string]any)["login"].(string)
		if seat["pending_cancellation_date"] != nil {
			l += "(" + seat["pending_cancellation_date"].(string) + ")"
		}
		out = append(out, l)
	}
	return strings.Join(out, " ")
}

func TestControlMembership(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, controlNow, controlScenario, serverConfig{})
		e.json("PUT", "/_seatkeeper/orgs/acme/copilot", adminToken, `{"public_code_suggestions": "allow"}`, 201)

		// cat is not a member: no seat can be given.
		e.want("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_owner", users("cat"), 404)
		v := e.json("PUT", "/_seatkeeper/orgs/acme/memberships/CAT", adminToken, ``, 201)
		if v["user"] != "cat" || v["role"] != "member" || v["state"] != "active" || v["created_at"] != "2026-03-20T12:00:00Z" {
			t.Errorf("new membership %v", v)
		}
		e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_owner", users("cat"), 201)
		if s := getSeatAs(t, e, "acme", "cat", "ghp_owner"); s.Assignee["login"] != "cat" {
			t.Errorf("seat %+v", s)
		}

		// Pending: the seat is hidden behind the invitation.
		v = e.json("PUT", "/_seatkeeper/orgs/acme/memberships/cat", adminToken, `{"state": "pending"}`, 200)
		if v["role"] != "member" || v["state"] != "pending" {
			t.Errorf("pending membership %v", v)
		}
		if m := message(t, e.want("GET", "/orgs/acme/members/cat/copilot", "ghp_owner", "", 422)); m != "User has a pending organization invitation." {
			t.Errorf("pending seat: %s", m)
		}

		// ann becomes an owner: her token may now read seats.
		e.want("GET", "/orgs/acme/copilot/billing/seats", "ghp_member", "", 404)
		e.json("PUT", "/_seatkeeper/orgs/acme/memberships/ann", adminToken, `{"role": "admin"}`, 200)
		e.want("GET", "/orgs/acme/copilot/billing/seats", "ghp_member", "", 200)

		for _, c := range []struct {
			path, body string
			status     int
			message    string
		}{
			{"/_seatkeeper/orgs/acme/memberships/ann", `{"role": "owner"}`, 422, `role: "owner" is not one of admin, member`},
			{"/_seatkeeper/orgs/acme/memberships/ann", `{"state": "invited"}`, 422, `state: "invited" is not one of active, pending`},
			{"/_seatkeeper/orgs/acme/memberships/ann", `{"role": 1}`, 422, "role: must be a string"},
			{"/_seatkeeper/orgs/acme/memberships/ghost", `{}`, 404, `No user named "ghost".`},
			{"/_seatkeeper/orgs/nope/memberships/ann", `{}`, 404, `No organization named "nope".`},
		} {
			if m := message(t, e.want("PUT", c.path, adminToken, c.body, c.status)); m != c.message {
				t.Errorf("%s %s: %q, want %q", c.path, c.body, m, c.message)
			}
		}
	})
}

func TestControlActivity(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, controlNow, controlScenario, serverConfig{})
		const path = "/_seatkeeper/orgs/acme/members/ann/copilot/activity"
		if m := message(t, e.want("POST", path, adminToken, `{}`, 422)); m != "Copilot Business is not enabled for this organization." {
			t.Errorf("without Copilot: %s", m)
		}
		e.json("PUT", "/_seatkeeper/orgs/acme/copilot", adminToken, `{"public_code_suggestions": "allow"}`, 201)
		if m := message(t, e.want("POST", path, adminToken, `{}`, 404)); m != "No seat found for this user in this organization." {
			t.Errorf("without a seat: %s", m)
		}
		e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_owner", users("ann"), 201)

		v := e.json("POST", path, adminToken, `{"last_activity_editor": "vscode/1.99.3/copilot-chat/0.26.7", "last_activity_at": "2026-03-20T10:30:00+02:00"}`, 200)
		if v["last_activity_at"] != "2026-03-20T08:30:00Z" || v["user"] != "ann" {
			t.Errorf("recorded %v", v)
		}
		s := getSeatAs(t, e, "acme", "ann", "ghp_owner")
		if s.LastActivityAt == nil || *s.LastActivityAt != "2026-03-20T08:30:00Z" || s.LastActivityEditor == nil ||
			*s.LastActivityEditor != "vscode/1.99.3/copilot-chat/0.26.7" {
			t.Errorf("seat activity %v %v", s.LastActivityAt, s.LastActivityEditor)
		}
		// The time defaults to now; the billing breakdown counts it.
		v = e.json("POST", path, adminToken, `{"last_activity_editor": "JetBrains-IC/2024.1"}`, 200)
		if v["last_activity_at"] != "2026-03-20T12:00:00Z" {
			t.Errorf("default time %v", v)
		}
		b := e.json("GET", "/orgs/acme/copilot/billing", "ghp_owner", "", 200)
		if b["seat_breakdown"].(map[string]any)["active_this_cycle"] != 1.0 {
			t.Errorf("breakdown %v", b["seat_breakdown"])
		}
		// A sign-in alone keeps the use recorded.
		v = e.json("POST", path, adminToken, `{"last_authenticated_at": "2026-03-20T13:00:00+01:00"}`, 200)
		if v["last_authenticated_at"] != "2026-03-20T12:00:00Z" || v["last_activity_at"] != "2026-03-20T12:00:00Z" || v["last_activity_editor"] != "JetBrains-IC/2024.1" {
			t.Errorf("sign-in recorded %v", v)
		}
		if s := getSeatAs(t, e, "acme", "ann", "ghp_owner"); s.LastAuthenticatedAt == nil || *s.LastAuthenticatedAt != "2026-03-20T12:00:00Z" {
			t.Errorf("seat last_authenticated_at %v", s.LastAuthenticatedAt)
		}

		// bob holds a seat through his team.
		e.json("POST", "/orgs/acme/copilot/billing/selected_teams", "ghp_owner", teams("platform"), 201)
		e.json("POST", "/_seatkeeper/orgs/acme/members/bob/copilot/activity", adminToken, `{}`, 200)

		for _, c := range []struct {
			path, body string
			status     int
			message    string
		}{
			{path, `{"last_activity_at": "yesterday"}`, 422, `last_activity_at: "yesterday" is not an RFC 3339 time such as 2026-03-01T09:00:00Z`},
			{path, `{"editor": "x"}`, 422, `unknown field "editor": this body takes last_activity_at, last_activity_editor, last_authenticated_at`},
			{path, `{"last_activity_editor": "x", "last_authenticated_at": "2026-03-20T13:00:00Z"}`, 422, "last_activity_editor needs last_activity_at"},
			{path, `{"last_authenticated_at": "now"}`, 422, `last_authenticated_at: "now" is not an RFC 3339 time such as 2026-03-01T09:00:00Z`},
			{"/_seatkeeper/orgs/acme/members/cat/copilot/activity", `{}`, 404, "User does not exist in this organization."},
			{"/_seatkeeper/orgs/acme/members/ghost/copilot/activity", `{}`, 404, "Not Found"},
		} {
			if m := message(t, e.want("POST", c.path, adminToken, c.body, c.status)); m != c.message {
				t.Errorf("%s %s: %q, want %q", c.path, c.body, m, c.message)
			}
		}
	})
}

type tokenJSON struct {
	ID           int64             `json:"id"`
	Token        string            `json:"token"`
	Kind         string            `json:"kind"`
	Hint         string            `json:"hint"`
	User         *string           `json:"user"`
	Organization *string           `json:"organization"`
	Scopes       []string          `json:"scopes"`
	Permissions  map[string]string `json:"permissions"`
	ExpiresAt    *string           `json:"expires_at"`
	RevokedAt    *string           `json:"revoked_at"`
	Note         string            `json:"note"`
}

func TestControlTokens(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, controlNow, controlScenario, serverConfig{})
		e.json("PUT", "/_seatkeeper/orgs/acme/copilot", adminToken, `{"public_code_suggestions": "allow"}`, 201)
		e.json("POST", "/orgs/acme/copilot/billing/selected_users", "ghp_owner", users("ann"), 201)

		var tok tokenJSON
		mustDecode(t, e.want("POST", "/_seatkeeper/tokens", adminToken,
			`{"kind": "classic", "user": "owner", "scopes": ["read:org"], "note": "ci", "expires_at": "2026-04-01T00:00:00+02:00"}`, 201), &tok)
		if !auth.WellFormed(tok.Token) || tok.Kind != "classic" || tok.Hint != auth.Hint(tok.Token) || *tok.User != "owner" ||
			tok.Organization != nil || tok.Note != "ci" || *tok.ExpiresAt != "2026-03-31T22:00:00Z" {
			t.Errorf("created %+v", tok)
		}
		stored, err := st.TokenByHash(context.Background(), auth.Hash(tok.Token))
		if err != nil || stored.ID != tok.ID {
			t.Fatalf("stored %+v, %v", stored, err)
		}
		// It works against the GitHub API.
		getSeatAs(t, e, "acme", "ann", tok.Token)

		var pat tokenJSON
		mustDecode(t, e.want("POST", "/_seatkeeper/tokens", adminToken,
			`{"kind": "fine_grained", "user": "owner", "organization": "ACME", "permissions": {"organization_copilot_seat_management": "read"}}`, 201), &pat)
		if !strings.HasPrefix(pat.Token, "github_pat_") || *pat.Organization != "acme" || pat.Permissions["organization_copilot_seat_management"] != "read" {
			t.Errorf("fine-grained %+v", pat)
		}
		getSeatAs(t, e, "acme", "ann", pat.Token)
		var inst tokenJSON
		mustDecode(t, e.want("POST", "/_seatkeeper/tokens", adminToken,
			`{"kind": "installation", "organization": "acme", "permissions": {"organization_copilot_seat_management": "write"}}`, 201), &inst)
		if !strings.HasPrefix(inst.Token, "ghs_") || inst.User != nil {
			t.Errorf("installation %+v", inst)
		}

		for _, c := range []struct{ body, message string }{
			{`{}`, "kind: required: one of classic, oauth, fine_grained, installation"},
			{`{"kind": "pat", "user": "owner"}`, `kind: "pat" is not one of classic, oauth, fine_grained, installation`},
			{`{"kind": "classic"}`, "user: required for classic tokens"},
			{`{"kind": "classic", "user": "ghost"}`, `user: unknown user "ghost"`},
			{`{"kind": "classic", "user": "owner", "organization": "acme"}`, "organization: classic tokens have no organization"},
			{`{"kind": "oauth", "user": "owner", "permissions": {"members": "read"}}`, "permissions: oauth tokens have scopes, not permissions"},
			{`{"kind": "fine_grained", "user": "owner", "organization": "acme"}`, "permissions: required for fine_grained tokens"},
			{`{"kind": "installation", "organization": "acme", "permissions": {"members": "all"}}`, `permissions.members: "all" is not one of read, write, admin`},
			{`{"kind": "classic", "user": "owner", "expires_at": "soon"}`, `expires_at: "soon" is not an RFC 3339 timestamp such as 2021-08-03T18:00:00-06:00`},
			{`{"kind": "classic", "user": "owner", "scopes": "repo"}`, "scopes: must be an array of strings"},
			{`{"kind": "classic", "user": "owner", "token": "mine"}`, `unknown field "token": this body takes expires_at, kind, note, organization, permissions, scopes, user`},
		} {
			if m := message(t, e.want("POST", "/_seatkeeper/tokens", adminToken, c.body, 422)); m != c.message {
				t.Errorf("%s: %q, want %q", c.body, m, c.message)
			}
		}

		var list []tokenJSON
		body := e.want("GET", "/_seatkeeper/tokens", adminToken, "", 200)
		mustDecode(t, body, &list)
		if strings.Contains(string(body), tok.Token) || strings.Contains(string(body), `"token"`) {
			t.Errorf("the list shows secrets: %s", body)
		}
		if len(list) != 11 || list[len(list)-1].ID != inst.ID || list[0].Note != bootstrap.Note {
			t.Errorf("list of %d: first %+v, last %+v", len(list), list[0], list[len(list)-1])
		}

		e.want("DELETE", "/_seatkeeper/tokens/"+itoa(int(tok.ID)), adminToken, "", 204)
		if m := message(t, e.want("GET", "/orgs/acme/members/ann/copilot", tok.Token, "", 401)); m != "Bad credentials" {
			t.Errorf("revoked: %s", m)
		}
		e.want("DELETE", "/_seatkeeper/tokens/"+itoa(int(tok.ID)), adminToken, "", 204)
		mustDecode(t, e.want("GET", "/_seatkeeper/tokens", adminToken, "", 200), &list)
		listed := false
		for _, l := range list {
			if l.ID == tok.ID {
				listed = true
				if l.RevokedAt == nil || *l.RevokedAt != "2026-03-20T12:00:00Z" {
					t.Errorf("revoked token listed as %+v", l)
				}
			}
		}
		if !listed {
			t.Errorf("the revoked token %d is not listed: %+v", tok.ID, list)
		}
		if m := message(t, e.want("DELETE", "/_seatkeeper/tokens/9999", adminToken, "", 404)); m != "No token with id 9999." {
			t.Errorf("unknown id: %s", m)
		}
		e.want("DELETE", "/_seatkeeper/tokens/abc", adminToken, "", 404)
	})
}

func TestControlClock(t *testing.T) {
	doc2 := strings.Replace(controlScenario, "    teams: [{name: Platform, members: [bob]}]\ntokens:", "    teams: [{name: Platform, members: [bob]}]\n    copilot: {public_code_suggestions: allow}\n    seats: [{user: ann, created_at: \"2026-01-01T00:00:00Z\", pending_cancellation_date: \"2026-04-01\"}]\ntokens:", 1)
	t.Run("refused", func(t *testing.T) {
		e := newControlEnv(t, storetest.Open(t, store.SQLite), controlNow, doc2, serverConfig{})
		v := e.json("GET", "/_seatkeeper/clock", adminToken, "", 200)
		if v["now"] != "2026-03-20T12:00:00Z" || v["frozen"] != true || v["control_allowed"] != false {
			t.Errorf("clock %v", v)
		}
		for _, method := range []string{"PUT", "DELETE"} {
			m := message(t, e.want(method, "/_seatkeeper/clock", adminToken, `{"now": "2026-04-01T00:00:00Z"}`, 403))
			if m != "Clock control is disabled on this server: start it with --allow-clock-control to set or release the clock." {
				t.Errorf("%s: %s", method, m)
			}
		}
		if !e.clock.Now().Equal(controlNow) {
			t.Error("a refused request moved the clock")
		}
	})
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, controlNow, doc2, serverConfig{AllowClockControl: true})
		if got := e.loginsAs("acme", "ghp_owner"); got != "ann(2026-04-01)" {
			t.Fatalf("seats %q", got)
		}
		v := e.json("PUT", "/_seatkeeper/clock", adminToken, `{"now": "2026-04-01T01:59:59+02:00"}`, 200)
		if v["now"] != "2026-03-31T23:59:59Z" || v["frozen"] != true || v["control_allowed"] != true {
			t.Errorf("set %v", v)
		}
		if got := e.loginsAs("acme", "ghp_owner"); got != "ann(2026-04-01)" {
			t.Errorf("a second before: %q", got)
		}
		e.json("PUT", "/_seatkeeper/clock", adminToken, `{"now": "2026-04-01T00:00:00Z"}`, 200)
		if got := e.loginsAs("acme", "ghp_owner"); got != "" {
			t.Errorf("at the cancellation date: %q", got)
		}
		for _, c := range []struct{ body, message string }{
			{`{}`, "now: required: an RFC 3339 time such as 2026-03-01T09:00:00Z"},
			{`{"now": "2026-04-01"}`, `now: "2026-04-01" is not an RFC 3339 time such as 2026-03-01T09:00:00Z`},
		} {
			if m := message(t, e.want("PUT", "/_seatkeeper/clock", adminToken, c.body, 422)); m != c.message {
				t.Errorf("%s: %s", c.body, m)
			}
		}
		v = e.json("DELETE", "/_seatkeeper/clock", adminToken, "", 200)
		if v["frozen"] != false || e.clock.IsSet() {
			t.Errorf("released %v", v)
		}
		if at, _ := time.Parse(time.RFC3339, v["now"].(string)); time.Since(at) > time.Minute {
			t.Errorf("released clock at %v", v["now"])
		}
	})
}

func TestControlSeedExportReset(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, controlNow, "", serverConfig{})
		v := e.json("POST", "/_seatkeeper/seed", adminToken, controlScenario, 201)
		if v["users"] != 5.0 || v["organizations"] != 1.0 || v["tokens"] != 7.0 || v["enterprises"] != 0.0 {
			t.Errorf("seeded %v", v)
		}
		// All or nothing, with the seed's message.
		bad := "users: [{login: dora}]\norganizations: [{login: beta, members: [{login: ghost}]}]\n"
		if m := message(t, e.want("POST", "/_seatkeeper/seed", adminToken, bad, 422)); m != `organizations[0] (beta).members[0].login: unknown user "ghost"` {
			t.Errorf("bad seed: %s", m)
		}
		if _, err := st.UserByLogin(context.Background(), "dora"); err == nil {
			t.Error("a failed seed wrote a user")
		}
		if m := message(t, e.want("POST", "/_seatkeeper/seed", adminToken, `{"users": [{"login": "owner"}]}`, 422)); m != `users[0].login: duplicate login "owner" (a user already in the database)` {
			t.Errorf("JSON seed: %s", m)
		}

		// Export: JSON by default, YAML on request; no admin, no revoked token.
		exp := e.want("GET", "/_seatkeeper/export", adminToken, "", 200)
		yml := e.want("GET", "/_seatkeeper/export", adminToken, "", 200, "Accept: application/yaml")
		for name, body := range map[string][]byte{"json": exp, "yaml": yml} {
			if strings.Contains(string(body), bootstrap.Login) || strings.Contains(string(body), auth.Hash(adminToken)) {
				t.Errorf("%s export holds the bootstrap administrator", name)
			}
			if !strings.Contains(string(body), auth.Hash("ghp_owner")) || strings.Contains(string(body), "ghp_owner\"") {
				t.Errorf("%s export lacks the owner's token hash, or holds its literal", name)
			}
		}
		if !strings.HasPrefix(string(yml), "users:\n") {
			t.Errorf("YAML export starts %q", yml[:min(len(yml), 40)])
		}

		e.want("POST", "/_seatkeeper/reset", adminToken, "", 204)
		if _, err := st.UserByLogin(context.Background(), "owner"); err == nil {
			t.Error("reset kept a user")
		}
		e.want("GET", "/orgs/acme/copilot/billing", "ghp_owner", "", 401)
		var list []tokenJSON
		mustDecode(t, e.want("GET", "/_seatkeeper/tokens", adminToken, "", 200), &list)
		if len(list) != 1 || *list[0].User != bootstrap.Login {
			t.Errorf("tokens after reset %+v", list)
		}

		// The YAML export loads back; ghp_owner works again.
		e.json("POST", "/_seatkeeper/seed", adminToken, string(yml), 201)
		e.want("GET", "/orgs/acme/copilot/billing", "ghp_owner", "", 422)
		if again := e.want("GET", "/_seatkeeper/export", adminToken, "", 200); string(again) != string(exp) {
			t.Errorf("export after the round trip differs:\n%s\n%s", exp, again)
		}
	})
}

func TestHealthAndMetrics(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		seeded := strings.Replace(controlScenario, "    teams: [{name: Platform, members: [bob]}]\n",
			"    teams: [{name: Platform, members: [bob]}]\n    copilot: {public_code_suggestions: allow}\n    seats: [{user: ann}, {user: bob, pending_cancellation_date: \"2026-04-01\"}]\n", 1)
		e := newControlEnv(t, st, controlNow, seeded, serverConfig{Config: httpapi.Config{RateLimitUnauthenticated: 2}})
		for range 5 { // never rate limited, whatever the limit
			if v := e.json("GET", "/healthz", "", "", 200); v["status"] != "ok" {
				t.Errorf("healthz %v", v)
			}
		}
		v := e.json("GET", "/readyz", "", "", 200)
		if v["status"] != "ok" || v["schema_version"] != float64(store.LatestSchemaVersion(st.Dialect())) {
			t.Errorf("readyz %v", v)
		}
		e.json("GET", "/orgs/acme/copilot/billing/seats", "ghp_owner", "", 200)
		e.want("GET", "/orgs/acme/copilot/billing/seats", "ghp_member", "", 404)
		e.want("GET", "/nowhere", "", "", 404)

		// On the API's address the metrics take a site administrator's
		// token; on their own address, none.
		e.want("GET", "/metrics", "", "", 401)
		e.want("GET", "/metrics", "ghp_owner", "", 403)
		body := string(e.want("GET", "/metrics", adminToken, "", 200))
		if scraped := e.scrape(); !strings.Contains(scraped, "# TYPE seatkeeper_copilot_seats gauge\n") {
			t.Errorf("metrics address:\n%s", scraped)
		}
		for _, want := range []string{
			"# TYPE seatkeeper_http_requests_total counter\n",
			`seatkeeper_http_requests_total{route="GET /orgs/{org}/copilot/billing/seats",status="200"} 1` + "\n",
			`seatkeeper_http_requests_total{route="GET /orgs/{org}/copilot/billing/seats",status="404"} 1` + "\n",
			`seatkeeper_http_requests_total{route="GET /healthz",status="200"} 5` + "\n",
			`seatkeeper_http_requests_total{route="unmatched",status="404"} 1` + "\n",
			"# TYPE seatkeeper_http_request_duration_seconds histogram\n",
			`seatkeeper_http_request_duration_seconds_bucket{route="GET /orgs/{org}/copilot/billing/seats",le="+Inf"} 2` + "\n",
			`seatkeeper_http_request_duration_seconds_count{route="GET /orgs/{org}/copilot/billing/seats"} 2` + "\n",
			"# TYPE seatkeeper_copilot_seats gauge\n",
			`seatkeeper_copilot_seats{org="acme",state="active"} 1` + "\n",
			`seatkeeper_copilot_seats{org="acme",state="pending_cancellation"} 1` + "\n",
			"# TYPE go_goroutines gauge\n",                 // the Go runtime's metrics
			"# TYPE process_resident_memory_bytes gauge\n", // the process's
		} {
			if !strings.Contains(body, want) {
				t.Errorf("metrics lack %q", want)
			}
		}
		// Seats are counted at scrape time, on the service clock.
		e.clock.Set(time.Date(2026, 4, 1, 0, 0, 0, 0, time.UTC))
		body = e.scrape()
		if !strings.Contains(body, `seatkeeper_copilot_seats{org="acme",state="pending_cancellation"} 0`) {
			t.Errorf("after the cancellation date:\n%s", body)
		}

		st.Close()
		if m := message(t, e.want("GET", "/readyz", "", "", 503)); m != "The database is unreachable." {
			t.Errorf("readyz without a database: %s", m)
		}
		e.want("GET", "/healthz", "", "", 200)
	})
}

// mustDecode decodes a JSON body into v, failing the test when it cannot.
func mustDecode(t *testing.T, body []byte, v any) {
	t.Helper()
	if err := json.Unmarshal(body, v); err != nil {
		t.Fatalf("decode %s: %v", body, err)
	}
}

// TestControlSeedRefusesWeakTokens: without --allow-weak-tokens, POST
// /_seatkeeper/seed refuses a guessable literal token with a 422 naming
// its entry, never the token, and writes nothing.
func TestControlSeedRefusesWeakTokens(t *testing.T) {
	e := newControlEnv(t, storetest.Open(t, store.SQLite), controlNow, "", serverConfig{RefuseWeakTokens: true})
	doc := "users: [{login: dora}]\ntokens: [{token: ghp_dora2026, user: dora}]\n"
	body := e.want("POST", "/_seatkeeper/seed", adminToken, doc, 422)
	if m := message(t, body); !strings.HasPrefix(m, "tokens[0].token: refused as easy to guess: it has fewer than 20 characters after its prefix.") ||
		strings.Contains(string(body), "dora2026") {
		t.Errorf("weak token: %s", body)
	}
	if _, err := e.st.UserByLogin(context.Background(), "dora"); err == nil {
		t.Error("a refused seed wrote a user")
	}
}

// TestMintingTakesNoLiteral: POST /_seatkeeper/tokens mints the secret
// itself; a literal offered with it is refused (422, naming the field,
// never the literal) and nothing is written.
func TestMintingTakesNoLiteral(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newControlEnv(t, st, controlNow, "users:\n  - {login: octocat}\n", serverConfig{})
		before := storetest.Take(t, st)
		const literal = "ghp_aaaaaaaaaaaaaaaaaaaaaaaa"
		body := e.want("POST", "/_seatkeeper/tokens", adminToken, `{"kind": "classic", "user": "octocat", "token": "`+literal+`"}`, 422)
		if !strings.Contains(string(body), `token`) || strings.Contains(string(body), literal) {
			t.Errorf("refusal: %s", body)
		}
		storetest.Unchanged(t, st, before, "a refused token")
	})
}
