package dashboard

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// Messages of the dashboard's refusals.
const (
	msgBadCredentials = "Bad credentials: the token is unknown, revoked or expired."
	msgCannotRead     = "This token cannot read Copilot seats. A classic or OAuth token needs the manage_billing:copilot or read:org scope (or a scope that implies one); a fine-grained or GitHub App installation token needs organization_copilot_seat_management (or organization_administration) at read."
	msgSessionEnded   = "Your session ended: the token it was opened with was revoked or has expired. Sign in again."
)

// authenticateToken resolves a pasted token as the API resolves a
// credential (auth.Resolve).
func (d *Dashboard) authenticateToken(ctx context.Context, tok string) (seatkeeper.Principal, error) {
	return auth.Resolve(ctx, d.store, tok, d.clock.Now())
}

// principalByTokenID resolves a session's token again.
func (d *Dashboard) principalByTokenID(ctx context.Context, id int64) (seatkeeper.Principal, error) {
	t, err := d.store.TokenByID(ctx, id)
	if seatkeeper.IsNotFound(err) {
		return seatkeeper.Principal{}, auth.ErrBadCredentials
	}
	if err != nil {
		return seatkeeper.Principal{}, err
	}
	return auth.PrincipalOf(ctx, d.store, t, d.clock.Now())
}

// mayReadSeats reports whether the token is of a kind, with scopes or
// permissions, that may read some org's Copilot seats: what signing in
// asks. Which orgs it may read is decided per org (canRead).
func mayReadSeats(t seatkeeper.Token) bool {
	if t.Kind.UsesScopes() { // an org's seats, or an enterprise's
		return auth.HasAnyScope(t.Scopes, auth.CopilotRead.Scopes) || auth.HasAnyScope(t.Scopes, auth.EnterpriseSeatsRead.Scopes)
	}
	return t.OrgID != 0 && auth.CopilotRead.CheckOrgToken(t, t.OrgID) == nil
}

// access is what the signed-in principal may do with one org's seats.
type access struct {
	Read  bool
	Write bool
	// WhyNotWrite says, when Write is false, why the seats are read-only.
	WhyNotWrite string
}

// orgAccess decides what p may do with org's seats, by the API's rules:
// reading needs the Copilot read requirement and an owner (installation
// tokens act for their org), except that a site administrator (by
// auth.CheckSiteAdmin: the user and the site_admin scope) may read every
// org; writing needs the write requirement and an owner, as the
// API's writes do.
func (d *Dashboard) orgAccess(ctx context.Context, p seatkeeper.Principal, org seatkeeper.Organization) (access, error) {
	var a access
	if auth.CopilotRead.CheckOrgToken(p.Token, org.ID) != nil {
		return a, nil
	}
	owner := true
	var m *seatkeeper.Membership
	if p.User != nil {
		mm, err := d.store.Membership(ctx, org.ID, p.User.ID)
		switch {
		case err == nil:
			m = &mm
		case !seatkeeper.IsNotFound(err):
			return a, err
		}
	}
	if auth.CheckOrgOwner(p, m) != nil {
		owner = false
	}
	a.Read = owner || auth.CheckSiteAdmin(p) == nil
	switch {
	case !a.Read:
	case !owner:
		a.WhyNotWrite = fmt.Sprintf("You can see %s's seats as a site administrator; only its owners can assign or cancel them.", org.Login)
	case auth.CopilotWrite.CheckOrgToken(p.Token, org.ID) != nil:
		a.WhyNotWrite = "This token can only read seats. To assign or cancel them, sign in with a token that may write: " + writeNeeds(p.Token) + "."
	default:
		a.Write = true
	}
	return a, nil
}

// writeNeeds names what a token of t's kind needs to change seats.
func writeNeeds(t seatkeeper.Token) string {
	if t.Kind.UsesScopes() {
		return "the " + strings.Join(auth.CopilotWrite.Scopes, " or ") + " scope"
	}
	names := make([]string, len(auth.CopilotWrite.Permissions))
	for i, p := range auth.CopilotWrite.Permissions {
		names[i] = p.Name
	}
	return strings.Join(names, " or ") + " at write"
}

// visibleOrgs lists the orgs p may read, in login order: its one org for a
// fine-grained or installation token; every org for a site administrator;
// otherwise the orgs its user owns.
func (d *Dashboard) visibleOrgs(ctx context.Context, p seatkeeper.Principal) ([]seatkeeper.Organization, error) {
	var candidates []seatkeeper.Organization
	if !p.Token.Kind.UsesScopes() {
		org, err := d.store.OrgByID(ctx, p.Token.OrgID)
		if seatkeeper.IsNotFound(err) {
			return nil, nil
		}
		if err != nil {
			return nil, err
		}
		candidates = []seatkeeper.Organization{org}
	} else {
		all, err := d.store.Orgs(ctx)
		if err != nil {
			return nil, err
		}
		candidates = all
	}
	var out []seatkeeper.Organization
	for _, org := range candidates {
		a, err := d.orgAccess(ctx, p, org)
		if err != nil {
			return nil, err
		}
		if a.Read {
			out = append(out, org)
		}
	}
	slices.SortFunc(out, func(a, b seatkeeper.Organization) int {
		return strings.Compare(seatkeeper.LoginKey(a.Login), seatkeeper.LoginKey(b.Login))
	})
	return out, nil
}

// who describes the principal for the page header.
func who(p seatkeeper.Principal) string {
	kind := map[seatkeeper.TokenKind]string{
		seatkeeper.TokenClassic:      "classic token",
		seatkeeper.TokenOAuth:        "OAuth token",
		seatkeeper.TokenFineGrained:  "fine-grained token",
		seatkeeper.TokenInstallation: "installation token",
	}[p.Token.Kind]
	if p.User == nil {
		return "GitHub App installation (" + kind + " " + p.Token.Hint + ")"
	}
	return p.User.Login + " (" + kind + " " + p.Token.Hint + ")"
}
