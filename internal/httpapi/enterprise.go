package httpapi

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper"
)

// msgEnterpriseOwner is the 403 for a caller who does not own the
// enterprise. GitHub's exact text is not public; this says what is needed.
const msgEnterpriseOwner = "Must be an enterprise owner or billing manager to access this resource."

// handleEnterpriseSeats serves GET /enterprises/{enterprise}/copilot/billing/seats
// for an enterprise owner (see enterpriseOwner).
func (s *Server) handleEnterpriseSeats(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error {
	rows, users, err := s.copilot.EnterpriseSeats(r.Context(), ent)
	if err != nil {
		return err
	}
	pg := pageOf(r, 50)
	lo, hi := pg.bounds(len(rows))
	s.setLink(w, r, pg, len(rows))
	s.writeJSON(w, r, http.StatusOK, seatList{TotalSeats: users, Seats: s.seatBodies(rows[lo:hi])})
	return nil
}
