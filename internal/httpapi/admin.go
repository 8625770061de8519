package httpapi

import (
	"fmt"
	"net/http"
	"strings"
	"unicode"

	"github.com/seatkeeper/seatkeeper"
)

// The site administrator's API: GitHub Enterprise Server's /admin routes,
// guarded by siteAdmin.

// handleAdminCreateUser serves POST /admin/users.
func (s *Server) handleAdminCreateUser(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	login, err := requireString(obj, "login")
	if err != nil {
		return err
	}
	email, err := readString(obj, "email", false)
	if err != nil {
		return err
	}
	if raw, ok := obj["suspended"]; ok && jsonValue(raw) != "false" && jsonValue(raw) != "true" {
		return invalidRequest("For 'properties/suspended', %s is not a boolean.", jsonValue(raw))
	}
	u, err := s.dir().CreateUser(r.Context(), login, email.Value)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusCreated, s.urls.simpleUser(u))
	return nil
}

// handleAdminCreateOrg serves POST /admin/organizations.
func (s *Server) handleAdminCreateOrg(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	login, err := requireString(obj, "login")
	if err != nil {
		return err
	}
	admin, err := requireString(obj, "admin")
	if err != nil {
		return err
	}
	profile, err := readString(obj, "profile_name", false)
	if err != nil {
		return err
	}
	org, err := s.dir().CreateOrg(r.Context(), login, admin, profile.Value)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusCreated, s.urls.orgSimple(org))
	return nil
}

// handleAdminImpersonate serves POST /admin/users/{username}/authorizations.
// GitHub answers 200 with the existing token when there is one; seatkeeper
// keeps only token hashes and cannot show a token twice, so every call
// creates a new token (201).
func (s *Server) handleAdminImpersonate(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	if _, ok := obj["scopes"]; !ok {
		return invalidRequest("%q wasn't supplied.", "scopes")
	}
	scopes, err := readStrings(obj, "scopes")
	if err != nil {
		return err
	}
	for _, sc := range scopes.Value {
		if sc == "" || strings.ContainsFunc(sc, unicode.IsSpace) {
			return seatkeeper.ValidationFailed(seatkeeper.FieldError{
				Resource: "OauthAccess", Field: "scopes", Code: "invalid", Message: fmt.Sprintf("%q is not a valid scope", sc),
			})
		}
	}
	imp, err := s.dir().Impersonate(r.Context(), r.PathValue("username"), scopes.Value)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusCreated, s.urls.authorization(imp.Token, imp.Secret, imp.User))
	return nil
}

// handleAdminRevokeImpersonation serves DELETE
// /admin/users/{username}/authorizations: every impersonation token of
// the user is revoked.
func (s *Server) handleAdminRevokeImpersonation(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	if _, err := s.dir().RevokeImpersonation(r.Context(), r.PathValue("username")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
