package httpapi

import (
	"net/http"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// handleGetAuthenticatedUser serves GET /user. GitHub shows the private
// view (private-user) to a token that may read the user's profile: a
// classic or OAuth token with user or read:user, or a fine-grained token;
// any other token gets the public view.
func (s *Server) handleGetAuthenticatedUser(w http.ResponseWriter, r *http.Request, user seatkeeper.User, p seatkeeper.Principal) error {
	w.Header().Set("X-Accepted-OAuth-Scopes", "")
	if p.Token.Kind.UsesScopes() && !auth.HasAnyScope(p.Token.Scopes, []string{"read:user"}) {
		setLastModified(w, user.UpdatedAt)
		s.writeJSON(w, r, http.StatusOK, s.urls.publicUser(user, true))
		return nil
	}
	setLastModified(w, user.UpdatedAt)
	s.writeJSON(w, r, http.StatusOK, s.urls.privateUser(user))
	return nil
}

// handleGetUser serves GET /users/{username}: a user's public profile, or
// an organization's, as GitHub answers for an org's login. Email addresses
// are shown to authenticated callers only.
// noScopes is the X-Accepted-OAuth-Scopes of a route that asks none.
var noScopes = []string{""}

func (s *Server) handleGetUser(w http.ResponseWriter, r *http.Request) error {
	login := r.PathValue("username")
	_, authed := principalFrom(r.Context())
	w.Header()["X-Accepted-Oauth-Scopes"] = noScopes // anyone may read a profile
	u, err := s.store.UserByLogin(r.Context(), login)
	if err == nil {
		setLastModified(w, u.UpdatedAt)
		s.writeJSON(w, r, http.StatusOK, s.urls.publicUser(u, authed))
		return nil
	}
	if !seatkeeper.IsNotFound(err) {
		return err
	}
	org, err := s.store.OrgByLogin(r.Context(), login)
	if err != nil {
		return err
	}
	setLastModified(w, org.UpdatedAt)
	s.writeJSON(w, r, http.StatusOK, s.urls.orgAsUser(org))
	return nil
}

// setLastModified sets Last-Modified, as GitHub does on users and
// organizations, to when the account last changed.
func setLastModified(w http.ResponseWriter, t time.Time) {
	w.Header()["Last-Modified"] = []string{t.UTC().Format(http.TimeFormat)}
}
