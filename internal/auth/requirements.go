package auth

import "github.com/seatkeeper/seatkeeper"

// The requirements of seatkeeper's routes, in one place: the API's guards
// and the dashboard apply these same values.

// CopilotRead is who may read Copilot seats: owners, with
// manage_billing:copilot or read:org (or a scope implying one), or the
// Copilot seat management or administration permission at read.
var CopilotRead = Requirement{
	Scopes: []string{"manage_billing:copilot", "read:org"},
	Permissions: []Permission{
		{Name: "organization_copilot_seat_management", Level: seatkeeper.PermissionRead},
		{Name: "organization_administration", Level: seatkeeper.PermissionRead},
	},
}

// CopilotWrite is who may assign and cancel seats: owners, with
// manage_billing:copilot or admin:org (write:org is not enough), or those
// permissions at write.
var CopilotWrite = Requirement{
	Scopes: []string{"manage_billing:copilot", "admin:org"},
	Permissions: []Permission{
		{Name: "organization_copilot_seat_management", Level: seatkeeper.PermissionWrite},
		{Name: "organization_administration", Level: seatkeeper.PermissionWrite},
	},
}

// EnterpriseSeatsRead is who may list an enterprise's seats: its owners,
// with manage_billing:copilot or read:enterprise (admin:enterprise implies
// it).
var EnterpriseSeatsRead = Requirement{Scopes: []string{"manage_billing:copilot", "read:enterprise"}}

// EnterpriseTeamsRead and EnterpriseTeamsWrite are who may list and create
// an enterprise's teams: its owners, with read:enterprise or
// admin:enterprise. Fine-grained and installation tokens are refused, as
// on the enterprise seat list.
var (
	EnterpriseTeamsRead  = Requirement{Scopes: []string{"read:enterprise"}}
	EnterpriseTeamsWrite = Requirement{Scopes: []string{"admin:enterprise"}}
)

// MembersRead is who may read an org's members, memberships, invitations
// and teams: read:org (or a scope implying it), or the members or
// organization administration permission at read.
var MembersRead = Requirement{
	Scopes: []string{"read:org"},
	Permissions: []Permission{
		{Name: "members", Level: seatkeeper.PermissionRead},
		{Name: "organization_administration", Level: seatkeeper.PermissionRead},
	},
}

// OrgRead is who may read an org's profile as its owners see it and its
// memberships, the scopes GitHub announces on GET /orgs/{org} and the
// membership routes: admin:org, read:org, repo, user or write:org; or the
// members or organization administration permission at read.
var OrgRead = Requirement{
	Scopes:      []string{"admin:org", "read:org", "repo", "user", "write:org"},
	Permissions: MembersRead.Permissions,
}

// MemberCheck is who may ask whether a user is a member (others are sent
// to the public membership check): read:org, repo or user.
var MemberCheck = Requirement{
	Scopes:      []string{"read:org", "repo", "user"},
	Permissions: MembersRead.Permissions,
}

// MembersList is who sees an org's members whole (others see its public
// members): any classic or OAuth token, as GitHub asks no scope there.
var MembersList = Requirement{AnyScope: true, Permissions: MembersRead.Permissions}

// MembersWrite is who may change them: admin:org (write:org is not enough,
// as for the Copilot writes), or those permissions at write.
var MembersWrite = Requirement{
	Scopes: []string{"admin:org"},
	Permissions: []Permission{
		{Name: "members", Level: seatkeeper.PermissionWrite},
		{Name: "organization_administration", Level: seatkeeper.PermissionWrite},
	},
}

// OwnMembershipRead and OwnMembershipWrite are who may read and accept
// their own membership: OrgRead's scopes and write:org, or the members
// permission at read and write.
var (
	OwnMembershipRead = Requirement{
		Scopes:      OrgRead.Scopes,
		Permissions: []Permission{{Name: "members", Level: seatkeeper.PermissionRead}},
	}
	OwnMembershipWrite = Requirement{
		Scopes:      []string{"write:org"},
		Permissions: []Permission{{Name: "members", Level: seatkeeper.PermissionWrite}},
	}
)
