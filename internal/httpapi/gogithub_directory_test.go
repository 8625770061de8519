package httpapi_test

import (
	"context"
	"errors"
	"testing"

	"github.com/google/go-github/v84/github"

	"github.com/seatkeeper/seatkeeper/internal/store"
	"github.com/seatkeeper/seatkeeper/internal/store/storetest"
)

// TestGoGitHubDirectory drives the user, organization, team and admin
// endpoints through go-github v84: an owner invites a newcomer onto a
// team that holds Copilot seats, the newcomer accepts with their own
// token and is seated at once.
func TestGoGitHubDirectory(t *testing.T) {
	storetest.Each(t, func(t *testing.T, st *store.Store) {
		e := newDirEnv(t, st)
		ctx := context.Background()
		owner := e.client(t, "ghp_owner_admin", true)
		newcomer := e.client(t, "ghp_newcomer_write", false)

		me, _, err := e.client(t, "ghp_owner_user", false).Users.Get(ctx, "")
		if err != nil || me.GetLogin() != "owner" || me.GetEmail() != "owner@example.com" || me.GetName() != "Olive Owner" {
			t.Fatalf("Users.Get(\"\") = %+v, %v", me, err)
		}
		ann, _, err := owner.Users.Get(ctx, "ann")
		if err != nil || ann.GetLogin() != "ann" || ann.GetType() != "User" {
			t.Fatalf("Users.Get(ann) = %+v, %v", ann, err)
		}
		org, _, err := owner.Organizations.Get(ctx, "acme")
		if err != nil || org.GetLogin() != "acme" || org.GetDescription() != "Acme builds things." || org.GetType() != "Organization" {
			t.Fatalf("Organizations.Get = %+v, %v", org, err)
		}

		team, resp, err := owner.Teams.CreateTeam(ctx, "acme", github.NewTeam{
			Name: "Copilot Users", Description: github.Ptr("Everyone with Copilot."), Privacy: github.Ptr("closed"),
		})
		if err != nil || resp.StatusCode != 201 || team.GetSlug() != "copilot-users" || team.GetPrivacy() != "closed" ||
			team.GetMembersCount() != 1 || team.GetOrganization().GetLogin() != "acme" {
			t.Fatalf("Teams.CreateTeam = %+v, %v", team, err)
		}
		_, _, err = owner.Teams.CreateTeam(ctx, "acme", github.NewTeam{Name: "copilot users"})
		var er *github.ErrorResponse
		if !errors.As(err, &er) || er.Response.StatusCode != 422 || len(er.Errors) != 1 || er.Errors[0].Message != "Name must be unique for this org" {
			t.Errorf("duplicate team: %v", err)
		}
		if added, _, err := owner.Copilot.AddCopilotTeams(ctx, "acme", []string{"Copilot Users"}); err != nil || added.SeatsCreated != 1 {
			t.Fatalf("AddCopilotTeams = %+v, %v", added, err)
		}

		tm, _, err := owner.Teams.AddTeamMembershipBySlug(ctx, "acme", "copilot-users", "newcomer", nil)
		if err != nil || tm.GetState() != "pending" || tm.GetRole() != "member" {
			t.Fatalf("AddTeamMembershipBySlug = %+v, %v", tm, err)
		}
		m, _, err := newcomer.Organizations.GetOrgMembership(ctx, "", "acme")
		if err != nil || m.GetState() != "pending" || m.GetOrganization().GetLogin() != "acme" {
			t.Fatalf("GetOrgMembership = %+v, %v", m, err)
		}
		invs, _, err := owner.Organizations.ListPendingOrgInvitations(ctx, "acme", nil)
		if err != nil || len(invs) != 2 || invs[1].GetLogin() != "newcomer" || invs[1].GetInviter().GetLogin() != "owner" || invs[1].GetTeamCount() != 1 {
			t.Fatalf("ListPendingOrgInvitations = %+v, %v", invs, err)
		}

		m, _, err = newcomer.Organizations.EditOrgMembership(ctx, "", "acme", &github.Membership{State: github.Ptr("active")})
		if err != nil || m.GetState() != "active" || m.GetRole() != "member" || m.GetUser().GetLogin() != "newcomer" {
			t.Fatalf("EditOrgMembership (accept) = %+v, %v", m, err)
		}
		seat, _, err := owner.Copilot.GetSeatDetails(ctx, "acme", "newcomer")
		if err != nil || seat.AssigningTeam.GetSlug() != "copilot-users" || seat.PendingCancellationDate != nil {
			t.Fatalf("GetSeatDetails = %+v, %v", seat, err)
		}
		if ok, _, err := owner.Organizations.IsMember(ctx, "acme", "newcomer"); err != nil || !ok {
			t.Errorf("IsMember = %v, %v", ok, err)
		}

		// Leaving the team leaves the seat pending until the next cycle.
		if _, err := owner.Teams.RemoveTeamMembershipBySlug(ctx, "acme", "copilot-users", "newcomer"); err != nil {
			t.Fatal(err)
		}
		seat, _, err = owner.Copilot.GetSeatDetails(ctx, "acme", "newcomer")
		if err != nil || seat.GetPendingCancellationDate() != dirNextCycle {
			t.Fatalf("GetSeatDetails after leaving the team = %+v, %v", seat, err)
		}

		// Follow the member list to its end, two a page.
		var logins []string
		opts := &github.ListMembersOptions{ListOptions: github.ListOptions{PerPage: 2}}
		for {
			page, resp, err := owner.Organizations.ListMembers(ctx, "acme", opts)
			if err != nil {
				t.Fatal(err)
			}
			for _, u := range page {
				logins = append(logins, u.GetLogin())
			}
			if resp.NextPage == 0 {
				break
			}
			opts.Page = resp.NextPage
		}
		if len(logins) != 6 || logins[1] != "newcomer" {
			t.Errorf("ListMembers pages gave %v", logins)
		}

		edited, _, err := owner.Teams.EditTeamBySlug(ctx, "acme", "platform-juniors", github.NewTeam{Name: "Platform Juniors"}, true)
		if err != nil || edited.GetParent() != nil {
			t.Fatalf("EditTeamBySlug = %+v, %v", edited, err)
		}

		admin := e.client(t, "ghp_admin_site", true)
		u, resp, err := admin.Admin.CreateUser(ctx, github.CreateUserRequest{Login: "octo_cat", Email: github.Ptr("octo@example.com")})
		if err != nil || resp.StatusCode != 201 || u.GetLogin() != "octo-cat" {
			t.Fatalf("Admin.CreateUser = %+v, %v", u, err)
		}
		neworg, _, err := admin.Admin.CreateOrg(ctx, &github.Organization{Login: github.Ptr("octo-org")}, "octo-cat")
		if err != nil || neworg.GetLogin() != "octo-org" {
			t.Fatalf("Admin.CreateOrg = %+v, %v", neworg, err)
		}
		auth, _, err := admin.Admin.CreateUserImpersonation(ctx, "octo-cat", &github.ImpersonateUserOptions{Scopes: []string{"read:org"}})
		if err != nil || auth.GetToken() == "" {
			t.Fatalf("Admin.CreateUserImpersonation = %+v, %v", auth, err)
		}
		as, _, err := e.client(t, auth.GetToken(), false).Users.Get(ctx, "")
		if err != nil || as.GetLogin() != "octo-cat" {
			t.Fatalf("Users.Get as the impersonated user = %+v, %v", as, err)
		}
		if _, err := admin.Admin.DeleteUserImpersonation(ctx, "octo-cat"); err != nil {
			t.Fatal(err)
		}
		_, _, err = owner.Admin.CreateUser(ctx, github.CreateUserRequest{Login: "nope"})
		if !errors.As(err, &er) || er.Response.StatusCode != 403 || er.Message != "Must be a site administrator." {
			t.Errorf("CreateUser by a non-administrator: %v", err)
		}

		limits, _, err := owner.RateLimit.Get(ctx)
		if err != nil || limits.GetCore().Limit != 5000 || limits.GetCore().Remaining <= 0 {
			t.Fatalf("RateLimit.Get = %+v, %v", limits, err)
		}
	})
}
