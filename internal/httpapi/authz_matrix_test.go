package httpapi_test

import (
	"context"
	"fmt"
	"regexp"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// The authorization matrix: every route below × every token × every
// caller, each answer checked against an oracle written from GitHub's
// rules (not from the implementation's), and no refusal carrying data.

// matrixCallers is who a user-bound token belongs to: pendingowner was
// invited as an owner (role admin) and has not accepted, so it owns nothing;
// billing manages the enterprise's billing.
var matrixCallers = []string{"owner", "pendingowner", "member", "invitee", "outsider", "rivalowner", "admin", "billing"}

var matrixScopeSets = [][]string{
	{}, {"read:org"}, {"write:org"}, {"admin:org"}, {"manage_billing:copilot"}, {"copilot"},
	{"repo", "user"}, {"site_admin"}, {"read:enterprise"}, {"admin:enterprise"},
}

var matrixPermSets = []map[string]string{
	{"members": "write"},
	{"organization_copilot_seat_management": "read"},
	{"organization_copilot_seat_management": "write"},
	{"organization_administration": "read"},
	{"organization_administration": "write"},
}

type matrixToken struct {
	literal string
	kind    string // classic, oauth, fine_grained, installation, or "bad" with a fixed answer
	caller  string
	scopes  []string
	perms   map[string]string
	org     string
	header  string // a raw Authorization header, for malformed credentials
	badMsg  string
}

func matrixTokens() []matrixToken {
	var out []matrixToken
	for _, c := range matrixCallers {
		for i, s := range matrixScopeSets {
			out = append(out,
				matrixToken{literal: fmt.Sprintf("ghp_m_%s_%d", c, i), kind: "classic", caller: c, scopes: s},
				matrixToken{literal: fmt.Sprintf("gho_m_%s_%d", c, i), kind: "oauth", caller: c, scopes: s})
		}
		for i, p := range matrixPermSets {
			for _, org := range []string{"acme", "rival"} {
				out = append(out, matrixToken{literal: fmt.Sprintf("github_pat_m_%s_%d_%s", c, i, org), kind: "fine_grained", caller: c, perms: p, org: org})
			}
		}
	}
	for i, p := range matrixPermSets {
		for _, org := range []string{"acme", "rival"} {
			out = append(out, matrixToken{literal: fmt.Sprintf("ghs_m_%d_%s", i, org), kind: "installation", perms: p, org: org})
		}
	}
	for _, b := range []struct{ header, msg string }{
		{"", "Requires authentication"},
		{"Bearer", "Bad credentials"},
		{"Basic !!!", "Bad credentials"},
		{"Bearer ghp_unknown", "Bad credentials"},
		{"Bearer ghp_m_expired", "Bad credentials"},
		{"Bearer ghp_m_revoked", "Bad credentials"},
	} {
		out = append(out, matrixToken{kind: "bad", header: b.header, badMsg: b.msg})
	}
	return out
}

// implies is GitHub's scope implication, written out for the oracle.
var implies = map[string][]string{
	"admin:org": {"write:org", "read:org"}, "write:org": {"read:org"},
	"copilot": {"manage_billing:copilot"}, "admin:enterprise": {"read:enterprise"},
}

func hasScope(have []string, want ...string) bool {
	for _, h := range have {
		all := append([]string{h}, implies[h]...)
		for _, w := range want {
			if slices.Contains(all, w) {
				return true
			}
		}
	}
	return false
}

func hasPerm(p map[string]string, write bool) bool {
	ok := func(level string) bool { return level == "write" || (!write && level == "read") }
	return ok(p["organization_copilot_seat_management"]) || ok(p["organization_administration"])
}

// matrixRoute is a request and the policy that governs it.
type matrixRoute struct {
	method, path, body string
	policy             string // copilot-read, copilot-write, site-admin, enterprise
	success            int
}

var matrixRoutes = []matrixRoute{
	{"GET", "/orgs/acme/members/member/copilot", "", "copilot-read", 200},
	{"GET", "/orgs/acme/copilot/billing", "", "copilot-read", 200},
	{"GET", "/orgs/acme/copilot/billing/seats", "", "copilot-read", 200},
	{"POST", "/orgs/acme/copilot/billing/selected_users", `{"selected_usernames":["member"]}`, "copilot-write", 201},
	{"DELETE", "/orgs/acme/copilot/billing/selected_users", `{"selected_usernames":["plain"]}`, "copilot-write", 200},
	{"POST", "/orgs/acme/copilot/billing/selected_teams", `{"selected_teams":["crew"]}`, "copilot-write", 201},
	{"DELETE", "/orgs/acme/copilot/billing/selected_teams", `{"selected_teams":["idle"]}`, "copilot-write", 200},
	{"GET", "/enterprises/ent/copilot/billing/seats", "", "enterprise", 200},
	{"GET", "/enterprises/ent/members/member/copilot", "", "enterprise-member-read", 200},
	{"POST", "/enterprises/ent/copilot/billing/selected_users", `{"selected_usernames":["member"]}`, "enterprise-write", 201},
	{"DELETE", "/enterprises/ent/copilot/billing/selected_users", `{"selected_usernames":["loner"]}`, "enterprise-write", 200},
	{"POST", "/enterprises/ent/copilot/billing/selected_enterprise_teams", `{"selected_enterprise_teams":["Squad"]}`, "enterprise-write", 201},
	{"DELETE", "/enterprises/ent/copilot/billing/selected_enterprise_teams", `{"selected_enterprise_teams":["squad"]}`, "enterprise-write", 200},
	{"GET", "/orgs/acme/invitations", "", "owner-read", 200},
	{"PUT", "/orgs/acme/memberships/plain", `{"role":"member"}`, "owner-write", 200},
	{"GET", "/_seatkeeper/tokens", "", "site-admin", 200},
	{"GET", "/_seatkeeper/export", "", "site-admin", 200},
}

// expect is the oracle: the status and message GitHub's rules give.
func expect(rt matrixRoute, tok matrixToken) (int, string) {
	if tok.kind == "bad" {
		return 401, tok.badMsg
	}
	userBound := tok.kind != "installation"
	switch rt.policy {
	case "copilot-read", "copilot-write":
		write := rt.policy == "copilot-write"
		switch tok.kind {
		case "classic", "oauth":
			want := []string{"manage_billing:copilot", "read:org"}
			if write {
				want = []string{"manage_billing:copilot", "admin:org"}
			}
			if !hasScope(tok.scopes, want...) {
				return 404, "Not Found"
			}
		case "fine_grained", "installation":
			if tok.org != "acme" || !hasPerm(tok.perms, write) {
				if tok.kind == "installation" {
					return 403, "Resource not accessible by integration"
				}
				return 403, "Resource not accessible by personal access token"
			}
		}
		if userBound && tok.caller != "owner" {
			return 404, "Not Found"
		}
		return rt.success, ""
	case "owner-read", "owner-write":
		write := rt.policy == "owner-write"
		switch tok.kind {
		case "classic", "oauth":
			want := "read:org"
			if write {
				want = "admin:org"
			}
			if !hasScope(tok.scopes, want) {
				return 404, "Not Found"
			}
		case "fine_grained", "installation":
			ok := func(level string) bool { return level == "write" || (!write && level == "read") }
			if tok.org != "acme" || !(ok(tok.perms["members"]) || ok(tok.perms["organization_administration"])) {
				if tok.kind == "installation" {
					return 403, "Resource not accessible by integration"
				}
				return 403, "Resource not accessible by personal access token"
			}
		}
		if userBound && tok.caller != "owner" {
			return 404, "Not Found"
		}
		return rt.success, ""
	case "enterprise", "enterprise-member-read", "enterprise-write":
		switch tok.kind {
		case "fine_grained":
			return 403, "Resource not accessible by personal access token"
		case "installation":
			return 403, "Resource not accessible by integration"
		}
		scopes := map[string][]string{
			"enterprise":             {"manage_billing:copilot", "read:enterprise"},
			"enterprise-member-read": {"manage_billing:copilot", "read:org"},
			"enterprise-write":       {"manage_billing:copilot", "admin:enterprise"},
		}[rt.policy]
		if !hasScope(tok.scopes, scopes...) {
			return 404, "Not Found"
		}
		switch {
		case tok.caller == "owner", tok.caller == "billing" && rt.policy != "enterprise-write":
			return rt.success, ""
		case tok.caller == "billing":
			return 403, "Must be an enterprise owner to access this resource."
		}
		return 403, "Must be an enterprise owner or billing manager to access this resource."
	case "site-admin":
		switch tok.kind {
		case "fine_grained":
			return 403, "Resource not accessible by personal access token"
		case "installation":
			return 403, "Resource not accessible by integration"
		}
		if tok.caller != "admin" || !slices.Contains(tok.scopes, "site_admin") {
			return 403, "Must be a site administrator."
		}
		return rt.success, ""
	}
	panic("unknown policy " + rt.policy)
}

func matrixScenario(tokens []matrixToken) string {
	var b strings.Builder
	b.WriteString(`users:
  - {login: owner}
  - {login: member}
  - {login: plain}
  - {login: invitee}
  - {login: pendingowner}
  - {login: outsider}
  - {login: rivalowner}
  - {login: admin, site_admin: true}
  - {login: billing}
  - {login: loner}
enterprises:
  - slug: ent
    name: Ent
    owners: [owner]
    billing_managers: [billing]
    members: [loner]
    teams: [{name: Squad, members: [member]}]
    copilot: {public_code_suggestions: allow}
    seats: [{user: loner}]
organizations:
  - login: acme
    enterprise: ent
    copilot: {public_code_suggestions: allow}
    members: [{login: owner, role: admin}, {login: member}, {login: plain}, {login: invitee, state: pending}, {login: pendingowner, role: admin, state: pending}]
    teams: [{name: crew, members: [member]}, {name: idle, members: [plain]}]
    seats: [{user: member}, {team: crew}]
  - login: rival
    members: [{login: rivalowner, role: admin}]
tokens:
  - {token: ghp_m_expired, kind: classic, user: owner, scopes: [admin:org], expires_at: "2020-01-01T00:00:00Z"}
  - {token: ghp_m_revoked, kind: classic, user: owner, scopes: [admin:org]}
`)
	for _, t := range tokens {
		switch t.kind {
		case "classic", "oauth":
			fmt.Fprintf(&b, "  - {token: %s, kind: %s, user: %s, scopes: [%s]}\n", t.literal, t.kind, t.caller, strings.Join(t.scopes, ", "))
		case "fine_grained":
			fmt.Fprintf(&b, "  - {token: %s, kind: fine_grained, user: %s, organization: %s, permissions: %s}\n", t.literal, t.caller, t.org, yamlMap(t.perms))
		case "installation":
			fmt.Fprintf(&b, "  - {token: %s, kind: installation, organization: %s, permissions: %s}\n", t.literal, t.org, yamlMap(t.perms))
		}
	}
	return b.String()
}

func yamlMap(m map[string]string) string {
	var parts []string
	for k, v := range m {
		parts = append(parts, k+": "+v)
	}
	return "{" + strings.Join(parts, ", ") + "}"
}

func TestAuthorizationMatrix(t *testing.T) {
	tokens := matrixTokens()
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newEnv(t, st, manageNow, matrixScenario(tokens))
		tok, err := st.TokenByHash(context.Background(), auth.Hash("ghp_m_revoked"))
		if err != nil {
			t.Fatal(err)
		}
		if err := st.RevokeToken(context.Background(), tok.ID, manageNow.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
		checked := 0
		for _, rt := range matrixRoutes {
			for _, tk := range tokens {
				header := tk.header
				if tk.literal != "" {
					header = "Bearer " + tk.literal
				}
				var hs []string
				if header != "" {
					hs = append(hs, "Authorization: "+header)
				}
				r := e.doBody(rt.method, rt.path, "", rt.body, hs...)
				status, msg := expect(rt, tk)
				name := fmt.Sprintf("%s %s as %s %s %v%v@%s %q", rt.method, rt.path, tk.kind, tk.caller, tk.scopes, tk.perms, tk.org, tk.header)
				if r.status != status {
					t.Errorf("%s: status %d, want %d (%s)", name, r.status, status, r.body)
					continue
				}
				checked++
				if status >= 400 {
					body := string(r.body)
					if !strings.Contains(body, `"message":"`+msg+`"`) {
						t.Errorf("%s: body %s, want message %q", name, body, msg)
					}
					// A refusal never carries data of the org it refused
					// (its documentation_url names the operation's page).
					for _, leak := range []string{`"login"`, "member", "acme", "assignee", "seat_breakdown"} {
						if strings.Contains(docURLField.ReplaceAllString(body, ""), leak) {
							t.Errorf("%s: refusal carries %q: %s", name, leak, body)
						}
					}
				}
			}
		}
		t.Logf("%d answers checked against the oracle", checked)
	})
}

// docURLField matches an error body's documentation_url member.
var docURLField = regexp.MustCompile(`"documentation_url":"[^"]*"`)
