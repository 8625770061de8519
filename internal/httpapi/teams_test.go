package httpapi_test

import (
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// teamBody is the decoded team-full (and team) body.
type teamBody struct {
	ID           int64          `json:"id"`
	Name         string         `json:"name"`
	Slug         string         `json:"slug"`
	Description  *string        `json:"description"`
	Privacy      string         `json:"privacy"`
	Permission   string         `json:"permission"`
	Notification string         `json:"notification_setting"`
	MembersCount int            `json:"members_count"`
	Parent       *teamBody      `json:"parent"`
	Organization map[string]any `json:"organization"`
}

// validationError is the decoded validation-error body.
type validationError struct {
	Message string `json:"message"`
	Errors  []struct {
		Resource, Field, Code, Message string
	} `json:"errors"`
	DocumentationURL string `json:"documentation_url"`
	Status           string `json:"status"`
}

func (e *env) teamID(slug string) int64 {
	e.t.Helper()
	org := "acme"
	if slug == "rival-team" {
		org = "rival"
	}
	token := map[string]string{"acme": "ghp_owner_read", "rival": "ghp_stranger_admin"}[org]
	return decodeAs[teamBody](e.t, e.call("GET", "/orgs/"+org+"/teams/"+slug, token, "", 200)).ID
}

func teamSlugs(t *testing.T, r response) string {
	t.Helper()
	var out []string
	for _, tm := range decodeAs[[]teamBody](t, r) {
		out = append(out, tm.Slug)
	}
	return strings.Join(out, " ")
}

func TestTeamReads(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		for _, c := range []struct {
			name, path, token, want string
		}{
			{"owner sees every team", "/orgs/acme/teams", "ghp_owner_read", "platform platform-juniors secret-squad other"},
			{"installation", "/orgs/acme/teams", "ghs_acme_members", "platform platform-juniors secret-squad other"},
			{"a member sees closed teams", "/orgs/acme/teams", "ghp_ann_read", "platform platform-juniors other"},
			{"and the secret teams they are on", "/orgs/acme/teams", "ghp_dan_read", "platform platform-juniors secret-squad other"},
			{"one a page", "/orgs/acme/teams?per_page=1&page=2", "ghp_owner_read", "platform-juniors"},
			{"enterprise teams are not org teams", "/orgs/acme/teams?team_type=enterprise", "ghp_owner_read", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				if got := teamSlugs(t, e.call("GET", c.path, c.token, "", 200)); got != c.want {
					t.Errorf("teams %q, want %q", got, c.want)
				}
			})
		}
		e.t = t
		if link := e.call("GET", "/orgs/acme/teams?per_page=3", "ghp_owner_read", "", 200).header.Get("Link"); !strings.Contains(link, `page=2&per_page=3>; rel="next"`) {
			t.Errorf("Link = %s", link)
		}

		tm := decodeAs[teamBody](t, e.call("GET", "/orgs/acme/teams/Platform-Juniors", "ghp_ann_read", "", 200))
		if tm.Name != "Platform Juniors" || tm.Privacy != "closed" || tm.Parent == nil || tm.Parent.Slug != "platform" ||
			tm.MembersCount != 1 || tm.Organization["login"] != "acme" || tm.Permission != "pull" {
			t.Errorf("team = %+v", tm)
		}
		tm = decodeAs[teamBody](t, e.call("GET", "/orgs/acme/teams/platform", "ghp_owner_read", "", 200))
		if tm.MembersCount != 2 || tm.Description == nil || *tm.Description != "Runs the platform." || tm.Parent != nil {
			t.Errorf("parent team = %+v", tm)
		}

		members := decodeAs[[]map[string]any](t, e.call("GET", "/orgs/acme/teams/platform/members", "ghp_ann_read", "", 200))
		if len(members) != 2 || members[0]["login"] != "bob" || members[0]["inherited"] != false || members[0]["role"] != "member" ||
			members[1]["login"] != "cat" || members[1]["inherited"] != true {
			t.Errorf("members = %v", members)
		}
		e.call("PUT", "/orgs/acme/teams/platform/memberships/owner", "ghp_owner_admin", `{"role":"member"}`, 200)
		for q, want := range map[string]string{"": "owner bob cat", "?role=maintainer": "owner", "?role=member": "bob cat", "?per_page=1&page=3": "cat"} {
			if got := loginsOf(t, e.call("GET", "/orgs/acme/teams/platform/members"+q, "ghp_owner_read", "", 200)); got != want {
				t.Errorf("members%s = %q, want %q", q, got, want)
			}
		}

		for _, c := range []struct {
			team, user, role, state string
		}{
			{"platform", "bob", "member", "active"},
			{"platform", "cat", "member", "active"}, // through the child team
			{"platform", "owner", "maintainer", "active"},
			{"platform-juniors", "cat", "member", "active"},
		} {
			m := decodeAs[map[string]any](t, e.call("GET", "/orgs/acme/teams/"+c.team+"/memberships/"+c.user, "ghp_ann_read", "", 200))
			if m["role"] != c.role || m["state"] != c.state || !strings.HasSuffix(m["url"].(string), "/memberships/"+c.user) {
				t.Errorf("%s/%s: %v", c.team, c.user, m)
			}
		}

		e.refuse(t, []refusal{
			{"no credentials", "GET", "/orgs/acme/teams", "", "", 401, "Requires authentication"},
			{"outsider", "GET", "/orgs/acme/teams", "ghp_stranger_admin", "", 404, "Not Found"},
			{"pending invitee", "GET", "/orgs/acme/teams", "ghp_invitee_read", "", 404, "Not Found"},
			{"no scope", "GET", "/orgs/acme/teams", "ghp_owner_repo", "", 404, "Not Found"},
			{"fine-grained without permission", "GET", "/orgs/acme/teams", "github_pat_owner_seats", "", 403, "Resource not accessible by personal access token"},
			{"installation without permission", "GET", "/orgs/acme/teams/platform", "ghs_acme_seats", "", 403, "Resource not accessible by integration"},
			{"unknown team", "GET", "/orgs/acme/teams/nope", "ghp_owner_read", "", 404, "Not Found"},
			{"a secret team to a member not on it", "GET", "/orgs/acme/teams/secret-squad", "ghp_ann_read", "", 404, "Not Found"},
			{"its members", "GET", "/orgs/acme/teams/secret-squad/members", "ghp_ann_read", "", 404, "Not Found"},
			{"a team of another org", "GET", "/orgs/acme/teams/rival-team", "ghp_owner_read", "", 404, "Not Found"},
			{"not on the team", "GET", "/orgs/acme/teams/platform/memberships/ann", "ghp_owner_read", "", 404, "Not Found"},
			{"no such user", "GET", "/orgs/acme/teams/platform/memberships/ghost", "ghp_owner_read", "", 404, "Not Found"},
			{"bad role filter", "GET", "/orgs/acme/teams/platform/members?role=boss", "ghp_owner_read", "", 422,
				"Invalid request.\n\nFor 'role', \"boss\" is not a member of [\"all\", \"member\", \"maintainer\"]."},
		})
	})
}

func TestTeamWrites(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		platform := e.teamID("platform")

		t.Run("create", func(t *testing.T) {
			e.t = t
			body := fmt.Sprintf(`{"name":"Web Crew","description":"Builds the web.","parent_team_id":%d,"maintainers":["dan"],"repo_names":["acme/web"],"notification_setting":"notifications_disabled"}`, platform)
			r := e.call("POST", "/orgs/acme/teams", "ghp_owner_admin", body, 201)
			tm := decodeAs[teamBody](t, r)
			if tm.Slug != "web-crew" || tm.Name != "Web Crew" || tm.Privacy != "closed" || tm.Parent == nil || tm.Parent.ID != platform ||
				tm.MembersCount != 2 || tm.Notification != "notifications_disabled" || tm.Permission != "pull" {
				t.Errorf("created %+v", tm)
			}
			// The creator and the named maintainer are maintainers, and the
			// parent's grant seats them at once.
			for _, u := range []string{"owner", "dan"} {
				m := decodeAs[map[string]any](t, e.call("GET", "/orgs/acme/teams/web-crew/memberships/"+u, "ghp_owner_read", "", 200))
				if m["role"] != "maintainer" || m["state"] != "active" {
					t.Errorf("%s on the new team: %v", u, m)
				}
				e.wantSeat(u, "", "platform")
			}
			tm = decodeAs[teamBody](t, e.call("POST", "/orgs/acme/teams", "github_pat_owner_members", `{"name":"Root","privacy":"closed","permission":"push"}`, 201))
			if tm.Privacy != "closed" || tm.Parent != nil || tm.Permission != "push" {
				t.Errorf("created %+v", tm)
			}
			tm = decodeAs[teamBody](t, e.call("POST", "/orgs/acme/teams", "ghs_acme_members", `{"name":"Bots","parent_team_slug":"other"}`, 201))
			if tm.Privacy != "closed" || tm.Parent == nil || tm.Parent.Slug != "other" || tm.MembersCount != 0 {
				t.Errorf("created by an installation %+v", tm)
			}
			tm = decodeAs[teamBody](t, e.call("POST", "/orgs/acme/teams", "ghp_owner_admin", `{"name":"Quiet"}`, 201))
			if tm.Privacy != "secret" {
				t.Errorf("root team privacy %s, want secret", tm.Privacy)
			}
		})

		t.Run("name must be unique", func(t *testing.T) {
			e.t = t
			for _, name := range []string{"PLATFORM", "platform juniors", "Platform-Juniors"} {
				r := e.call("POST", "/orgs/acme/teams", "ghp_owner_admin", `{"name":"`+name+`"}`, 422)
				v := decodeAs[validationError](t, r)
				if v.Message != "Validation Failed" || len(v.Errors) != 1 || v.Errors[0].Message != "Name must be unique for this org" ||
					v.Errors[0].Resource != "Team" || v.Errors[0].Code != "unprocessable" || v.Status != "422" ||
					v.DocumentationURL != "https://docs.github.com/rest/teams/teams#create-a-team" {
					t.Errorf("%s: %s", name, r.body)
				}
			}
			// Another org may use the name.
			e.call("POST", "/orgs/rival/teams", "ghp_stranger_admin", `{"name":"Platform"}`, 201)
		})

		rival := e.teamID("rival-team")
		juniors := e.teamID("platform-juniors")
		fieldRefusals := []struct {
			name, method, path, body, field string
		}{
			{"parent in another org", "POST", "/orgs/acme/teams", fmt.Sprintf(`{"name":"X","parent_team_id":%d}`, rival), "parent_team_id"},
			{"unknown parent", "POST", "/orgs/acme/teams", `{"name":"X","parent_team_id":999999}`, "parent_team_id"},
			{"unknown parent slug", "POST", "/orgs/acme/teams", `{"name":"X","parent_team_slug":"nope"}`, "parent_team_slug"},
			{"secret parent", "POST", "/orgs/acme/teams", `{"name":"X","parent_team_slug":"secret-squad"}`, "parent_team_slug"},
			{"secret nested team", "POST", "/orgs/acme/teams", fmt.Sprintf(`{"name":"X","parent_team_id":%d,"privacy":"secret"}`, platform), "privacy"},
			{"maintainer outside the org", "POST", "/orgs/acme/teams", `{"name":"X","maintainers":["stranger"]}`, "maintainers"},
			{"a name without letters", "POST", "/orgs/acme/teams", `{"name":"!!!"}`, "name"},
			{"nested under itself", "PATCH", "/orgs/acme/teams/platform", fmt.Sprintf(`{"parent_team_id":%d}`, platform), "parent_team_id"},
			{"nested under its child", "PATCH", "/orgs/acme/teams/platform", fmt.Sprintf(`{"parent_team_id":%d}`, juniors), "parent_team_id"},
			{"nested under its child, by slug", "PATCH", "/orgs/acme/teams/platform", `{"parent_team_slug":"platform-juniors"}`, "parent_team_slug"},
			{"a parent made secret", "PATCH", "/orgs/acme/teams/platform", `{"privacy":"secret"}`, "privacy"},
			{"renamed onto another team", "PATCH", "/orgs/acme/teams/platform", `{"name":"Other"}`, "data"},
		}
		for _, c := range fieldRefusals {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				v := decodeAs[validationError](t, e.call(c.method, c.path, "ghp_owner_admin", c.body, 422))
				if v.Message != "Validation Failed" || len(v.Errors) != 1 || v.Errors[0].Field != c.field || v.Errors[0].Resource != "Team" {
					t.Errorf("%+v", v)
				}
			})
		}
		e.refuse(t, []refusal{
			{"no name", "POST", "/orgs/acme/teams", "ghp_owner_admin", `{}`, 422, "Invalid request.\n\n\"name\" wasn't supplied."},
			{"unknown privacy", "POST", "/orgs/acme/teams", "ghp_owner_admin", `{"name":"X","privacy":"open"}`, 422,
				"Invalid request.\n\nFor 'properties/privacy', \"open\" is not a member of [\"secret\", \"closed\"]."},
			{"admin permission on create", "POST", "/orgs/acme/teams", "ghp_owner_admin", `{"name":"X","permission":"admin"}`, 422,
				"Invalid request.\n\nFor 'properties/permission', \"admin\" is not a member of [\"pull\", \"push\"]."},
			{"null parent on create", "POST", "/orgs/acme/teams", "ghp_owner_admin", `{"name":"X","parent_team_id":null}`, 422,
				"Invalid request.\n\nFor 'properties/parent_team_id', nil is not an integer."},
			{"maintainers not strings", "POST", "/orgs/acme/teams", "ghp_owner_admin", `{"name":"X","maintainers":[1]}`, 422,
				"Invalid request.\n\nFor 'items' of \"maintainers\", 1 is not a string."},
			{"no credentials", "POST", "/orgs/acme/teams", "", `{"name":"X"}`, 401, "Requires authentication"},
			{"read:org cannot create", "POST", "/orgs/acme/teams", "ghp_owner_read", `{"name":"X"}`, 404, "Not Found"},
			{"write:org cannot create", "POST", "/orgs/acme/teams", "ghp_owner_write", `{"name":"X"}`, 404, "Not Found"},
			{"a member cannot create", "POST", "/orgs/acme/teams", "ghp_ann_admin", `{"name":"X"}`, 404, "Not Found"},
			{"fine-grained without permission", "POST", "/orgs/acme/teams", "github_pat_owner_seats", `{"name":"X"}`, 403, "Resource not accessible by personal access token"},
			{"update an unknown team", "PATCH", "/orgs/acme/teams/nope", "ghp_owner_admin", `{"name":"X"}`, 404, "Not Found"},
			{"update by a member", "PATCH", "/orgs/acme/teams/platform", "ghp_ann_admin", `{"name":"X"}`, 404, "Not Found"},
			{"delete an unknown team", "DELETE", "/orgs/acme/teams/nope", "ghp_owner_admin", "", 404, "Not Found"},
			{"delete by a member", "DELETE", "/orgs/acme/teams/other", "ghp_ann_admin", "", 404, "Not Found"},
			{"membership with an unknown role", "PUT", "/orgs/acme/teams/other/memberships/ann", "ghp_owner_admin", `{"role":"owner"}`, 422,
				"Invalid request.\n\nFor 'properties/role', \"owner\" is not a member of [\"member\", \"maintainer\"]."},
			{"membership of an unknown user", "PUT", "/orgs/acme/teams/other/memberships/ghost", "ghp_owner_admin", "", 404, "Not Found"},
			{"membership of an organization", "PUT", "/orgs/acme/teams/other/memberships/rival", "ghp_owner_admin", "", 422, "Validation Failed"},
			{"membership of an unknown team", "PUT", "/orgs/acme/teams/nope/memberships/ann", "ghp_owner_admin", "", 404, "Not Found"},
			{"membership set by a member", "PUT", "/orgs/acme/teams/other/memberships/ann", "ghp_ann_admin", "", 404, "Not Found"},
			{"remove a user not on the team", "DELETE", "/orgs/acme/teams/other/memberships/ann", "ghp_owner_admin", "", 404, "Not Found"},
			{"remove a member of a child team from the parent", "DELETE", "/orgs/acme/teams/platform/memberships/cat", "ghp_owner_admin", "", 404, "Not Found"},
			{"remove by a member", "DELETE", "/orgs/acme/teams/platform/memberships/bob", "ghp_ann_admin", "", 404, "Not Found"},
		})

		t.Run("update", func(t *testing.T) {
			e.t = t
			// go-github always sends a name; an empty one changes nothing.
			tm := decodeAs[teamBody](t, e.call("PATCH", "/orgs/acme/teams/platform", "ghp_owner_admin", `{"name":"","description":"New.","permission":"admin"}`, 200))
			if tm.Name != "Platform" || tm.Description == nil || *tm.Description != "New." || tm.Permission != "admin" {
				t.Errorf("updated %+v", tm)
			}
			tm = decodeAs[teamBody](t, e.call("PATCH", "/orgs/acme/teams/platform", "ghp_owner_admin", `{"name":"Platform Core"}`, 200))
			if tm.Slug != "platform-core" || tm.ID != platform {
				t.Errorf("renamed %+v", tm)
			}
			e.call("GET", "/orgs/acme/teams/platform", "ghp_owner_read", "", 404)
			// Renaming to the same name in another case is allowed.
			e.call("PATCH", "/orgs/acme/teams/platform-core", "ghp_owner_admin", `{"name":"platform core"}`, 200)
			e.call("PATCH", "/orgs/acme/teams/platform-core", "ghp_owner_admin", `{"name":"Platform"}`, 200)
			tm = decodeAs[teamBody](t, e.call("PATCH", "/orgs/acme/teams/root", "ghp_owner_admin", `{"privacy":"secret"}`, 200))
			if tm.Privacy != "secret" {
				t.Errorf("privacy %s", tm.Privacy)
			}
		})
	})
}

// TestTeamSeatLifecycle follows seats through team changes: joining a
// granted team (or a child of one) seats at once; leaving it, moving the
// team away or deleting it leaves the seat pending cancellation until the
// next cycle unless another grant remains.
func TestTeamSeatLifecycle(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		platform := e.teamID("platform")
		e.wantSeat("bob", "", "platform")
		e.wantSeat("cat", "", "platform")
		e.wantNoSeat("dan", "No seat found for this user in this organization.")

		// Joining a granted team, or its child, seats at once.
		m := decodeAs[map[string]any](t, e.call("PUT", "/orgs/acme/teams/platform/memberships/dan", "ghp_owner_admin", "", 200))
		if m["state"] != "active" || m["role"] != "member" {
			t.Errorf("membership %v", m)
		}
		e.wantSeat("dan", "", "platform")
		e.call("PUT", "/orgs/acme/teams/platform-juniors/memberships/newcomer", "ghp_owner_admin", "", 200)
		e.wantNoSeat("newcomer", "User has a pending organization invitation.")

		// Changing a role keeps the seat.
		m = decodeAs[map[string]any](t, e.call("PUT", "/orgs/acme/teams/platform/memberships/dan", "ghp_owner_admin", `{"role":"maintainer"}`, 200))
		if m["role"] != "maintainer" {
			t.Errorf("membership %v", m)
		}
		m = decodeAs[map[string]any](t, e.call("PUT", "/orgs/acme/teams/platform/memberships/dan", "ghp_owner_admin", "", 200))
		if m["role"] != "maintainer" {
			t.Errorf("role not kept: %v", m)
		}

		// Leaving the team: pending until the next cycle.
		e.call("DELETE", "/orgs/acme/teams/platform/memberships/dan", "ghp_owner_admin", "", 204)
		e.wantSeat("dan", dirNextCycle, "platform")
		e.call("GET", "/orgs/acme/teams/platform/memberships/dan", "ghp_owner_read", "", 404)

		// Leaving a team while a direct grant remains changes nothing.
		e.call("PUT", "/orgs/acme/teams/platform/memberships/ann", "ghp_owner_admin", "", 200)
		e.call("DELETE", "/orgs/acme/teams/platform/memberships/ann", "ghp_owner_admin", "", 204)
		e.wantSeat("ann", "", "")

		// Moving the child team out of the granted parent, and back.
		tm := decodeAs[teamBody](t, e.call("PATCH", "/orgs/acme/teams/platform-juniors", "ghp_owner_admin", `{"parent_team_id":null}`, 200))
		if tm.Parent != nil {
			t.Errorf("parent %+v", tm.Parent)
		}
		e.wantSeat("cat", dirNextCycle, "platform")
		e.call("PATCH", "/orgs/acme/teams/platform-juniors", "ghp_owner_admin", fmt.Sprintf(`{"parent_team_id":%d}`, platform), 200)
		e.wantSeat("cat", "", "platform")
		e.call("PATCH", "/orgs/acme/teams/platform-juniors", "ghp_owner_admin", `{"parent_team_slug":"other"}`, 200)
		e.wantSeat("cat", dirNextCycle, "platform")
		e.call("PATCH", "/orgs/acme/teams/platform-juniors", "ghp_owner_admin", `{"parent_team_slug":"platform"}`, 200)
		e.wantSeat("cat", "", "platform")

		// Deleting the granted team deletes its child too; its members keep
		// their seats until the next cycle, no longer naming the team.
		e.call("DELETE", "/orgs/acme/teams/platform", "ghp_owner_admin", "", 204)
		e.call("GET", "/orgs/acme/teams/platform-juniors", "ghp_owner_read", "", 404)
		e.wantSeat("bob", dirNextCycle, "")
		e.wantSeat("cat", dirNextCycle, "")
		e.wantSeat("dan", dirNextCycle, "")
		if got := e.seatLogins(); got != "ann bob(2026-04-15) cat(2026-04-15) dan(2026-04-15)" {
			t.Errorf("seats %s", got)
		}
		billing := decodeAs[map[string]any](t, e.call("GET", "/orgs/acme/copilot/billing", "ghp_owner_read", "", 200))
		if b := billing["seat_breakdown"].(map[string]any); b["total"] != 4.0 || b["pending_cancellation"] != 3.0 {
			t.Errorf("billing %v", b)
		}
		// The invitee's pending team membership went with the team.
		e.call("PATCH", "/user/memberships/orgs/acme", "ghp_newcomer_write", `{"state":"active"}`, 200)
		e.wantNoSeat("newcomer", "No seat found for this user in this organization.")

		// At the next cycle the residual seats are gone.
		e.clock.Set(time.Date(2026, 4, 15, 0, 0, 0, 0, time.UTC))
		if got := e.seatLogins(); got != "ann" {
			t.Errorf("seats at the next cycle %s", got)
		}
		e.wantNoSeat("bob", "No seat found for this user in this organization.")
	})
}

// TestTeamWritesByVersion: API version 2026-03-10 removed permission from
// the team write bodies; under it the field is ignored, under 2022-11-28
// it applies.
func TestTeamWritesByVersion(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		for _, c := range []struct{ version, slug, want string }{
			{"2022-11-28", "old-style", "push"},
			{"2026-03-10", "new-style", "pull"},
		} {
			h := "X-GitHub-Api-Version: " + c.version
			team := decodeAs[struct{ Permission string }](t, e.call("POST", "/orgs/acme/teams", "ghp_owner_admin",
				`{"name": "`+c.slug+`", "permission": "push"}`, 201, h))
			if team.Permission != c.want {
				t.Errorf("%s: created with permission %q, want %q", c.version, team.Permission, c.want)
			}
			team = decodeAs[struct{ Permission string }](t, e.call("PATCH", "/orgs/acme/teams/"+c.slug, "ghp_owner_admin",
				`{"permission": "admin"}`, 200, h))
			if want := map[string]string{"push": "admin", "pull": "pull"}[c.want]; team.Permission != want {
				t.Errorf("%s: updated to permission %q, want %q", c.version, team.Permission, want)
			}
		}
	})
}
