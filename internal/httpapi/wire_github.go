package httpapi

import (
	"fmt"

	"github.com/seatkeeper/seatkeeper"
)

// Wire types of the user, organization, team, enterprise-team and
// site-administrator endpoints, built from domain values. seatkeeper keeps
// no repositories, gists, followers or profiles beyond a name and an
// email, so those counts are 0 and those fields null, as GitHub shows them
// for an account that has none.

// publicUser is GitHub's public-user: what anyone may see of an account.
// The schema admits no other field.
type publicUser struct {
	simpleUser
	Name              *string `json:"name"`
	Company           *string `json:"company"`
	Blog              string  `json:"blog"`
	Location          *string `json:"location"`
	Email             *string `json:"email"`
	NotificationEmail *string `json:"notification_email,omitempty"`
	Hireable          *bool   `json:"hireable"`
	Bio               *string `json:"bio"`
	TwitterUsername   *string `json:"twitter_username"`
	PublicRepos       int     `json:"public_repos"`
	PublicGists       int     `json:"public_gists"`
	Followers         int     `json:"followers"`
	Following         int     `json:"following"`
	CreatedAt         string  `json:"created_at"`
	UpdatedAt         string  `json:"updated_at"`
}

// privateUser is GitHub's private-user: the authenticated user's own view
// of their account.
type privateUser struct {
	publicUser
	PrivateGists            int      `json:"private_gists"`
	TotalPrivateRepos       int      `json:"total_private_repos"`
	OwnedPrivateRepos       int      `json:"owned_private_repos"`
	DiskUsage               int      `json:"disk_usage"`
	Collaborators           int      `json:"collaborators"`
	TwoFactorAuthentication bool     `json:"two_factor_authentication"`
	Plan                    userPlan `json:"plan"`
}

type userPlan struct {
	Collaborators int    `json:"collaborators"`
	Name          string `json:"name"`
	Space         int    `json:"space"`
	PrivateRepos  int    `json:"private_repos"`
}

// publicUser shows x; showEmail is false for unauthenticated callers, who
// GitHub shows no email address.
func (u urls) publicUser(x seatkeeper.User, showEmail bool) publicUser {
	out := publicUser{
		simpleUser: u.simpleUser(x),
		Name:       NullableString(x.Name),
		CreatedAt:  Timestamp(x.CreatedAt),
		UpdatedAt:  Timestamp(x.UpdatedAt),
	}
	if showEmail {
		out.Email = NullableString(x.Email)
	}
	return out
}

func (u urls) privateUser(x seatkeeper.User) privateUser {
	pub := u.publicUser(x, true)
	pub.UserViewType = "private"
	pub.NotificationEmail = pub.Email
	return privateUser{publicUser: pub, Plan: userPlan{Name: "free"}}
}

// orgAsUser is an organization as GET /users/{username} shows it: a
// public-user of type Organization.
func (u urls) orgAsUser(o seatkeeper.Organization) publicUser {
	api := u.api + "/users/" + o.Login
	return publicUser{
		simpleUser: simpleUser{
			Login:             o.Login,
			ID:                o.ID,
			NodeID:            nodeID("Organization", o.ID),
			AvatarURL:         fmt.Sprintf("%s/avatars/u/%d?v=4", u.html, o.ID),
			URL:               api,
			HTMLURL:           u.html + "/" + o.Login,
			FollowersURL:      api + "/followers",
			FollowingURL:      api + "/following{/other_user}",
			GistsURL:          api + "/gists{/gist_id}",
			StarredURL:        api + "/starred{/owner}{/repo}",
			SubscriptionsURL:  api + "/subscriptions",
			OrganizationsURL:  api + "/orgs",
			ReposURL:          api + "/repos",
			EventsURL:         api + "/events{/privacy}",
			ReceivedEventsURL: api + "/received_events",
			Type:              "Organization",
			UserViewType:      "public",
		},
		Name:      NullableString(o.Name),
		Bio:       NullableString(o.Description),
		CreatedAt: Timestamp(o.CreatedAt),
		UpdatedAt: Timestamp(o.UpdatedAt),
	}
}

// orgFull is GitHub's organization-full (and team-organization, its
// subset).
type orgFull struct {
	orgSimple
	Name                    string  `json:"name,omitempty"`
	IsVerified              bool    `json:"is_verified"`
	HasOrganizationProjects bool    `json:"has_organization_projects"`
	HasRepositoryProjects   bool    `json:"has_repository_projects"`
	PublicRepos             int     `json:"public_repos"`
	PublicGists             int     `json:"public_gists"`
	Followers               int     `json:"followers"`
	Following               int     `json:"following"`
	TwitterUsername         *string `json:"twitter_username"`
	HTMLURL                 string  `json:"html_url"`
	Type                    string  `json:"type"`
	*orgOwnerFields
	CreatedAt  string  `json:"created_at"`
	UpdatedAt  string  `json:"updated_at"`
	ArchivedAt *string `json:"archived_at"`
}

// orgOwnerFields are what GET /orgs/{org} adds for the org's owners, in
// GitHub's order. seatkeeper keeps no repositories, billing address,
// two-factor policy or repository defaults: those counts are 0 and those
// settings null, as the schema allows. The plan's seats are the
// memberships, invitations included.
type orgOwnerFields struct {
	TotalPrivateRepos            int      `json:"total_private_repos"`
	OwnedPrivateRepos            int      `json:"owned_private_repos"`
	PrivateGists                 int      `json:"private_gists"`
	DiskUsage                    int      `json:"disk_usage"`
	Collaborators                int      `json:"collaborators"`
	BillingEmail                 *string  `json:"billing_email"`
	Plan                         *orgPlan `json:"plan"`
	DefaultRepositoryPermission  *string  `json:"default_repository_permission"`
	DefaultRepositoryBranch      *string  `json:"default_repository_branch"`
	MembersCanCreateRepositories *bool    `json:"members_can_create_repositories"`
	TwoFactorRequirementEnabled  *bool    `json:"two_factor_requirement_enabled"`
}

type orgPlan struct {
	Name         string `json:"name"`
	Space        int    `json:"space"`
	PrivateRepos int    `json:"private_repos"`
	FilledSeats  int    `json:"filled_seats"`
	Seats        int    `json:"seats"`
}

// ownerFields are o's owner-only fields with seats memberships: GitHub's
// enterprise plan for an org of an enterprise, its free plan otherwise.
func ownerFields(o seatkeeper.Organization, seats int) *orgOwnerFields {
	plan := orgPlan{Name: "free", FilledSeats: seats, Seats: seats}
	if o.EnterpriseID != 0 {
		plan.Name = "enterprise"
	}
	return &orgOwnerFields{Plan: &plan}
}

func (u urls) orgFull(o seatkeeper.Organization) orgFull {
	return orgFull{
		orgSimple:               u.orgSimple(o),
		Name:                    o.Name,
		HasOrganizationProjects: true,
		HasRepositoryProjects:   true,
		HTMLURL:                 u.html + "/" + o.Login,
		Type:                    "Organization",
		CreatedAt:               Timestamp(o.CreatedAt),
		UpdatedAt:               Timestamp(o.UpdatedAt),
	}
}

// orgMembership is GitHub's org-membership.
type orgMembership struct {
	URL             string     `json:"url"`
	State           string     `json:"state"`
	Role            string     `json:"role"`
	OrganizationURL string     `json:"organization_url"`
	Organization    orgSimple  `json:"organization"`
	User            simpleUser `json:"user"`
}

func (u urls) orgMembership(o seatkeeper.Organization, x seatkeeper.User, m seatkeeper.Membership) orgMembership {
	return orgMembership{
		URL:             fmt.Sprintf("%s/orgs/%s/memberships/%s", u.api, o.Login, x.Login),
		State:           m.State,
		Role:            m.Role,
		OrganizationURL: u.api + "/orgs/" + o.Login,
		Organization:    u.orgSimple(o),
		User:            u.simpleUser(x),
	}
}

// orgInvitation is GitHub's organization-invitation.
type orgInvitation struct {
	ID                 int64      `json:"id"`
	NodeID             string     `json:"node_id"`
	Login              *string    `json:"login"`
	Email              *string    `json:"email"`
	Role               string     `json:"role"`
	CreatedAt          string     `json:"created_at"`
	FailedAt           *string    `json:"failed_at"`
	FailedReason       *string    `json:"failed_reason"`
	Inviter            simpleUser `json:"inviter"`
	TeamCount          int        `json:"team_count"`
	InvitationTeamsURL string     `json:"invitation_teams_url"`
	InvitationSource   string     `json:"invitation_source"`
}

// ghost is the account GitHub shows in place of one it cannot name; it
// stands for the unknown sender of an invitation loaded from a seed.
var ghost = seatkeeper.User{ID: 10137, Login: "ghost"}

func (u urls) orgInvitation(o seatkeeper.Organization, inv seatkeeper.Invitation) orgInvitation {
	// GitHub calls an invitation to be a plain member "direct_member".
	role := "direct_member"
	if inv.Role == seatkeeper.RoleAdmin {
		role = "admin"
	}
	inviter := ghost
	if inv.Inviter != nil {
		inviter = *inv.Inviter
	}
	login := inv.User.Login
	return orgInvitation{
		ID:                 inv.ID,
		NodeID:             nodeID("OrganizationInvitation", inv.ID),
		Login:              &login,
		Email:              NullableString(inv.User.Email),
		Role:               role,
		CreatedAt:          Timestamp(inv.CreatedAt),
		Inviter:            u.simpleUser(inviter),
		TeamCount:          inv.TeamCount,
		InvitationTeamsURL: fmt.Sprintf("%s/organizations/%d/invitations/%d/teams", u.api, o.ID, inv.ID),
		InvitationSource:   "member",
	}
}

// teamFull is GitHub's team-full.
type teamFull struct {
	team
	MembersCount int     `json:"members_count"`
	ReposCount   int     `json:"repos_count"`
	CreatedAt    string  `json:"created_at"`
	UpdatedAt    string  `json:"updated_at"`
	Organization orgFull `json:"organization"`
}

func (u urls) teamFull(t seatkeeper.Team, parent *seatkeeper.Team, org seatkeeper.Organization, members int) teamFull {
	return teamFull{
		team:         u.team(t, parent, org),
		MembersCount: members,
		CreatedAt:    Timestamp(t.CreatedAt),
		UpdatedAt:    Timestamp(t.UpdatedAt),
		Organization: u.orgFull(org),
	}
}

// teamMember is GitHub's team-member: a simple-user with the member's
// role on the team and whether they belong through a child team.
type teamMember struct {
	simpleUser
	Role      string `json:"role"`
	Inherited bool   `json:"inherited"`
}

// teamMembership is GitHub's team-membership.
type teamMembership struct {
	URL   string `json:"url"`
	Role  string `json:"role"`
	State string `json:"state"`
}

func (u urls) teamMembership(org seatkeeper.Organization, t seatkeeper.Team, x seatkeeper.User, role, state string) teamMembership {
	return teamMembership{
		URL:   fmt.Sprintf("%s/organizations/%d/team/%d/memberships/%s", u.api, org.ID, t.ID, x.Login),
		Role:  role,
		State: state,
	}
}

// authorization is GitHub's authorization, as the impersonation endpoint
// answers it.
type authorization struct {
	ID             int64      `json:"id"`
	URL            string     `json:"url"`
	App            oauthApp   `json:"app"`
	Token          string     `json:"token"`
	HashedToken    *string    `json:"hashed_token"`
	TokenLastEight *string    `json:"token_last_eight"`
	Note           *string    `json:"note"`
	NoteURL        *string    `json:"note_url"`
	CreatedAt      string     `json:"created_at"`
	UpdatedAt      string     `json:"updated_at"`
	Scopes         []string   `json:"scopes"`
	Fingerprint    *string    `json:"fingerprint"`
	User           simpleUser `json:"user"`
	ExpiresAt      *string    `json:"expires_at"`
}

type oauthApp struct {
	Name     string `json:"name"`
	URL      string `json:"url"`
	ClientID string `json:"client_id"`
}

// docImpersonation is where GitHub's impersonation tokens point as their
// app's URL.
const docImpersonation = "https://docs.github.com/enterprise-server/rest/enterprise-admin/users#create-an-impersonation-oauth-token"

func (u urls) authorization(t seatkeeper.Token, secret string, x seatkeeper.User) authorization {
	last8 := secret[max(len(secret)-8, 0):]
	scopes := t.Scopes
	if scopes == nil {
		scopes = []string{}
	}
	return authorization{
		ID:             t.ID,
		URL:            fmt.Sprintf("%s/authorizations/%d", u.api, t.ID),
		App:            oauthApp{Name: t.Note, URL: docImpersonation},
		Token:          secret,
		HashedToken:    &t.Hash,
		TokenLastEight: &last8,
		CreatedAt:      Timestamp(t.CreatedAt),
		UpdatedAt:      Timestamp(t.CreatedAt),
		Scopes:         scopes,
		User:           u.simpleUser(x),
		ExpiresAt:      NullableTimestamp(t.ExpiresAt),
	}
}

// rateLimit is GitHub's rate-limit.
type rateLimit struct {
	Limit     int   `json:"limit"`
	Remaining int   `json:"remaining"`
	Reset     int64 `json:"reset"`
	Used      int   `json:"used"`
}

// rateLimitOverview is GitHub's rate-limit-overview. Rate repeats
// resources.core.
type rateLimitOverview struct {
	Resources map[string]rateLimit `json:"resources"`
	Rate      *rateLimit           `json:"rate,omitempty"` // before API version 2026-03-10
}
