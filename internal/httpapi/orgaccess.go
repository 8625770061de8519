package httpapi

import (
	"context"
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
	"github.com/seatkeeper/seatkeeper/internal/directory"
)

func (s *Server) dir() *directory.Service {
	return &directory.Service{Store: s.store, Clock: s.clock}
}

// setAccepted announces what the route accepts, as GitHub does:
// X-Accepted-OAuth-Scopes always, X-Accepted-GitHub-Permissions only to
// the tokens permissions apply to (fine-grained and installation).
func setAccepted(w http.ResponseWriter, r *http.Request, acc accepted) {
	h := w.Header()
	h["X-Accepted-Oauth-Scopes"] = acc.scopes // canonical keys, shared values (see fixedHeaders)
	if p, ok := principalFrom(r.Context()); ok && (p.Token.Kind == seatkeeper.TokenFineGrained || p.Token.Kind == seatkeeper.TokenInstallation) {
		h["X-Accepted-Github-Permissions"] = acc.permissions
	}
}

// accepted is a requirement's X-Accepted-* header values, made once when
// a route is declared rather than on every request.
type accepted struct{ scopes, permissions []string }

func acceptedOf(req auth.Requirement) accepted {
	return accepted{scopes: []string{req.AcceptedScopes()}, permissions: []string{req.AcceptedPermissions()}}
}

// viewerHandler serves an org route knowing what the caller is to the org.
type viewerHandler func(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error

// orgMember guards an org route for the org's members, owners and
// installation, checking in GitHub's order: a credential; the org exists;
// the token's scopes (404) or permissions (403); the token's user an
// active member (404).
func (s *Server) orgMember(req auth.Requirement, h viewerHandler) http.Handler {
	acc := acceptedOf(req)
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		org, p, err := s.orgToken(w, r, req, acc)
		if err != nil {
			return err
		}
		v, err := s.viewer(r.Context(), org, p)
		if err != nil {
			return err
		}
		if !v.Member() {
			return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
		}
		return h(w, r, org, v)
	})
}

// orgPublic serves an org route anyone may call, with or without a
// credential. The caller is an outsider unless its token passes req for
// the org, so a token that does not fit sees what the public sees.
func (s *Server) orgPublic(req auth.Requirement, h viewerHandler) http.Handler {
	acc := acceptedOf(req)
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		setAccepted(w, r, acc)
		org, err := s.orgFromPath(r)
		if err != nil {
			return err
		}
		var v directory.Viewer
		if p, ok := principalFrom(r.Context()); ok && req.CheckOrgToken(p.Token, org.ID) == nil {
			if v, err = s.viewer(r.Context(), org, p); err != nil {
				return err
			}
		}
		return h(w, r, org, v)
	})
}

// viewer finds what the principal is to org.
func (s *Server) viewer(ctx context.Context, org seatkeeper.Organization, p seatkeeper.Principal) (directory.Viewer, error) {
	if p.Token.Kind == seatkeeper.TokenInstallation {
		return directory.Viewer{Installation: true}, nil
	}
	v := directory.Viewer{User: p.User}
	if p.User == nil {
		return v, nil
	}
	m, err := s.membership(ctx, org.ID, p.User.ID)
	if err != nil || m == nil {
		return v, err
	}
	v.Membership = m
	v.TeamIDs, err = s.store.UserTeamIDs(ctx, org.ID, p.User.ID)
	return v, err
}

// userHandler serves a route about the authenticated user's own account.
type userHandler func(w http.ResponseWriter, r *http.Request, user seatkeeper.User, p seatkeeper.Principal) error

// authenticatedUser guards a route under /user: it needs a credential
// that acts as a user, which an installation token does not.
func (s *Server) authenticatedUser(h userHandler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		p, ok := principalFrom(r.Context())
		if !ok {
			return errRequiresAuth
		}
		if p.User == nil {
			return seatkeeper.Errorf(seatkeeper.KindForbidden, auth.MsgNotAccessibleIntegration)
		}
		return h(w, r, *p.User, p)
	})
}

// ownMembership guards /user/memberships/orgs/{org}: the authenticated
// user, the org, then the token's scopes (404) or permissions (403).
func (s *Server) ownMembership(req auth.Requirement, h func(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, user seatkeeper.User) error) http.Handler {
	acc := acceptedOf(req)
	return s.authenticatedUser(func(w http.ResponseWriter, r *http.Request, user seatkeeper.User, p seatkeeper.Principal) error {
		setAccepted(w, r, acc)
		org, err := s.orgFromPath(r)
		if err != nil {
			return err
		}
		if err := req.CheckOrgToken(p.Token, org.ID); err != nil {
			return err
		}
		return h(w, r, org, user)
	})
}
