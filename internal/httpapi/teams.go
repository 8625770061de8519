package httpapi

import (
	"context"
	"encoding/json"
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/directory"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// Values the team request bodies accept, as the spec lists them.
var (
	teamPrivacies     = []string{seatkeeper.PrivacySecret, seatkeeper.PrivacyClosed}
	teamNotifications = []string{"notifications_enabled", "notifications_disabled"}
	teamRoles         = []string{seatkeeper.TeamRoleMember, seatkeeper.TeamRoleMaintainer}
	createPermissions = []string{"pull", "push"}
	updatePermissions = []string{"pull", "push", "admin"}
	teamMemberRoles   = []string{"all", seatkeeper.TeamRoleMember, seatkeeper.TeamRoleMaintainer}
)

// teamSpec reads the settings common to the create and update bodies.
// API version 2026-03-10 removed permission from them: under it the field
// is ignored, as any field a body does not take.
func teamSpec(w http.ResponseWriter, obj map[string]json.RawMessage, permissions []string, nullableParent bool) (directory.TeamSpec, error) {
	if selectedVersion(w) >= version20260310 {
		delete(obj, "permission")
	}
	var spec directory.TeamSpec
	description, err := readString(obj, "description", false)
	if err != nil {
		return spec, err
	}
	privacy, err := readString(obj, "privacy", false, teamPrivacies...)
	if err != nil {
		return spec, err
	}
	notification, err := readString(obj, "notification_setting", false, teamNotifications...)
	if err != nil {
		return spec, err
	}
	permission, err := readString(obj, "permission", false, permissions...)
	if err != nil {
		return spec, err
	}
	parentID, err := readInt(obj, "parent_team_id", nullableParent)
	if err != nil {
		return spec, err
	}
	parentSlug, err := readString(obj, "parent_team_slug", nullableParent)
	if err != nil {
		return spec, err
	}
	spec.Description, spec.Privacy = description.Ptr(), privacy.Ptr()
	spec.NotificationSetting, spec.Permission = notification.Ptr(), permission.Ptr()
	switch {
	case parentID.Set:
		spec.Parent = &directory.ParentRef{ID: parentID.Value}
	case parentSlug.Set:
		spec.Parent = &directory.ParentRef{Slug: parentSlug.Value}
	}
	return spec, nil
}

// handleCreateTeam serves POST /orgs/{org}/teams. The caller joins the
// new team as a maintainer, as on GitHub. repo_names is accepted and
// ignored: seatkeeper has no repositories.
func (s *Server) handleCreateTeam(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, p seatkeeper.Principal) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	name, err := requireString(obj, "name")
	if err != nil {
		return err
	}
	spec, err := teamSpec(w, obj, createPermissions, false)
	if err != nil {
		return err
	}
	maintainers, err := readStrings(obj, "maintainers")
	if err != nil {
		return err
	}
	if _, err := readStrings(obj, "repo_names"); err != nil {
		return err
	}
	spec.Name, spec.Maintainers = &name, maintainers.Value
	t, err := s.dir().CreateTeam(r.Context(), org, spec, p.User)
	if err != nil {
		return err
	}
	body, err := s.teamFullBody(r.Context(), org, t)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusCreated, body)
	return nil
}

// teamFullBody builds a team-full: the team with its parent and its
// number of active members, child teams' included.
func (s *Server) teamFullBody(ctx context.Context, org seatkeeper.Organization, t seatkeeper.Team) (teamFull, error) {
	var parent *seatkeeper.Team
	if t.ParentID != 0 {
		pt, err := s.store.TeamByID(ctx, t.ParentID)
		if err != nil {
			return teamFull{}, err
		}
		parent = &pt
	}
	members, err := s.activeTeamMembers(ctx, t)
	if err != nil {
		return teamFull{}, err
	}
	return s.urls.teamFull(t, parent, org, len(members)), nil
}

// activeTeamMembers lists a team's members, child teams' included, who are
// active members of the org: invitees are not on the team until they
// accept.
func (s *Server) activeTeamMembers(ctx context.Context, t seatkeeper.Team) ([]store.TeamMember, error) {
	all, err := s.store.TeamSubtreeMembers(ctx, t.ID)
	if err != nil {
		return nil, err
	}
	var out []store.TeamMember
	for _, m := range all {
		if m.OrgState == seatkeeper.StateActive {
			out = append(out, m)
		}
	}
	return out, nil
}

// handleListTeams serves GET /orgs/{org}/teams: the teams the caller can
// see. seatkeeper has no enterprise teams at the org level, so
// team_type=enterprise lists none.
func (s *Server) handleListTeams(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	teamType, err := queryEnum(r.URL.Query(), "team_type", "all", "enterprise", "organization")
	if err != nil {
		return err
	}
	teams, err := s.store.Teams(r.Context(), org.ID)
	if err != nil {
		return err
	}
	byID := map[int64]seatkeeper.Team{}
	for _, t := range teams {
		byID[t.ID] = t
	}
	var out []team
	for _, t := range teams {
		if teamType == "enterprise" || !v.CanSeeTeam(t) {
			continue
		}
		var parent *seatkeeper.Team
		if p, ok := byID[t.ParentID]; ok {
			parent = &p
		}
		out = append(out, s.urls.team(t, parent, org))
	}
	writePage(s, w, r, out, 30)
	return nil
}

// visibleTeam finds the team the path names, if the viewer can see it.
func (s *Server) visibleTeam(r *http.Request, org seatkeeper.Organization, v directory.Viewer) (seatkeeper.Team, error) {
	t, err := s.store.TeamBySlug(r.Context(), org.ID, r.PathValue("team_slug"))
	if err != nil {
		return t, err
	}
	if !v.CanSeeTeam(t) {
		return t, seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
	}
	return t, nil
}

// handleGetTeam serves GET /orgs/{org}/teams/{team_slug}.
func (s *Server) handleGetTeam(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	t, err := s.visibleTeam(r, org, v)
	if err != nil {
		return err
	}
	body, err := s.teamFullBody(r.Context(), org, t)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, body)
	return nil
}

// handleUpdateTeam serves PATCH /orgs/{org}/teams/{team_slug}. An empty
// name changes nothing (go-github always sends one); parent_team_id or
// parent_team_slug null takes the team out of its parent.
func (s *Server) handleUpdateTeam(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	obj, err := decodeOptionalObject(w, r)
	if err != nil {
		return err
	}
	name, err := readString(obj, "name", false)
	if err != nil {
		return err
	}
	spec, err := teamSpec(w, obj, updatePermissions, true)
	if err != nil {
		return err
	}
	if name.Value != "" {
		spec.Name = &name.Value
	}
	t, err := s.dir().UpdateTeam(r.Context(), org, r.PathValue("team_slug"), spec)
	if err != nil {
		return err
	}
	body, err := s.teamFullBody(r.Context(), org, t)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, body)
	return nil
}

// handleDeleteTeam serves DELETE /orgs/{org}/teams/{team_slug}.
func (s *Server) handleDeleteTeam(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	if err := s.dir().DeleteTeam(r.Context(), org, r.PathValue("team_slug")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// reportedRole is a team member's role as GitHub reports it: maintainer
// for an org owner.
func reportedRole(m store.TeamMember) string {
	return directory.TeamRole(m.Role, &seatkeeper.Membership{Role: m.OrgRole, State: m.OrgState})
}

// handleListTeamMembers serves GET /orgs/{org}/teams/{team_slug}/members:
// the team's members and its child teams' (inherited), who are active
// members of the org.
func (s *Server) handleListTeamMembers(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	role, err := queryEnum(r.URL.Query(), "role", teamMemberRoles...)
	if err != nil {
		return err
	}
	t, err := s.visibleTeam(r, org, v)
	if err != nil {
		return err
	}
	members, err := s.activeTeamMembers(r.Context(), t)
	if err != nil {
		return err
	}
	var out []teamMember
	for _, m := range members {
		if rr := reportedRole(m); role == "all" || role == rr {
			out = append(out, teamMember{simpleUser: s.urls.simpleUser(m.User), Role: rr, Inherited: m.Inherited})
		}
	}
	writePage(s, w, r, out, 30)
	return nil
}

// handleGetTeamMembership serves GET
// /orgs/{org}/teams/{team_slug}/memberships/{username}: a member of the
// team or of one of its child teams; pending while their org invitation
// is.
func (s *Server) handleGetTeamMembership(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	t, err := s.visibleTeam(r, org, v)
	if err != nil {
		return err
	}
	u, err := s.store.UserByLogin(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	m, err := s.store.TeamSubtreeMember(r.Context(), t.ID, u.ID)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, s.urls.teamMembership(org, t, u, reportedRole(m), m.OrgState))
	return nil
}

// handleSetTeamMembership serves PUT
// /orgs/{org}/teams/{team_slug}/memberships/{username}.
func (s *Server) handleSetTeamMembership(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, p seatkeeper.Principal) error {
	obj, err := decodeOptionalObject(w, r)
	if err != nil {
		return err
	}
	role, err := readString(obj, "role", false, teamRoles...)
	if err != nil {
		return err
	}
	m, err := s.dir().SetTeamMembership(r.Context(), org, r.PathValue("team_slug"), r.PathValue("username"), role.Value, p.User)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, s.urls.teamMembership(org, m.Team, m.User, m.Role, m.State))
	return nil
}

// handleRemoveTeamMembership serves DELETE
// /orgs/{org}/teams/{team_slug}/memberships/{username}.
func (s *Server) handleRemoveTeamMembership(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	err := s.dir().RemoveTeamMembership(r.Context(), org, r.PathValue("team_slug"), r.PathValue("username"))
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
