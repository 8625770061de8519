package httpapi

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// enterpriseHandler serves a route of an enterprise its guard found.
type enterpriseHandler func(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error

// enterpriseOwner guards an enterprise route for its owners, checking as
// the enterprise seat list does: a credential; a user's classic or OAuth
// token; the enterprise exists; the scope (404); the user owns the
// enterprise (403, a billing manager included).
func (s *Server) enterpriseOwner(req auth.Requirement, h enterpriseHandler) http.Handler {
	return s.enterpriseGuard(req, false, h)
}

// enterpriseReader is enterpriseOwner for a read that the enterprise's
// billing managers may make too.
func (s *Server) enterpriseReader(req auth.Requirement, h enterpriseHandler) http.Handler {
	return s.enterpriseGuard(req, true, h)
}

func (s *Server) enterpriseGuard(req auth.Requirement, billingManagers bool, h enterpriseHandler) http.Handler {
	return s.handle(func(w http.ResponseWriter, r *http.Request) error {
		w.Header().Set("X-Accepted-OAuth-Scopes", req.AcceptedScopes())
		p, ok := principalFrom(r.Context())
		if !ok {
			return errRequiresAuth
		}
		if err := auth.CheckEnterpriseToken(p.Token); err != nil {
			return err
		}
		ent, err := s.store.EnterpriseBySlug(r.Context(), r.PathValue("enterprise"))
		if err != nil {
			return err
		}
		if err := auth.CheckEnterpriseCaller(r.Context(), s.store, p, ent.ID, req, billingManagers); err != nil {
			return err
		}
		return h(w, r, ent)
	})
}

// handleListEnterpriseTeams serves GET /enterprises/{enterprise}/teams.
func (s *Server) handleListEnterpriseTeams(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error {
	teams, err := s.store.EnterpriseTeams(r.Context(), ent.ID)
	if err != nil {
		return err
	}
	out := make([]enterpriseTeam, len(teams))
	for i, t := range teams {
		out[i] = s.urls.enterpriseTeam(t, ent)
	}
	writePage(s, w, r, out, 30)
	return nil
}

// handleCreateEnterpriseTeam serves POST /enterprises/{enterprise}/teams.
// Organization sync, identity-provider groups and notifications are
// accepted and ignored: seatkeeper's enterprise teams only carry Copilot
// seats.
func (s *Server) handleCreateEnterpriseTeam(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error {
	obj, err := decodeObject(w, r)
	if err != nil {
		return err
	}
	name, err := requireString(obj, "name")
	if err != nil {
		return err
	}
	description, err := readString(obj, "description", true)
	if err != nil {
		return err
	}
	for _, f := range []struct {
		name string
		enum []string
	}{
		{"sync_to_organizations", []string{"all", "disabled"}},
		{"organization_selection_type", []string{"disabled", "selected", "all"}},
		{"notification_setting", teamNotifications},
	} {
		if _, err := readString(obj, f.name, false, f.enum...); err != nil {
			return err
		}
	}
	if _, err := readString(obj, "group_id", true); err != nil {
		return err
	}
	t, err := s.dir().CreateEnterpriseTeam(r.Context(), ent, name, description.Value)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusCreated, s.urls.enterpriseTeam(t, ent))
	return nil
}
