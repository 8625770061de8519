package seatkeeper

import (
	"strings"
	"time"
)

// MaxID is the largest id a caller may choose (a seed document's explicit
// ids): 4,294,967,295, far above GitHub's user, organization and team ids
// yet far enough below the ids seatkeeper reserves (the bootstrap
// administrator's, 10,000,000,000) and int64's end that the sequences
// counting on from it stay valid.
const MaxID = 1<<32 - 1

// LoginKey is the case-insensitive identity of a login, slug or team name:
// GitHub treats "Octocat" and "octocat" as the same account.
func LoginKey(login string) string { return strings.ToLower(login) }

// User is a GitHub user account.
type User struct {
	ID        int64
	Login     string
	Name      string // empty when unset
	Email     string // empty when unset
	SiteAdmin bool
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Organization is a GitHub organization.
type Organization struct {
	ID           int64
	Login        string
	Name         string // the display (profile) name; empty when unset
	Description  string
	EnterpriseID int64 // 0 when the org belongs to no enterprise
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Enterprise is a GitHub enterprise account, the parent of organizations.
type Enterprise struct {
	ID        int64
	Slug      string
	Name      string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// Roles and states of an organization membership, as GitHub spells them.
const (
	RoleAdmin  = "admin" // an organization owner
	RoleMember = "member"

	StateActive  = "active"
	StatePending = "pending" // an invitation not yet accepted
)

// Membership is a user's relationship to an organization.
type Membership struct {
	OrgID     int64
	UserID    int64
	Role      string
	State     string
	CreatedAt time.Time
	UpdatedAt time.Time
}

// IsActiveOwner reports whether the membership makes the user an owner now.
func (m Membership) IsActiveOwner() bool { return m.State == StateActive && m.Role == RoleAdmin }

// Invitation is a pending organization membership as GitHub's invitation
// endpoints show it.
type Invitation struct {
	ID        int64
	OrgID     int64
	User      User
	Role      string // the membership's role: admin or member
	Inviter   *User  // nil when unknown, as for invitations loaded from a seed
	TeamCount int    // teams of the org the invitee was added to
	CreatedAt time.Time
}

// Team privacy settings and team member roles, as GitHub spells them.
const (
	PrivacySecret = "secret" // visible to the org's owners and the team's members
	PrivacyClosed = "closed" // visible to every member of the org

	TeamRoleMember     = "member"
	TeamRoleMaintainer = "maintainer"
)

// Team is an organization team. Members of a child team count as members of
// each of its ancestors.
type Team struct {
	ID                  int64
	OrgID               int64
	Name                string
	Slug                string
	Description         string
	Privacy             string // secret | closed
	NotificationSetting string // notifications_enabled | notifications_disabled
	Permission          string // pull | push | admin ...
	ParentID            int64  // 0 for a root team
	CreatedAt           time.Time
	UpdatedAt           time.Time
}

// EnterpriseTeam is a team defined at the enterprise level.
type EnterpriseTeam struct {
	ID           int64
	EnterpriseID int64
	Name         string
	Slug         string
	Description  string
	CreatedAt    time.Time
	UpdatedAt    time.Time
}

// Slugify turns a team name into GitHub's slug form: lower case, runs of
// anything but letters and digits collapsed to one hyphen.
func Slugify(name string) string {
	var b strings.Builder
	hyphen := false
	for _, r := range strings.ToLower(name) {
		if r >= 'a' && r <= 'z' || r >= '0' && r <= '9' || r == '_' {
			if hyphen && b.Len() > 0 {
				b.WriteByte('-')
			}
			hyphen = false
			b.WriteRune(r)
			continue
		}
		hyphen = true
	}
	return b.String()
}
