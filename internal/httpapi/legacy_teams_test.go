package httpapi_test

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"

	github "github.com/google/go-github/v89/github"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// idOf reads the id of the object at path.
func idOf(t *testing.T, e *env, path string) int64 {
	t.Helper()
	return decodeAs[struct{ ID int64 }](t, e.call("GET", path, "ghp_owner_admin", "", 200)).ID
}

// TestLegacyTeamRoutes: the routes by team id (/teams/{team_id} and a
// team's url, /organizations/{org_id}/team/{team_id}) answer exactly as
// the slug routes do, refusals included, and their writes are the slug
// routes' writes.
func TestLegacyTeamRoutes(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		orgID, rivalID := idOf(t, e, "/orgs/acme"), idOf(t, e, "/orgs/rival")
		byID := func(slug string) []string {
			id := idOf(t, e, "/orgs/acme/teams/"+slug)
			return []string{fmt.Sprintf("/teams/%d", id), fmt.Sprintf("/organizations/%d/team/%d", orgID, id)}
		}
		for _, c := range []struct {
			name, method, slug, rest, token, body string
		}{
			{"get", "GET", "platform", "", "ghp_owner_read", ""},
			{"get a child team", "GET", "platform-juniors", "", "ghp_ann_read", ""},
			{"members", "GET", "platform", "/members", "ghp_owner_read", ""},
			{"members by role", "GET", "platform", "/members?role=maintainer", "ghp_owner_read", ""},
			{"membership", "GET", "platform", "/memberships/bob", "ghp_ann_read", ""},
			{"inherited membership", "GET", "platform", "/memberships/cat", "ghp_owner_read", ""},
			{"installation", "GET", "platform", "", "ghs_acme_members", ""},
			{"a secret team to its member", "GET", "secret-squad", "", "ghp_dan_read", ""},
			{"a secret team to another member", "GET", "secret-squad", "", "ghp_ann_read", ""},
			{"an outsider", "GET", "platform", "", "ghp_stranger_admin", ""},
			{"no credentials", "GET", "platform", "", "", ""},
			{"a token without the scope", "GET", "platform", "", "ghp_owner_repo", ""},
			{"a fine-grained token for another org", "GET", "platform", "", "github_pat_owner_rival", ""},
			{"no such member", "GET", "platform", "/memberships/stranger", "ghp_owner_read", ""},
			{"bad role filter", "GET", "platform", "/members?role=boss", "ghp_owner_read", ""},
			{"update by a member", "PATCH", "platform", "", "ghp_ann_admin", `{"description": "x"}`},
			{"update without admin:org", "PATCH", "platform", "", "ghp_owner_write", `{"description": "x"}`},
			{"update with a bad privacy", "PATCH", "platform", "", "ghp_owner_admin", `{"privacy": "open"}`},
			{"update with its own child as parent", "PATCH", "platform", "", "ghp_owner_admin", `{"parent_team_slug": "platform-juniors"}`},
			{"membership by a member", "PUT", "platform", "/memberships/ann", "ghp_ann_admin", ""},
			{"membership with a bad role", "PUT", "platform", "/memberships/ann", "ghp_owner_admin", `{"role": "boss"}`},
			{"remove without admin:org", "DELETE", "platform", "/memberships/bob", "ghp_owner_read", ""},
			{"delete by a member", "DELETE", "platform", "", "ghp_ann_admin", ""},
		} {
			t.Run(c.name, func(t *testing.T) {
				e.t = t
				want := e.doBody(c.method, "/orgs/acme/teams/"+c.slug+c.rest, c.token, c.body)
				if c.method != "GET" && want.status < 400 {
					t.Fatalf("a refusal case was served: %d %s", want.status, want.body)
				}
				for _, p := range byID(c.slug) {
					got := e.doBody(c.method, p+c.rest, c.token, c.body)
					same := bytes.Equal(got.body, want.body)
					if want.status >= 400 { // documentation_url names the legacy operation
						same = decodeAs[basicError](t, got).Message == decodeAs[basicError](t, want).Message
					}
					if got.status != want.status || !same {
						t.Errorf("%s %s: %d %s\nwant %d %s", c.method, p+c.rest, got.status, got.body, want.status, want.body)
					}
				}
			})
		}
		e.t = t

		platform := byID("platform")
		// The team's url is where GET by id answers.
		team := decodeAs[struct {
			URL        string `json:"url"`
			MembersURL string `json:"members_url"`
		}](t, e.call("GET", "/orgs/acme/teams/platform", "ghp_owner_read", "", 200))
		if want := "http://seatkeeper.test" + platform[1]; team.URL != want || team.MembersURL != want+"/members{/member}" {
			t.Errorf("url %q, members_url %q; want %q", team.URL, team.MembersURL, want)
		}

		// Writes by id are the slug routes' writes.
		e.call("PATCH", platform[0], "ghp_owner_admin", `{"description": "Runs it all."}`, 200)
		if d := decodeAs[struct{ Description string }](t, e.call("GET", "/orgs/acme/teams/platform", "ghp_owner_read", "", 200)); d.Description != "Runs it all." {
			t.Errorf("description %q after PATCH by id", d.Description)
		}
		m := decodeAs[struct{ URL, Role, State string }](t, e.call("PUT", platform[1]+"/memberships/ann", "ghp_owner_admin", `{"role": "maintainer"}`, 200))
		if m.Role != "maintainer" || m.URL != "http://seatkeeper.test"+platform[1]+"/memberships/ann" {
			t.Errorf("membership %+v", m)
		}
		e.call("GET", "/orgs/acme/teams/platform/memberships/ann", "ghp_owner_read", "", 200)
		e.call("GET", m.URL[len("http://seatkeeper.test"):], "ghp_owner_read", "", 200) // the membership's url resolves
		e.call("DELETE", platform[0]+"/memberships/ann", "ghp_owner_admin", "", 204)
		e.call("GET", "/orgs/acme/teams/platform/memberships/ann", "ghp_owner_read", "", 404)
		other := byID("other")
		e.call("DELETE", other[1], "ghp_owner_admin", "", 204)
		e.call("GET", "/orgs/acme/teams/other", "ghp_owner_read", "", 404)
		e.call("GET", other[0], "ghp_owner_read", "", 404)

		// A team of another org with the same slug is not reached through
		// this org's id.
		rivalPlatform := decodeAs[struct{ ID int64 }](t, e.call("POST", "/orgs/rival/teams", "ghp_stranger_admin", `{"name": "Platform"}`, 201)).ID
		e.refuse(t, []refusal{
			{"the same slug in another org", "GET", fmt.Sprintf("/organizations/%d/team/%d", orgID, rivalPlatform), "ghp_owner_read", "", 404, "Not Found"},
			{"no such team", "GET", "/teams/999999", "ghp_owner_read", "", 404, "Not Found"},
			{"not a team id", "GET", "/teams/platform", "ghp_owner_read", "", 404, "Not Found"},
			{"another org's id", "GET", fmt.Sprintf("/organizations/%d/team/%s", rivalID, strings.TrimPrefix(platform[0], "/teams/")), "ghp_owner_read", "", 404, "Not Found"},
			{"no credentials before the team", "GET", "/teams/999999", "", "", 401, "Requires authentication"},
		})
	})
}

// TestGoGitHubV89DirectoryByID drives the team routes by id and the
// public-membership routes through go-github v89.
func TestGoGitHubV89DirectoryByID(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		ctx := context.Background()
		orgID, teamID := idOf(t, e, "/orgs/acme"), idOf(t, e, "/orgs/acme/teams/platform")
		c := e.clientV89(t, "ghp_owner_admin", true)

		team, _, err := c.Teams.GetTeamByID(ctx, orgID, teamID)
		if err != nil || team.GetSlug() != "platform" || team.GetMembersCount() != 2 {
			t.Fatalf("GetTeamByID = %+v, %v", team, err)
		}
		team, _, err = c.Teams.EditTeamByID(ctx, orgID, teamID, github.NewTeam{Name: "Platform", Description: github.Ptr("By id.")}, false)
		if err != nil || team.GetDescription() != "By id." {
			t.Errorf("EditTeamByID = %+v, %v", team, err)
		}
		members, _, err := c.Teams.ListTeamMembersByID(ctx, orgID, teamID, nil)
		if err != nil || len(members) != 2 {
			t.Errorf("ListTeamMembersByID = %d members, %v", len(members), err)
		}
		m, _, err := c.Teams.AddTeamMembershipByID(ctx, orgID, teamID, "ann", &github.TeamAddTeamMembershipOptions{Role: "maintainer"})
		if err != nil || m.GetRole() != "maintainer" {
			t.Errorf("AddTeamMembershipByID = %+v, %v", m, err)
		}
		if m, _, err = c.Teams.GetTeamMembershipByID(ctx, orgID, teamID, "ann"); err != nil || m.GetState() != "active" {
			t.Errorf("GetTeamMembershipByID = %+v, %v", m, err)
		}
		if _, err := c.Teams.RemoveTeamMembershipByID(ctx, orgID, teamID, "ann"); err != nil {
			t.Errorf("RemoveTeamMembershipByID: %v", err)
		}
		if _, _, err := c.Teams.GetTeamMembershipByID(ctx, orgID, teamID, "ann"); !isStatus(err, 404) {
			t.Errorf("GetTeamMembershipByID after removal: %v", err)
		}
		if _, err := c.Teams.DeleteTeamByID(ctx, orgID, idOf(t, e, "/orgs/acme/teams/other")); err != nil {
			t.Errorf("DeleteTeamByID: %v", err)
		}

		ann := e.clientV89(t, "ghp_ann_admin", false)
		if _, err := ann.Organizations.PublicizeMembership(ctx, "acme", "ann"); err != nil {
			t.Fatalf("PublicizeMembership: %v", err)
		}
		public, _, err := c.Organizations.IsPublicMember(ctx, "acme", "ann")
		if err != nil || !public {
			t.Errorf("IsPublicMember = %v, %v", public, err)
		}
		users, _, err := c.Organizations.ListMembers(ctx, "acme", &github.ListMembersOptions{PublicOnly: true})
		var logins []string
		for _, u := range users {
			logins = append(logins, u.GetLogin())
		}
		if err != nil || strings.Join(logins, " ") != "ann bob" {
			t.Errorf("ListMembers(PublicOnly) = %v, %v", logins, err)
		}
		if member, _, err := c.Organizations.IsMember(ctx, "acme", "stranger"); err != nil || member {
			t.Errorf("IsMember(stranger) = %v, %v", member, err)
		}
		if _, err := ann.Organizations.ConcealMembership(ctx, "acme", "ann"); err != nil {
			t.Errorf("ConcealMembership: %v", err)
		}
		if public, _, err = c.Organizations.IsPublicMember(ctx, "acme", "ann"); err != nil || public {
			t.Errorf("IsPublicMember after concealing = %v, %v", public, err)
		}
		if _, err := c.Organizations.PublicizeMembership(ctx, "acme", "ann"); !isStatus(err, 403) {
			t.Errorf("PublicizeMembership of someone else: %v", err)
		}
	})
}

// isStatus reports whether err is go-github's error for an answer with
// status.
func isStatus(err error, status int) bool {
	var er *github.ErrorResponse
	return errors.As(err, &er) && er.Response.StatusCode == status
}
