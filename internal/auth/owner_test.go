package auth

import (
	"testing"

	"github.com/seatkeeper/seatkeeper"
)

// TestCheckOrgOwner: only an active owner acts as one; an owner whose
// invitation is still pending, a member, or a user with no membership is
// answered 404; an installation token acts for the org itself.
func TestCheckOrgOwner(t *testing.T) {
	user := &seatkeeper.User{ID: 7, Login: "u"}
	classic := seatkeeper.Principal{Token: seatkeeper.Token{Kind: seatkeeper.TokenClassic}, User: user}
	membership := func(role, state string) *seatkeeper.Membership {
		return &seatkeeper.Membership{OrgID: 1, UserID: user.ID, Role: role, State: state}
	}
	for _, c := range []struct {
		name string
		p    seatkeeper.Principal
		m    *seatkeeper.Membership
		ok   bool
	}{
		{"active owner", classic, membership(seatkeeper.RoleAdmin, seatkeeper.StateActive), true},
		{"pending owner", classic, membership(seatkeeper.RoleAdmin, seatkeeper.StatePending), false},
		{"active member", classic, membership(seatkeeper.RoleMember, seatkeeper.StateActive), false},
		{"pending member", classic, membership(seatkeeper.RoleMember, seatkeeper.StatePending), false},
		{"no membership", classic, nil, false},
		{"no user", seatkeeper.Principal{Token: seatkeeper.Token{Kind: seatkeeper.TokenClassic}}, membership(seatkeeper.RoleAdmin, seatkeeper.StateActive), false},
		{"fine-grained, pending owner", seatkeeper.Principal{Token: seatkeeper.Token{Kind: seatkeeper.TokenFineGrained}, User: user},
			membership(seatkeeper.RoleAdmin, seatkeeper.StatePending), false},
		{"installation", seatkeeper.Principal{Token: seatkeeper.Token{Kind: seatkeeper.TokenInstallation}}, nil, true},
	} {
		err := CheckOrgOwner(c.p, c.m)
		if c.ok {
			if err != nil {
				t.Errorf("%s: %v, want allowed", c.name, err)
			}
			continue
		}
		if !seatkeeper.IsNotFound(err) || err.Error() != "Not Found" {
			t.Errorf("%s: %v, want 404 Not Found", c.name, err)
		}
	}
}
