package httpapi_test

import (
	"slices"
	"strconv"
	"strings"
	"testing"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

func TestEnterpriseTeams(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		const path = "/enterprises/acme-ent/teams"

		list := decodeAs[[]map[string]any](t, e.call("GET", path, "ghp_boss_read", "", 200))
		if len(list) != 1 || list[0]["slug"] != "everyone" || list[0]["group_id"] != nil {
			t.Errorf("teams %v", list)
		}
		created := decodeAs[map[string]any](t, e.call("POST", path, "ghp_boss_admin",
			`{"name":"Copilot Pilots","description":"First to fly.","sync_to_organizations":"disabled","group_id":null}`, 201))
		if created["slug"] != "copilot-pilots" || created["name"] != "Copilot Pilots" ||
			created["url"] != "http://seatkeeper.test/enterprises/acme-ent/teams/copilot-pilots" {
			t.Errorf("created %v", created)
		}
		r := e.call("GET", path+"?per_page=1", "ghp_boss_admin", "", 200)
		if got := decodeAs[[]map[string]any](t, r); len(got) != 1 || got[0]["slug"] != "everyone" || !strings.Contains(r.header.Get("Link"), `rel="next"`) {
			t.Errorf("page 1: %v, Link %s", got, r.header.Get("Link"))
		}
		e.refuse(t, []refusal{
			{"no credentials", "GET", path, "", "", 401, "Requires authentication"},
			{"unknown enterprise", "GET", "/enterprises/nope/teams", "ghp_boss_read", "", 404, "Not Found"},
			{"scope that does not fit", "GET", path, "ghp_owner_read", "", 404, "Not Found"},
			{"not an enterprise owner", "GET", path, "ghp_owner_ent", "", 403, "Must be an enterprise owner or billing manager to access this resource."},
			{"fine-grained", "GET", path, "github_pat_boss", "", 403, "Resource not accessible by personal access token"},
			{"installation", "GET", path, "ghs_acme_members", "", 403, "Resource not accessible by integration"},
			{"read:enterprise cannot create", "POST", path, "ghp_boss_read", `{"name":"X"}`, 404, "Not Found"},
			{"no name", "POST", path, "ghp_boss_admin", `{}`, 422, "Invalid request.\n\n\"name\" wasn't supplied."},
			{"unknown sync", "POST", path, "ghp_boss_admin", `{"name":"X","sync_to_organizations":"some"}`, 422,
				"Invalid request.\n\nFor 'properties/sync_to_organizations', \"some\" is not a member of [\"all\", \"disabled\"]."},
			{"taken", "POST", path, "ghp_boss_admin", `{"name":"everyone"}`, 422, "Validation Failed"},
		})
	})
}

func TestAdminAPI(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)

		u := decodeAs[map[string]any](t, e.call("POST", "/admin/users", "ghp_admin_site", `{"login":"octo_cat","email":"octo@example.com"}`, 201))
		if u["login"] != "octo-cat" || u["type"] != "User" || u["site_admin"] != false {
			t.Errorf("created user %v", u)
		}
		o := decodeAs[map[string]any](t, e.call("POST", "/api/v3/admin/organizations", "ghp_admin_site",
			`{"login":"octo-org","admin":"Octo-Cat","profile_name":"Octo Org"}`, 201))
		if o["login"] != "octo-org" || o["url"] != "http://seatkeeper.test/orgs/octo-org" {
			t.Errorf("created org %v", o)
		}
		if full := decodeAs[map[string]any](t, e.call("GET", "/orgs/octo-org", "", "", 200)); full["name"] != "Octo Org" {
			t.Errorf("org profile %v", full)
		}

		// Impersonate the new owner: the token is shown once, only its hash
		// kept; each call makes a new one.
		auth := decodeAs[map[string]any](t, e.call("POST", "/admin/users/octo-cat/authorizations", "ghp_admin_site", `{"scopes":["read:org","admin:org"]}`, 201))
		token, _ := auth["token"].(string)
		if !strings.HasPrefix(token, "gho_") || auth["token_last_eight"] != token[len(token)-8:] ||
			!slices.Equal(toStrings(auth["scopes"]), []string{"read:org", "admin:org"}) ||
			auth["user"].(map[string]any)["login"] != "octo-cat" || auth["hashed_token"] == token {
			t.Errorf("authorization %v", auth)
		}
		again := decodeAs[map[string]any](t, e.call("POST", "/admin/users/octo-cat/authorizations", "ghp_admin_site", `{"scopes":[]}`, 201))
		if again["token"] == token || again["id"] == auth["id"] {
			t.Errorf("second authorization %v", again)
		}
		me := decodeAs[map[string]any](t, e.call("GET", "/user", token, "", 200))
		if me["login"] != "octo-cat" {
			t.Errorf("GET /user as the impersonated user: %v", me)
		}
		m := decodeAs[membership](t, e.call("GET", "/user/memberships/orgs/octo-org", token, "", 200))
		if m.State != "active" || m.Role != "admin" {
			t.Errorf("the admin's membership %+v", m)
		}
		// The impersonation token acts as the owner.
		e.call("PUT", "/orgs/octo-org/memberships/ann", token, "", 200)

		e.call("DELETE", "/admin/users/octo-cat/authorizations", "ghp_admin_site", "", 204)
		for _, tok := range []string{token, again["token"].(string)} {
			if be := decodeAs[basicError](t, e.call("GET", "/user", tok, "", 401)); be.Message != "Bad credentials" {
				t.Errorf("revoked token: %v", be)
			}
		}
		// Nothing left to revoke is fine.
		e.call("DELETE", "/admin/users/octo-cat/authorizations", "ghp_admin_site", "", 204)

		e.refuse(t, []refusal{
			{"no credentials", "POST", "/admin/users", "", `{"login":"x"}`, 401, "Requires authentication"},
			{"not a site administrator", "POST", "/admin/users", "ghp_owner_admin", `{"login":"x"}`, 403, "Must be a site administrator."},
			{"site administrator without the scope", "POST", "/admin/users", "ghp_admin_repo", `{"login":"x"}`, 403, "Must be a site administrator."},
			{"fine-grained", "POST", "/admin/organizations", "github_pat_owner_members", `{"login":"x","admin":"ann"}`, 403, "Resource not accessible by personal access token"},
			{"installation", "POST", "/admin/users/ann/authorizations", "ghs_acme_members", `{"scopes":[]}`, 403, "Resource not accessible by integration"},
			{"impersonation by a non-administrator", "DELETE", "/admin/users/ann/authorizations", "ghp_owner_admin", "", 403, "Must be a site administrator."},
			{"login taken", "POST", "/admin/users", "ghp_admin_site", `{"login":"OCTO-CAT"}`, 422, "Validation Failed"},
			{"login taken by an org", "POST", "/admin/users", "ghp_admin_site", `{"login":"acme"}`, 422, "Validation Failed"},
			{"email taken", "POST", "/admin/users", "ghp_admin_site", `{"login":"other","email":"OCTO@example.com"}`, 422, "Validation Failed"},
			{"no login", "POST", "/admin/users", "ghp_admin_site", `{"email":"x@example.com"}`, 422, "Invalid request.\n\n\"login\" wasn't supplied."},
			{"a login with nothing to keep", "POST", "/admin/users", "ghp_admin_site", `{"login":"__"}`, 422, "Validation Failed"},
			{"org login taken", "POST", "/admin/organizations", "ghp_admin_site", `{"login":"acme","admin":"ann"}`, 422, "Validation Failed"},
			{"org login not in GitHub's form", "POST", "/admin/organizations", "ghp_admin_site", `{"login":"new_org","admin":"ann"}`, 422, "Validation Failed"},
			{"unknown admin", "POST", "/admin/organizations", "ghp_admin_site", `{"login":"new-org","admin":"ghost"}`, 422, "Validation Failed"},
			{"no admin", "POST", "/admin/organizations", "ghp_admin_site", `{"login":"new-org"}`, 422, "Invalid request.\n\n\"admin\" wasn't supplied."},
			{"impersonate an unknown user", "POST", "/admin/users/ghost/authorizations", "ghp_admin_site", `{"scopes":[]}`, 404, "Not Found"},
			{"no scopes", "POST", "/admin/users/ann/authorizations", "ghp_admin_site", `{}`, 422, "Invalid request.\n\n\"scopes\" wasn't supplied."},
			{"a scope with a space", "POST", "/admin/users/ann/authorizations", "ghp_admin_site", `{"scopes":["read org"]}`, 422, "Validation Failed"},
			{"revoke for an unknown user", "DELETE", "/admin/users/ghost/authorizations", "ghp_admin_site", "", 404, "Not Found"},
		})
		// Nothing refused was created.
		e.call("GET", "/users/new-org", "", "", 404)
		e.call("GET", "/users/other", "", "", 404)
	})
}

func toStrings(v any) []string {
	var out []string
	for _, s := range v.([]any) {
		out = append(out, s.(string))
	}
	return out
}

func TestRateLimitAndVersions(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)

		versions := decodeAs[[]string](t, e.call("GET", "/versions", "", "", 200))
		if !slices.Equal(versions, []string{"2026-03-10", "2022-11-28"}) {
			t.Errorf("versions %v", versions)
		}

		type limits struct {
			Resources map[string]struct{ Limit, Remaining, Used int } `json:"resources"`
			Rate      *struct{ Limit, Remaining, Used int }           `json:"rate"`
		}
		e.call("GET", "/orgs/acme", "ghp_ann_read", "", 200)
		first := e.call("GET", "/rate_limit", "ghp_ann_read", "", 200)
		second := decodeAs[limits](t, e.call("GET", "/rate_limit", "ghp_ann_read", "", 200))
		core := second.Resources["core"]
		if core.Limit != 5000 || core.Used != 1 || core.Remaining != 4999 || second.Rate == nil || second.Rate.Used != 1 {
			t.Errorf("rate limit after one counted request and one look: %+v", second)
		}
		if first.header.Get("X-RateLimit-Used") != "1" {
			t.Errorf("X-RateLimit-Used %s: asking counted", first.header.Get("X-RateLimit-Used"))
		}
		// GitHub's resources, as its /rate_limit example lists them.
		for _, name := range []string{"core", "search", "graphql", "integration_manifest", "source_import", "actions_runner_registration",
			"scim", "dependency_snapshots", "code_search", "code_scanning_autofix"} {
			if r, ok := second.Resources[name]; !ok || r.Limit == 0 {
				t.Errorf("resource %s: %+v, %v", name, r, ok)
			}
		}
		v2026 := decodeAs[limits](t, e.call("GET", "/rate_limit", "ghp_ann_read", "", 200, "X-GitHub-Api-Version: 2026-03-10"))
		if v2026.Resources["core"].Used != 1 || v2026.Rate != nil {
			t.Errorf("2026-03-10 (no rate): %+v", v2026)
		}
		anon := decodeAs[limits](t, e.call("GET", "/rate_limit", "", "", 200))
		if l := anon.Resources["core"].Limit; l != 10000 {
			t.Errorf("unauthenticated limit %s", strconv.Itoa(l))
		}
	})
}
