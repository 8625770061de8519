package directory

import (
	"testing"

	"github.com/seatkeeper/seatkeeper"
)

func TestNormalizeLogin(t *testing.T) {
	for in, want := range map[string]string{
		"octo_cat": "octo-cat", "Octo--Cat": "Octo-Cat", "-octo-": "octo", "__": "", "mona lisa": "mona-lisa", "café": "caf",
	} {
		if got := NormalizeLogin(in); got != want {
			t.Errorf("NormalizeLogin(%q) = %q, want %q", in, got, want)
		}
	}
	for login, ok := range map[string]bool{"octo-cat": true, "octo_cat": false, "": false, "-a": false, "a23456789012345678901234567890123456789": true, "a234567890123456789012345678901234567890": false} {
		if got := validLogin(login); got != ok {
			t.Errorf("validLogin(%q) = %v", login, got)
		}
	}
}

func TestViewer(t *testing.T) {
	owner := &seatkeeper.Membership{UserID: 1, Role: seatkeeper.RoleAdmin, State: seatkeeper.StateActive}
	member := &seatkeeper.Membership{UserID: 2, Role: seatkeeper.RoleMember, State: seatkeeper.StateActive}
	invited := &seatkeeper.Membership{UserID: 3, Role: seatkeeper.RoleAdmin, State: seatkeeper.StatePending}
	closed := seatkeeper.Team{ID: 10, Privacy: seatkeeper.PrivacyClosed}
	secret := seatkeeper.Team{ID: 11, Privacy: seatkeeper.PrivacySecret}
	for _, c := range []struct {
		name                               string
		v                                  Viewer
		owner, member, closed, secret, inv bool
	}{
		{"installation", Viewer{Installation: true}, true, true, true, true, true},
		{"owner", Viewer{User: &seatkeeper.User{ID: 1}, Membership: owner}, true, true, true, true, true},
		{"member", Viewer{User: &seatkeeper.User{ID: 2}, Membership: member}, false, true, true, false, false},
		{"member of the secret team", Viewer{User: &seatkeeper.User{ID: 2}, Membership: member, TeamIDs: []int64{11}}, false, true, true, true, false},
		{"invited owner", Viewer{User: &seatkeeper.User{ID: 3}, Membership: invited}, false, false, false, false, true},
		{"outsider", Viewer{User: &seatkeeper.User{ID: 4}}, false, false, false, false, false},
		{"no credential", Viewer{}, false, false, false, false, false},
	} {
		v := c.v
		if v.Owner() != c.owner || v.Member() != c.member || v.CanSeeTeam(closed) != c.closed || v.CanSeeTeam(secret) != c.secret ||
			v.CanSeeMembership(*invited) != c.inv {
			t.Errorf("%s: owner %v member %v closed %v secret %v invitation %v", c.name,
				v.Owner(), v.Member(), v.CanSeeTeam(closed), v.CanSeeTeam(secret), v.CanSeeMembership(*invited))
		}
		if c.member && !v.CanSeeMembership(*member) {
			t.Errorf("%s cannot see an active membership", c.name)
		}
	}
}

func TestTeamRole(t *testing.T) {
	owner := &seatkeeper.Membership{Role: seatkeeper.RoleAdmin, State: seatkeeper.StateActive}
	invitedOwner := &seatkeeper.Membership{Role: seatkeeper.RoleAdmin, State: seatkeeper.StatePending}
	if TeamRole("member", owner) != "maintainer" || TeamRole("member", invitedOwner) != "member" || TeamRole("maintainer", nil) != "maintainer" {
		t.Error("TeamRole: an active owner is reported as maintainer, nobody else is changed")
	}
}
