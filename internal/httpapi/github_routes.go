package httpapi

import "github.com/seatkeeper/seatkeeper/internal/auth"

// githubRoutes registers GitHub's user, organization, team, enterprise
// team, site administrator and meta routes; each names who may call it.
func (s *Server) githubRoutes() {
	// Users.
	s.mux.Handle("GET /user", s.authenticatedUser(s.handleGetAuthenticatedUser))
	s.mux.Handle("GET /users/{username}", s.handle(s.handleGetUser))

	// Organizations and their members.
	s.mux.Handle("GET /orgs/{org}", s.orgPublic(auth.OrgRead, s.handleGetOrg))
	s.mux.Handle("GET /orgs/{org}/members", s.orgPublic(auth.MembersList, s.handleListMembers))
	s.mux.Handle("GET /organizations/{org_id}/members", s.orgPublic(auth.MembersList, s.handleListMembers)) // where its Link leads
	s.mux.Handle("GET /orgs/{org}/members/{username}", s.orgPublic(auth.MemberCheck, s.handleCheckMember))
	s.mux.Handle("DELETE /orgs/{org}/members/{username}", s.orgOwner(auth.MembersWrite, s.handleRemoveMember))
	s.mux.Handle("GET /orgs/{org}/memberships/{username}", s.orgMember(auth.OrgRead, s.handleGetMembership))
	s.mux.Handle("PUT /orgs/{org}/memberships/{username}", s.orgOwner(auth.MembersWrite, s.handleSetMembership))
	s.mux.Handle("DELETE /orgs/{org}/memberships/{username}", s.orgOwner(auth.MembersWrite, s.handleRemoveMember))
	s.mux.Handle("GET /orgs/{org}/public_members", s.handle(s.handleListPublicMembers))
	s.mux.Handle("GET /orgs/{org}/public_members/{username}", s.handle(s.handleCheckPublicMember))
	s.mux.Handle("PUT /orgs/{org}/public_members/{username}", s.ownMembership(auth.OwnMembershipWrite, s.handleSetPublicMembership(true)))
	s.mux.Handle("DELETE /orgs/{org}/public_members/{username}", s.ownMembership(auth.OwnMembershipWrite, s.handleSetPublicMembership(false)))
	s.mux.Handle("GET /orgs/{org}/invitations", s.orgOwner(auth.MembersRead, s.handleListInvitations))
	s.mux.Handle("GET /user/memberships/orgs/{org}", s.ownMembership(auth.OwnMembershipRead, s.handleGetOwnMembership))
	s.mux.Handle("PATCH /user/memberships/orgs/{org}", s.ownMembership(auth.OwnMembershipWrite, s.handleUpdateOwnMembership))

	// Teams: members may read the teams they can see; owners manage them.
	s.mux.Handle("POST /orgs/{org}/teams", s.orgOwner(auth.MembersWrite, s.handleCreateTeam))
	s.mux.Handle("GET /orgs/{org}/teams", s.orgMember(auth.MembersRead, s.handleListTeams))
	s.mux.Handle("GET /orgs/{org}/teams/{team_slug}", s.orgMember(auth.MembersRead, s.handleGetTeam))
	s.mux.Handle("PATCH /orgs/{org}/teams/{team_slug}", s.orgOwner(auth.MembersWrite, s.handleUpdateTeam))
	s.mux.Handle("DELETE /orgs/{org}/teams/{team_slug}", s.orgOwner(auth.MembersWrite, s.handleDeleteTeam))
	s.mux.Handle("GET /orgs/{org}/teams/{team_slug}/members", s.orgMember(auth.MembersRead, s.handleListTeamMembers))
	s.mux.Handle("GET /orgs/{org}/teams/{team_slug}/memberships/{username}", s.orgMember(auth.MembersRead, s.handleGetTeamMembership))
	s.mux.Handle("PUT /orgs/{org}/teams/{team_slug}/memberships/{username}", s.orgOwner(auth.MembersWrite, s.handleSetTeamMembership))
	s.mux.Handle("DELETE /orgs/{org}/teams/{team_slug}/memberships/{username}", s.orgOwner(auth.MembersWrite, s.handleRemoveTeamMembership))
	s.legacyTeamRoutes()

	// Enterprise teams: enterprise owners.
	s.mux.Handle("GET /enterprises/{enterprise}/teams", s.enterpriseOwner(auth.EnterpriseTeamsRead, s.handleListEnterpriseTeams))
	s.mux.Handle("POST /enterprises/{enterprise}/teams", s.enterpriseOwner(auth.EnterpriseTeamsWrite, s.handleCreateEnterpriseTeam))

	// GitHub Enterprise Server's site administrator API.
	s.mux.Handle("POST /admin/users", s.siteAdmin(s.handleAdminCreateUser))
	s.mux.Handle("POST /admin/organizations", s.siteAdmin(s.handleAdminCreateOrg))
	s.mux.Handle("POST /admin/users/{username}/authorizations", s.siteAdmin(s.handleAdminImpersonate))
	s.mux.Handle("DELETE /admin/users/{username}/authorizations", s.siteAdmin(s.handleAdminRevokeImpersonation))

	// Meta: anyone.
	s.mux.Handle("GET /{$}", s.handle(s.handleRoot))
	s.mux.Handle("GET /avatars/u/{id}", s.handle(s.handleAvatar))
	for _, path := range graphqlPaths {
		s.mux.Handle("POST "+path, s.handle(s.handleGraphQL))
	}
	s.mux.Handle("GET /rate_limit", s.handle(s.handleRateLimit))
	s.mux.Handle("GET /versions", s.handle(s.handleVersions))
}
