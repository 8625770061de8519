package auth

import (
	"slices"
	"strings"

	"github.com/seatkeeper/seatkeeper"
)

// Messages GitHub uses for refused fine-grained and app tokens.
const (
	MsgNotAccessiblePAT         = "Resource not accessible by personal access token"
	MsgNotAccessibleIntegration = "Resource not accessible by integration"
)

// implied maps a scope to the scopes it includes (transitively expanded by
// Expand). From GitHub's OAuth scope documentation.
var implied = map[string][]string{
	"admin:org":        {"write:org"},
	"write:org":        {"read:org"},
	"copilot":          {"manage_billing:copilot"},
	"admin:enterprise": {"read:enterprise", "manage_billing:enterprise"},
	"user":             {"read:user", "user:email", "user:follow"},
}

// Expand returns scopes with every implied scope added.
func Expand(scopes []string) []string {
	out := slices.Clone(scopes)
	for i := 0; i < len(out); i++ {
		for _, s := range implied[out[i]] {
			if !slices.Contains(out, s) {
				out = append(out, s)
			}
		}
	}
	return out
}

// HasAnyScope reports whether scopes, with their implications, include any
// of want.
func HasAnyScope(scopes, want []string) bool {
	all := Expand(scopes)
	for _, w := range want {
		if slices.Contains(all, w) {
			return true
		}
	}
	return false
}

// Permission is a fine-grained permission at a minimum level.
type Permission struct {
	Name  string
	Level string // read | write | admin
}

func (p Permission) String() string { return p.Name + "=" + p.Level }

func levelRank(l string) int {
	switch l {
	case seatkeeper.PermissionRead:
		return 1
	case seatkeeper.PermissionWrite:
		return 2
	case seatkeeper.PermissionAdmin:
		return 3
	}
	return 0
}

// HasAnyPermission reports whether granted meets any of want.
func HasAnyPermission(granted map[string]string, want []Permission) bool {
	for _, w := range want {
		if levelRank(granted[w.Name]) >= levelRank(w.Level) {
			return true
		}
	}
	return false
}

// Requirement is what a route asks of the caller's token. Scopes apply to
// classic and OAuth tokens, Permissions to fine-grained and installation
// tokens; either list is satisfied by any one of its entries. AnyScope
// asks no scope of classic and OAuth tokens.
type Requirement struct {
	Scopes      []string
	AnyScope    bool
	Permissions []Permission
}

// AcceptedScopes is the X-Accepted-OAuth-Scopes value for r.
func (r Requirement) AcceptedScopes() string { return strings.Join(r.Scopes, ", ") }

// AcceptedPermissions is the X-Accepted-GitHub-Permissions value for r:
// alternatives separated by "; ".
func (r Requirement) AcceptedPermissions() string {
	parts := make([]string, len(r.Permissions))
	for i, p := range r.Permissions {
		parts[i] = p.String()
	}
	return strings.Join(parts, "; ")
}

// CheckOrgToken decides whether the token may act on org under r, before
// any question of who its user is. GitHub hides an org from a classic or
// OAuth token that lacks the scope (404) and refuses a fine-grained or
// installation token that lacks the permission or belongs to another org
// (403, with a message naming the token type).
func (r Requirement) CheckOrgToken(t seatkeeper.Token, orgID int64) error {
	switch t.Kind {
	case seatkeeper.TokenClassic, seatkeeper.TokenOAuth:
		if !r.AnyScope && !HasAnyScope(t.Scopes, r.Scopes) {
			return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
		}
	case seatkeeper.TokenFineGrained:
		if t.OrgID != orgID || !HasAnyPermission(t.Permissions, r.Permissions) {
			return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgNotAccessiblePAT)
		}
	case seatkeeper.TokenInstallation:
		if t.OrgID != orgID || !HasAnyPermission(t.Permissions, r.Permissions) {
			return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgNotAccessibleIntegration)
		}
	default:
		return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
	}
	return nil
}

// CheckOrgOwner decides whether the principal acts as an owner of the org:
// installation tokens act for the org itself; any other token's user must
// be an active owner. m is the user's membership, nil when there is none.
func CheckOrgOwner(p seatkeeper.Principal, m *seatkeeper.Membership) error {
	if p.Token.Kind == seatkeeper.TokenInstallation {
		return nil
	}
	if p.User == nil || m == nil || !m.IsActiveOwner() {
		return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
	}
	return nil
}

// MsgSiteAdmin is the 403 for a caller who is not a site administrator.
const MsgSiteAdmin = "Must be a site administrator."

// CheckSiteAdmin decides whether the principal acts as a site
// administrator (GitHub Enterprise Server's /admin API, seatkeeper's
// control API, and the dashboard's view of every org): its user must be a
// site administrator and its token a classic or OAuth token carrying the
// site_admin scope. A site administrator's token without the scope acts
// as the user's other tokens do; fine-grained and installation tokens
// never qualify.
func CheckSiteAdmin(p seatkeeper.Principal) error {
	switch {
	case p.Token.Kind == seatkeeper.TokenFineGrained:
		return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgNotAccessiblePAT)
	case p.Token.Kind == seatkeeper.TokenInstallation:
		return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgNotAccessibleIntegration)
	case p.User == nil || !p.User.SiteAdmin || !HasAnyScope(p.Token.Scopes, []string{ScopeSiteAdmin}):
		return seatkeeper.Errorf(seatkeeper.KindForbidden, MsgSiteAdmin)
	}
	return nil
}

// ScopeSiteAdmin is the scope a site administrator's token needs to act as
// one.
const ScopeSiteAdmin = "site_admin"
