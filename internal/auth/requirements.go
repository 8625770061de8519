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
// their own membership: read:org and write:org, or the members permission
// at read and write.
var (
	OwnMembershipRead = Requirement{
		Scopes:      []string{"read:org"},
		Permissions: []Permission{{Name: "members", Level: seatkeeper.PermissionRead}},
	}
	OwnMembershipWrite = Requirement{
		Scopes:      []string{"write:org"},
		Permissions: []Permission{{Name: "members", Level: seatkeeper.PermissionWrite}},
	}
)

// UsageMetricsRead is who may download an org's Copilot usage-metrics
// reports: owners, with read:org (or a scope implying it). GitHub also
// names a fine-grained "View Organization Copilot Metrics" permission,
// but its app-permissions schema has no such property, so no token
// seatkeeper mints can hold it: fine-grained and installation tokens are
// refused (403).
var UsageMetricsRead = Requirement{Scopes: []string{"read:org"}}

// EnterpriseUsageMetricsRead is who may download an enterprise's usage
// reports: its owners, with manage_billing:copilot or read:enterprise.
var EnterpriseUsageMetricsRead = Requirement{Scopes: []string{"manage_billing:copilot", "read:enterprise"}}
