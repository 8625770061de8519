package httpapi

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// Access to Copilot seat reads: owners, with manage_billing:copilot or
// read:org (or a scope implying one), or the Copilot seat management or
// administration permission at read.
var copilotRead = auth.Requirement{
	Scopes: []string{"manage_billing:copilot", "read:org"},
	Permissions: []auth.Permission{
		{Name: "organization_copilot_seat_management", Level: seatkeeper.PermissionRead},
		{Name: "organization_administration", Level: seatkeeper.PermissionRead},
	},
}

// handleSeatDetails serves GET /orgs/{org}/members/{username}/copilot.
func (s *Server) handleSeatDetails(w http.ResponseWriter, r *http.Request, org seatkeeper.Organization, _ seatkeeper.Principal) error {
	seat, err := s.copilot.SeatDetails(r.Context(), org, r.PathValue("username"))
	if err != nil {
		return err
	}
	body, err := s.seatBody(r, seat)
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, body)
	return nil
}

// seatBody loads what the seat's assigning team object needs and builds
// the wire form.
func (s *Server) seatBody(r *http.Request, seat seatkeeper.Seat) (seatDetails, error) {
	var extra seatTeams
	if t := seat.Team; t != nil && t.ParentID != 0 {
		p, err := s.store.TeamByID(r.Context(), t.ParentID)
		if err != nil {
			return seatDetails{}, err
		}
		extra.parent = &p
	}
	if t := seat.EnterpriseTeam; t != nil {
		e, err := s.store.EnterpriseByID(r.Context(), t.EnterpriseID)
		if err != nil {
			return seatDetails{}, err
		}
		extra.enterprise = e
	}
	return s.urls.seatDetails(seat, extra), nil
}
