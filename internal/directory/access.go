package directory

import (
	"slices"

	"github.com/seatkeeper/seatkeeper"
)

// Viewer is what a caller is to one organization, once its token has
// passed the route's scope or permission check: the org itself (an
// installation token), a user with a membership, or an outsider.
type Viewer struct {
	Installation bool                   // the org's own installation token
	User         *seatkeeper.User       // nil for an installation or no credential
	Membership   *seatkeeper.Membership // the user's membership; nil for none
	TeamIDs      []int64                // teams of the org the user is a direct member of
}

// Owner reports whether the viewer acts as an owner of the org.
func (v Viewer) Owner() bool {
	return v.Installation || v.Membership != nil && v.Membership.IsActiveOwner()
}

// Member reports whether the viewer sees the org as its members do: its
// installation, or an active member (owners included).
func (v Viewer) Member() bool {
	return v.Installation || v.Membership != nil && v.Membership.State == seatkeeper.StateActive
}

// Is reports whether the viewer is the user with id userID.
func (v Viewer) Is(userID int64) bool { return v.User != nil && v.User.ID == userID }

// CanSeeTeam applies GitHub's team visibility: a closed team is visible to
// every member of the org, a secret team only to owners and the team's own
// members.
func (v Viewer) CanSeeTeam(t seatkeeper.Team) bool {
	switch {
	case v.Owner():
		return true
	case !v.Member():
		return false
	case t.Privacy == seatkeeper.PrivacyClosed:
		return true
	}
	return slices.Contains(v.TeamIDs, t.ID)
}

// CanSeeMembership reports whether the viewer may read a user's membership
// of the org: members may read active memberships; invitations are for
// owners and the invitee.
func (v Viewer) CanSeeMembership(m seatkeeper.Membership) bool {
	switch {
	case v.Owner() || v.Is(m.UserID):
		return true
	case !v.Member():
		return false
	}
	return m.State == seatkeeper.StateActive
}
