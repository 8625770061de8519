package httpapi

import (
	"context"
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/copilot"
)

// handleEnterpriseSeats serves GET /enterprises/{enterprise}/copilot/billing/seats:
// every seat in the enterprise's orgs and at the enterprise, total_seats
// the distinct users.
func (s *Server) handleEnterpriseSeats(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error {
	pg := pageOf(r, 50)
	rows, users, seats, err := s.copilot.EnterpriseSeatPage(r.Context(), ent, pg.bounds)
	if err != nil {
		return err
	}
	s.setLink(w, r, pg, rows)
	s.writeJSON(w, r, http.StatusOK, seatList{TotalSeats: users, Seats: s.seatBodies(seats)})
	return nil
}

// handleEnterpriseMemberSeats serves GET /enterprises/{enterprise}/members/{username}/copilot:
// every seat the user holds in the enterprise, total_seats counting the
// user once.
func (s *Server) handleEnterpriseMemberSeats(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error {
	seats, err := s.copilot.EnterpriseMemberSeats(r.Context(), ent, r.PathValue("username"))
	if err != nil {
		return err
	}
	s.writeJSON(w, r, http.StatusOK, seatList{TotalSeats: copilot.DistinctHolders(seats), Seats: s.seatBodies(seats)})
	return nil
}

// enterpriseSeatWrite serves an enterprise-level seat write whose body
// lists names in field, answering status with {key: n}.
func (s *Server) enterpriseSeatWrite(field, key string, status int,
	op func(ctx context.Context, ent seatkeeper.Enterprise, names []string) (int, error)) enterpriseHandler {
	return func(w http.ResponseWriter, r *http.Request, ent seatkeeper.Enterprise) error {
		return s.namesWrite(w, r, field, key, status, func(names []string) (int, error) { return op(r.Context(), ent, names) })
	}
}
