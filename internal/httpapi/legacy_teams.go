package httpapi

import (
	"net/http"
	"strconv"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// GitHub serves its team routes by team id too: the legacy
// /teams/{team_id} routes, and /organizations/{org_id}/team/{team_id},
// the form of a team's url. Both take the slug routes' handlers and guards
// (one home for their rules): legacyTeam finds the team and names its org
// and slug in the request.
func (s *Server) legacyTeamRoutes() {
	for _, prefix := range []string{"/teams/{team_id}", "/organizations/{org_id}/team/{team_id}"} {
		s.mux.Handle("GET "+prefix, s.legacyTeam(s.orgMember(auth.MembersRead, s.handleGetTeam)))
		s.mux.Handle("PATCH "+prefix, s.legacyTeam(s.orgOwner(auth.MembersWrite, s.handleUpdateTeam)))
		s.mux.Handle("DELETE "+prefix, s.legacyTeam(s.orgOwner(auth.MembersWrite, s.handleDeleteTeam)))
		s.mux.Handle("GET "+prefix+"/members", s.legacyTeam(s.orgMember(auth.MembersRead, s.handleListTeamMembers)))
		s.mux.Handle("GET "+prefix+"/memberships/{username}", s.legacyTeam(s.orgMember(auth.MembersRead, s.handleGetTeamMembership)))
		s.mux.Handle("PUT "+prefix+"/memberships/{username}", s.legacyTeam(s.orgOwner(auth.MembersWrite, s.handleSetTeamMembership)))
		s.mux.Handle("DELETE "+prefix+"/memberships/{username}", s.legacyTeam(s.orgOwner(auth.MembersWrite, s.handleRemoveTeamMembership)))
	}
}

// legacyTeam serves a route by team id with h, a slug route's handler: a
// credential first (as the slug routes check it before the org), then the
// team (404 when no team has the id, or it is not the org's the path
// names), then h with the team's org and slug in the request.
func (s *Server) legacyTeam(h http.Handler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		if _, ok := principalFrom(r.Context()); !ok {
			return errRequiresAuth
		}
		missing := seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
		id, err := strconv.ParseInt(r.PathValue("team_id"), 10, 64)
		if err != nil || id <= 0 {
			return missing
		}
		t, err := s.store.TeamByID(r.Context(), id)
		if seatkeeper.IsNotFound(err) {
			return missing
		}
		if err != nil {
			return err
		}
		if orgID := r.PathValue("org_id"); orgID != "" && orgID != strconv.FormatInt(t.OrgID, 10) {
			return missing
		}
		r.SetPathValue("org_id", strconv.FormatInt(t.OrgID, 10)) // the guard finds the org by it, through the read cache
		r.SetPathValue("team_slug", t.Slug)
		h.ServeHTTP(w, r)
		return nil
	})
}
