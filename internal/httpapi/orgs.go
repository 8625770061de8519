package httpapi

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/directory"
	"github.com/seatkeeper/seatkeeper/internal/readcache"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// membershipCountKey caches an org's membership count (its owners'
// filled_seats) in the org's scope.
type membershipCountKey struct{ orgID int64 }

// handleGetOrg serves GET /orgs/{org}: the organization's public profile
// to any caller, with the owner-only fields to its owners.
func (s *Server) handleGetOrg(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	body := s.urls.orgFull(org)
	if v.Owner() {
		seats, err := readcache.GetIn(r.Context(), org.ID, membershipCountKey{org.ID}, func() (int, error) {
			return s.store.MembershipCount(r.Context(), org.ID)
		})
		if err != nil {
			return err
		}
		body.orgOwnerFields = ownerFields(org, seats)
	}
	setLastModified(w, org.UpdatedAt)
	s.writeJSON(w, r, http.StatusOK, body)
	return nil
}

// queryEnum reads an optional query parameter that must be one of allowed
// (the first is its default).
func queryEnum(q url.Values, name string, allowed ...string) (string, error) {
	v := q.Get(name)
	if v == "" {
		return allowed[0], nil
	}
	if !slices.Contains(allowed, v) {
		return "", invalidRequest("For '%s', %q is not a member of %s.", name, v, quoteList(allowed))
	}
	return v, nil
}

// handleListMembers serves GET /orgs/{org}/members. Members of the org
// (and its installation) see every active member; others, as on GitHub,
// only the members who made their membership public.
func (s *Server) handleListMembers(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	q := r.URL.Query()
	filter, err := queryEnum(q, "filter", "all", "2fa_disabled", "2fa_insecure")
	if err != nil {
		return err
	}
	role, err := queryEnum(q, "role", "all", "admin", "member")
	if err != nil {
		return err
	}
	var out []simpleUser
	// seatkeeper keeps no two-factor state: the 2FA filters match nobody.
	switch {
	case filter != "all":
	case v.Member():
		members, err := s.store.MembersOf(r.Context(), org.ID, seatkeeper.StateActive, store.Users{})
		if err != nil {
			return err
		}
		for _, m := range members {
			if role == "all" || role == m.Membership.Role {
				out = append(out, s.urls.simpleUser(m.User))
			}
		}
	case role == "all": // an outsider cannot tell roles apart
		public, err := s.store.PublicMembers(r.Context(), org.ID)
		if err != nil {
			return err
		}
		for _, u := range public {
			out = append(out, s.urls.simpleUser(u))
		}
	}
	// GitHub links the pages by the org's id, a form served too.
	writePageAt(s, w, r, "/organizations/"+strconv.FormatInt(org.ID, 10)+"/members", out, 30)
	return nil
}

// handleListPublicMembers serves GET /orgs/{org}/public_members to
// anyone.
func (s *Server) handleListPublicMembers(w http.ResponseWriter, r *http.Request) error {
	org, err := s.orgFromPath(r)
	if err != nil {
		return err
	}
	public, err := s.store.PublicMembers(r.Context(), org.ID)
	if err != nil {
		return err
	}
	out := make([]simpleUser, len(public))
	for i, u := range public {
		out[i] = s.urls.simpleUser(u)
	}
	writePage(s, w, r, out, 30)
	return nil
}

// handleCheckPublicMember serves GET /orgs/{org}/public_members/{username}
// to anyone: 204 when the user is a public member, 404 otherwise.
func (s *Server) handleCheckPublicMember(w http.ResponseWriter, r *http.Request) error {
	org, err := s.orgFromPath(r)
	if err != nil {
		return err
	}
	missing := seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
	u, err := s.store.UserByLogin(r.Context(), r.PathValue("username"))
	if seatkeeper.IsNotFound(err) {
		return missing
	}
	if err != nil {
		return err
	}
	public, err := s.store.IsPublicMember(r.Context(), org.ID, u.ID)
	if err != nil {
		return err
	}
	if !public {
		return missing
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleSetPublicMembership serves PUT (public true) and DELETE
// /orgs/{org}/public_members/{username}: the caller's own membership.
func (s *Server) handleSetPublicMembership(public bool) func(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, user seatkeeper.User) error {
	return func(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, user seatkeeper.User) error {
		if err := s.dir().SetPublicMembership(r.Context(), org, user, r.PathValue("username"), public); err != nil {
			return err
		}
		w.WriteHeader(http.StatusNoContent)
		return nil
	}
}

// writePage answers one page (page, per_page, default perPage) of list,
// with GitHub's Link header.
func writePage[T any](s *Server, w http.ResponseWriter, r *http.Request, list []T, perPage int) {
	writePageAt(s, w, r, r.URL.Path, list, perPage)
}

// writePageAt is writePage with Link naming path instead of the
// request's.
func writePageAt[T any](s *Server, w http.ResponseWriter, r *http.Request, path string, list []T, perPage int) {
	p := pageOf(r, perPage)
	lo, hi := p.bounds(len(list))
	s.setLinkAt(w, r, path, p, len(list))
	page := list[lo:hi]
	if page == nil {
		page = []T{}
	}
	s.writeJSON(w, r, http.StatusOK, page)
}

// handleCheckMember serves GET /orgs/{org}/members/{username}. A caller
// who sees the org's members gets 204 when the user is an active member,
// 404 otherwise; any other caller, as on GitHub, a 302 to the public
// membership check.
func (s *Server) handleCheckMember(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	username := r.PathValue("username")
	if !v.Member() {
		w.Header().Set("Location", s.urls.api+"/orgs/"+url.PathEscape(org.Login)+"/public_members/"+url.PathEscape(username))
		w.WriteHeader(http.StatusFound)
		return nil
	}
	missing := seatkeeper.Errorf(seatkeeper.KindNotFound, "User does not exist or is not a member of the organization")
	u, err := s.store.UserByLogin(r.Context(), username)
	if seatkeeper.IsNotFound(err) {
		return missing
	}
	if err != nil {
		return err
	}
	m, err := s.store.Membership(r.Context(), org.ID, u.ID)
	if seatkeeper.IsNotFound(err) || err == nil && m.State != seatkeeper.StateActive {
		return missing
	}
	if err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleRemoveMember serves DELETE /orgs/{org}/members/{username} and
// DELETE /orgs/{org}/memberships/{username}.
func (s *Server) handleRemoveMember(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	if err := s.dir().RemoveMember(r.Context(), org, r.PathValue("username")); err != nil {
		return err
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}

// handleGetMembership serves GET /orgs/{org}/memberships/{username} to
// the org's members: active memberships to all of them, invitations to
// owners only.
func (s *Server) handleGetMembership(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, v directory.Viewer) error {
	u, err := s.store.UserByLogin(r.Context(), r.PathValue("username"))
	if err != nil {
		return err
	}
	m, err := s.store.Membership(r.Context(), org.ID, u.ID)
	if err != nil {
		return err
	}
	if !v.CanSeeMembership(m) {
		return seatkeeper.Errorf(seatkeeper.KindNotFound, "Not Found")
	}
	s.writeJSON(w, r, http.StatusOK, s.urls.orgMembership(org, u, m))
	return nil
}

// handleSetMembership serves PUT /orgs/{org}/memberships/{username}:
// invite a user, or change a member's role.
func (s *Server) handleSetMembership(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, p seatkeeper.Principal) error {
	obj, err := decodeOptionalObject(w, r)
	if err != nil {
		return err
	}
	role, err := readString(obj, "role", false, seatkeeper.RoleAdmin, seatkeeper.RoleMember)
	if err != nil {
		return err
	}
	m, err := s.dir().SetMembership(r.Context(), org, r.PathValue("username"), role.Value, p.User)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, s.urls.orgMembership(org, m.User, m.Membership))
	return nil
}

// handleGetOwnMembership serves GET /user/memberships/orgs/{org}.
func (s *Server) handleGetOwnMembership(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, user seatkeeper.User) error {
	m, err := s.store.Membership(r.Context(), org.ID, user.ID)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, s.urls.orgMembership(org, user, m))
	return nil
}

// handleUpdateOwnMembership serves PATCH /user/memberships/orgs/{org}:
// {"state": "active"} accepts a pending invitation.
func (s *Server) handleUpdateOwnMembership(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, user seatkeeper.User) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	if _, err := requireString(obj, "state", seatkeeper.StateActive); err != nil {
		return err
	}
	m, err := s.dir().AcceptInvitation(r.Context(), org, user)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, s.urls.orgMembership(org, user, m.Membership))
	return nil
}

// handleListInvitations serves GET /orgs/{org}/invitations to owners.
func (s *Server) handleListInvitations(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	q := r.URL.Query()
	role, err := queryEnum(q, "role", "all", "admin", "direct_member", "billing_manager", "hiring_manager")
	if err != nil {
		return err
	}
	source, err := queryEnum(q, "invitation_source", "all", "member", "scim")
	if err != nil {
		return err
	}
	invs, err := s.store.Invitations(r.Context(), org.ID)
	if err != nil {
		return err
	}
	var out []orgInvitation
	for _, inv := range invs {
		wire := s.urls.orgInvitation(org, inv)
		if (role == "all" || role == wire.Role) && source != "scim" {
			out = append(out, wire)
		}
	}
	writePage(s, w, r, out, 30)
	return nil
}
