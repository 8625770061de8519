package directory

import (
	"context"
	"fmt"
	"slices"
	"strings"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/audit"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Documentation of the team endpoints, for their validation errors.
const (
	DocCreateTeam = "https://docs.github.com/rest/teams/teams#create-a-team"
	DocUpdateTeam = "https://docs.github.com/rest/teams/teams#update-a-team"
)

// MsgTeamNameTaken is GitHub's message for a team name (or the slug made
// from it) already used in the org.
const MsgTeamNameTaken = "Name must be unique for this org"

// Team defaults.
const (
	DefaultNotificationSetting = "notifications_enabled"
	DefaultPermission          = "pull"
)

// TeamSpec is a team's settings as a create or update request gives them.
// Nil fields are left as they are on update and take their defaults on
// create.
type TeamSpec struct {
	Name                *string
	Description         *string
	Privacy             *string
	NotificationSetting *string
	Permission          *string
	Parent              *ParentRef // nil when the request names no parent
	Maintainers         []string   // logins of org members; create only
}

// ParentRef names a parent team by id or by slug; neither means no parent.
type ParentRef struct {
	ID   int64
	Slug string
}

func teamInvalid(doc, field, code, format string, args ...any) error {
	return seatkeeper.ValidationFailed(seatkeeper.FieldError{
		Resource: "Team", Field: field, Code: code, Message: fmt.Sprintf(format, args...),
	}).WithDoc(doc)
}

// nameTaken is GitHub's 422 for a name already used in the org. Its
// resource, code and field are as GitHub answers them.
func nameTaken(doc string) error {
	return seatkeeper.ValidationFailed(seatkeeper.FieldError{
		Resource: "Team", Field: "data", Code: "unprocessable", Message: MsgTeamNameTaken,
	}).WithDoc(doc)
}

// CreateTeam creates a team in org, as POST /orgs/{org}/teams does. The
// creator (nil for an installation) and the named maintainers, who must be
// members of the org, join it as maintainers; under a parent that holds a
// Copilot grant they are seated at once. Privacy defaults to secret, or to
// closed for a nested team.
func (s *Service) CreateTeam(ctx context.Context, org seatkeeper.Organization, spec TeamSpec, creator *seatkeeper.User) (seatkeeper.Team, error) {
	var t seatkeeper.Team
	err := s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		now := s.Clock.Now()
		t = seatkeeper.Team{OrgID: org.ID, NotificationSetting: DefaultNotificationSetting, Permission: DefaultPermission,
			CreatedAt: now, UpdatedAt: now}
		if spec.Name == nil {
			return teamInvalid(DocCreateTeam, "name", "missing_field", "name is required")
		}
		if err := applySpec(ctx, tx, org, &t, spec, DocCreateTeam); err != nil {
			return err
		}
		maintainers, err := maintainerIDs(ctx, tx, org, spec.Maintainers, creator)
		if err != nil {
			return err
		}
		if err := tx.CreateTeam(ctx, &t); err != nil {
			if seatkeeper.KindOf(err) == seatkeeper.KindConflict {
				return nameTaken(DocCreateTeam)
			}
			return err
		}
		for _, id := range maintainers {
			if err := tx.AddTeamMember(ctx, t.ID, id, seatkeeper.TeamRoleMaintainer, now); err != nil {
				return err
			}
		}
		return record(ctx, tx, now, audit.TeamCreated, org, t.Slug, map[string]any{"name": t.Name, "parent_id": t.ParentID})
	})
	return t, err
}

// maintainerIDs resolves the maintainers of a new team: the named logins,
// each a member of org (active or invited), and the creator.
func maintainerIDs(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, logins []string, creator *seatkeeper.User) ([]int64, error) {
	var ids []int64
	var missing []string
	for _, login := range logins {
		u, err := tx.UserByLogin(ctx, login)
		var m *seatkeeper.Membership
		if err == nil {
			m, err = member(ctx, tx, org.ID, u.ID)
		}
		switch {
		case seatkeeper.IsNotFound(err) || err == nil && m == nil:
			missing = append(missing, login)
		case err != nil:
			return nil, err
		case !slices.Contains(ids, u.ID):
			ids = append(ids, u.ID)
		}
	}
	if len(missing) > 0 {
		return nil, teamInvalid(DocCreateTeam, "maintainers", "invalid",
			"Maintainers must be members of the organization: %s", strings.Join(missing, ", "))
	}
	if creator != nil && !slices.Contains(ids, creator.ID) {
		ids = append(ids, creator.ID)
	}
	return ids, nil
}

// applySpec sets on t what spec gives, checking it against the org: a
// name (and its slug) not used by another team; a parent team of the same
// org that is not t or one of its descendants; and GitHub's nesting rule
// that parent and child teams are closed, never secret.
func applySpec(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, t *seatkeeper.Team, spec TeamSpec, doc string) error {
	before := *t
	if spec.Name != nil {
		name := strings.TrimSpace(*spec.Name)
		slug := seatkeeper.Slugify(name)
		if slug == "" {
			return teamInvalid(doc, "name", "invalid", "Name must contain at least one letter or digit")
		}
		taken, err := tx.TeamNameTaken(ctx, org.ID, t.ID, name, slug)
		if err != nil {
			return err
		}
		if taken {
			return nameTaken(doc)
		}
		t.Name, t.Slug = name, slug
	}
	if spec.Description != nil {
		t.Description = *spec.Description
	}
	if spec.NotificationSetting != nil {
		t.NotificationSetting = *spec.NotificationSetting
	}
	if spec.Permission != nil {
		t.Permission = *spec.Permission
	}
	if spec.Parent != nil {
		parent, err := parentTeam(ctx, tx, org, t, *spec.Parent, doc)
		if err != nil {
			return err
		}
		t.ParentID = parent
	}
	switch {
	case spec.Privacy != nil:
		t.Privacy = *spec.Privacy
	case t.Privacy == "" && t.ParentID != 0:
		t.Privacy = seatkeeper.PrivacyClosed
	case t.Privacy == "":
		t.Privacy = seatkeeper.PrivacySecret
	}
	// The nesting rule is checked where the request changes nesting or
	// privacy, so that other edits of a team seeded against the rule pass.
	privacyChanged, parentChanged := t.Privacy != before.Privacy, t.ParentID != before.ParentID
	if t.Privacy == seatkeeper.PrivacySecret && (privacyChanged || parentChanged) {
		if t.ParentID != 0 {
			return teamInvalid(doc, "privacy", "invalid", "A nested team must be closed, not secret")
		}
		if t.ID != 0 && privacyChanged {
			children, err := tx.ChildTeams(ctx, t.ID)
			if err != nil {
				return err
			}
			if len(children) > 0 {
				return teamInvalid(doc, "privacy", "invalid", "A team with child teams must be closed, not secret")
			}
		}
	}
	return nil
}

// parentTeam resolves ref to the id of a team of org that may be t's
// parent (0 for none).
func parentTeam(ctx context.Context, tx *store.Tx, org seatkeeper.Organization, t *seatkeeper.Team, ref ParentRef, doc string) (int64, error) {
	field := "parent_team_id"
	var p seatkeeper.Team
	var err error
	switch {
	case ref.ID != 0:
		p, err = tx.TeamByID(ctx, ref.ID)
		if err == nil && p.OrgID != org.ID {
			err = notFound()
		}
	case ref.Slug != "":
		field = "parent_team_slug"
		p, err = tx.TeamBySlug(ctx, org.ID, ref.Slug)
	default:
		return 0, nil
	}
	if seatkeeper.IsNotFound(err) {
		return 0, teamInvalid(doc, field, "invalid", "Parent team must be a team of this organization")
	}
	if err != nil {
		return 0, err
	}
	if t.ID != 0 {
		subtree, err := tx.TeamSubtreeIDs(ctx, t.ID)
		if err != nil {
			return 0, err
		}
		if slices.Contains(subtree, p.ID) {
			return 0, teamInvalid(doc, field, "invalid", "A team cannot be nested under itself or one of its child teams")
		}
	}
	if p.Privacy == seatkeeper.PrivacySecret && p.ID != t.ParentID {
		return 0, teamInvalid(doc, field, "invalid", "A secret team cannot have child teams")
	}
	return p.ID, nil
}

// UpdateTeam changes the team slug of org, as PATCH
// /orgs/{org}/teams/{team_slug} does; a new name brings a new slug. Moving
// the team to another parent (or to none) keeps, pending cancellation,
// the seats its members held only through the old parent's grant.
func (s *Service) UpdateTeam(ctx context.Context, org seatkeeper.Organization, slug string, spec TeamSpec) (seatkeeper.Team, error) {
	var t seatkeeper.Team
	err := s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		var err error
		if t, err = tx.TeamBySlug(ctx, org.ID, slug); err != nil {
			return err
		}
		before := t
		if err := applySpec(ctx, tx, org, &t, spec, DocUpdateTeam); err != nil {
			return err
		}
		t.UpdatedAt = s.Clock.Now()
		update := func() error {
			err := tx.UpdateTeam(ctx, t)
			if seatkeeper.KindOf(err) == seatkeeper.KindConflict {
				return nameTaken(DocUpdateTeam)
			}
			if err != nil {
				return err
			}
			return record(ctx, tx, t.UpdatedAt, audit.TeamUpdated, org, t.Slug,
				map[string]any{"name": t.Name, "parent_id": t.ParentID, "previous_slug": before.Slug})
		}
		if t.ParentID == before.ParentID {
			return update()
		}
		users, err := tx.TeamSubtreeUserIDs(ctx, t.ID)
		if err != nil {
			return err
		}
		return s.keepSeats(ctx, tx, org, users, update)
	})
	return t, err
}

// DeleteTeam deletes the team slug of org and its child teams, as DELETE
// /orgs/{org}/teams/{team_slug} does. Their members keep the seats those
// teams carried, pending cancellation, unless another grant remains.
func (s *Service) DeleteTeam(ctx context.Context, org seatkeeper.Organization, slug string) error {
	return s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		t, err := tx.TeamBySlug(ctx, org.ID, slug)
		if err != nil {
			return err
		}
		ids, err := tx.TeamSubtreeIDs(ctx, t.ID)
		if err != nil {
			return err
		}
		users, err := tx.TeamSubtreeUserIDs(ctx, t.ID)
		if err != nil {
			return err
		}
		return s.keepSeats(ctx, tx, org, users, func() error {
			if err := tx.DeleteTeams(ctx, ids); err != nil {
				return err
			}
			return record(ctx, tx, s.Clock.Now(), audit.TeamDeleted, org, t.Slug, map[string]any{"teams_deleted": len(ids)})
		})
	})
}

// TeamMembership is a user's membership of a team as GitHub reports it.
type TeamMembership struct {
	Team  seatkeeper.Team
	User  seatkeeper.User
	Role  string // member or maintainer
	State string // active, or pending while the user's org invitation is
}

// TeamRole is the role GitHub reports for a team member: maintainer for an
// active owner of the org, whatever the stored role.
func TeamRole(stored string, m *seatkeeper.Membership) string {
	if m != nil && m.IsActiveOwner() {
		return seatkeeper.TeamRoleMaintainer
	}
	return stored
}

// SetTeamMembership adds a user to the team slug of org with role (member
// when empty for a new member, kept when empty for an existing one), as
// PUT /orgs/{org}/teams/{team_slug}/memberships/{username} does. A user
// who is not a member of org is invited to it (by inviter, when known)
// and their team membership is pending until they accept; an
// organization cannot join a team (422). An active
// member joining a team that holds a Copilot grant (or a child of one) is
// seated at once.
func (s *Service) SetTeamMembership(ctx context.Context, org seatkeeper.Organization, slug, login, role string, inviter *seatkeeper.User) (TeamMembership, error) {
	var out TeamMembership
	err := s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		now := s.Clock.Now()
		t, err := tx.TeamBySlug(ctx, org.ID, slug)
		if err != nil {
			return err
		}
		u, err := tx.UserByLogin(ctx, login)
		if seatkeeper.IsNotFound(err) {
			if _, orgErr := tx.OrgByLogin(ctx, login); orgErr == nil {
				return seatkeeper.ValidationFailed(seatkeeper.FieldError{
					Resource: "TeamMember", Field: "username", Code: "invalid", Message: "An organization cannot be a team member",
				})
			}
		}
		if err != nil {
			return err
		}
		m, err := member(ctx, tx, org.ID, u.ID)
		if err != nil {
			return err
		}
		if m == nil {
			m = &seatkeeper.Membership{OrgID: org.ID, UserID: u.ID, Role: seatkeeper.RoleMember, State: seatkeeper.StatePending,
				CreatedAt: now, UpdatedAt: now}
			if err := invite(ctx, tx, *m, inviter); err != nil {
				return err
			}
		}
		if role == "" {
			role = seatkeeper.TeamRoleMember
			if cur, err := tx.TeamMember(ctx, t.ID, u.ID); err == nil {
				role = cur.Role
			} else if !seatkeeper.IsNotFound(err) {
				return err
			}
		}
		if err := tx.AddTeamMember(ctx, t.ID, u.ID, role, now); err != nil {
			return err
		}
		out = TeamMembership{Team: t, User: u, Role: TeamRole(role, m), State: m.State}
		return record(ctx, tx, now, audit.TeamMemberAdded, org, u.Login, map[string]any{"team": t.Slug, "role": role})
	})
	return out, err
}

// RemoveTeamMembership takes a user off the team slug of org, as DELETE
// /orgs/{org}/teams/{team_slug}/memberships/{username} does. A seat the
// team carried stays, pending cancellation until the next billing cycle,
// unless another grant remains. A user who is not a direct member of the
// team is Not Found.
func (s *Service) RemoveTeamMembership(ctx context.Context, org seatkeeper.Organization, slug, login string) error {
	return s.Store.LockedTx(ctx, store.OrgLock(org.ID), func(tx *store.Tx) error {
		t, err := tx.TeamBySlug(ctx, org.ID, slug)
		if err != nil {
			return err
		}
		u, err := tx.UserByLogin(ctx, login)
		if err != nil {
			return err
		}
		return s.keepSeats(ctx, tx, org, []int64{u.ID}, func() error {
			if err := tx.RemoveTeamMember(ctx, t.ID, u.ID); err != nil {
				return err
			}
			return record(ctx, tx, s.Clock.Now(), audit.TeamMemberRemoved, org, u.Login, map[string]any{"team": t.Slug})
		})
	})
}

// CreateEnterpriseTeam creates a team in ent, as POST
// /enterprises/{enterprise}/teams does; its slug is made from the name
// and must be new to the enterprise.
func (s *Service) CreateEnterpriseTeam(ctx context.Context, ent seatkeeper.Enterprise, name, description string) (seatkeeper.EnterpriseTeam, error) {
	var t seatkeeper.EnterpriseTeam
	err := s.Store.Tx(ctx, func(tx *store.Tx) error {
		now := s.Clock.Now()
		invalid := func(code, msg string) error {
			return seatkeeper.ValidationFailed(seatkeeper.FieldError{Resource: "EnterpriseTeam", Field: "name", Code: code, Message: msg})
		}
		name = strings.TrimSpace(name)
		slug := seatkeeper.Slugify(name)
		if slug == "" {
			return invalid("invalid", "Name must contain at least one letter or digit")
		}
		if _, err := tx.EnterpriseTeamBySlug(ctx, ent.ID, slug); err == nil {
			return invalid("already_exists", "Name must be unique for this enterprise")
		} else if !seatkeeper.IsNotFound(err) {
			return err
		}
		t = seatkeeper.EnterpriseTeam{EnterpriseID: ent.ID, Name: name, Slug: slug, Description: description, CreatedAt: now, UpdatedAt: now}
		return tx.CreateEnterpriseTeam(ctx, &t)
	})
	return t, err
}
