package auth

import (
	"context"

	"github.com/seatkeeper/seatkeeper"
)

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

// EnterpriseSeatsRead is who may list an enterprise's seats: its owners
// and billing managers, with manage_billing:copilot or read:enterprise (admin:enterprise implies
// it).
var EnterpriseSeatsRead = Requirement{Scopes: []string{"manage_billing:copilot", "read:enterprise"}}

// EnterpriseMemberSeatRead is who may read one member's seats in an
// enterprise: its owners and billing managers, with manage_billing:copilot
// or read:org (GitHub's documented scopes for this route).
var EnterpriseMemberSeatRead = Requirement{Scopes: []string{"manage_billing:copilot", "read:org"}}

// EnterpriseCopilotWrite is who may grant and cancel seats at an
// enterprise: its owners, with manage_billing:copilot or admin:enterprise.
var EnterpriseCopilotWrite = Requirement{Scopes: []string{"manage_billing:copilot", "admin:enterprise"}}

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

// Messages of the enterprise routes' 403s. GitHub's exact texts are not
// public; these say what is needed.
const (
	MsgEnterpriseOwner     = "Must be an enterprise owner or billing manager to access this resource."
	MsgEnterpriseOwnerOnly = "Must be an enterprise owner to access this resource."
)

// CheckEnterpriseToken refuses the tokens no enterprise route accepts
// (403): fine-grained and installation tokens.
func CheckEnterpriseToken(t seatkeeper.Token) error {
	switch t.Kind {
	case seatkeeper.TokenFineGrained:
		return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgNotAccessiblePAT)
	case seatkeeper.TokenInstallation:
		return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgNotAccessibleIntegration)
	}
	return nil
}

// EnterpriseRoles answers who owns an enterprise and who manages its
// billing (a store).
type EnterpriseRoles interface {
	IsEnterpriseOwner(ctx context.Context, entID, userID int64) (bool, error)
	IsEnterpriseBillingManager(ctx context.Context, entID, userID int64) (bool, error)
}

// CheckEnterpriseCaller decides whether p, holding a token
// CheckEnterpriseToken let through, may use an enterprise route under
// req: the scope (404 without it), then an owner, or a billing manager
// where readers is true (403 otherwise).
func CheckEnterpriseCaller(ctx context.Context, roles EnterpriseRoles, p seatkeeper.Principal, entID int64, req Requirement, readers bool) error {
	if !HasAnyScope(p.Token.Scopes, req.Scopes) || p.User == nil {
		return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
	}
	owner, err := roles.IsEnterpriseOwner(ctx, entID, p.User.ID)
	if err != nil || owner {
		return err
	}
	manager, err := roles.IsEnterpriseBillingManager(ctx, entID, p.User.ID)
	switch {
	case err != nil:
		return err
	case manager && readers:
		return nil
	case manager:
		return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgEnterpriseOwnerOnly)
	}
	return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgEnterpriseOwner)
}

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
