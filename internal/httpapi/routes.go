package httpapi

import (
	"net/http"

	"github.com/seatkeeper/seatkeeper/internal/auth"
)

// routes registers GitHub's routes, each naming who may call it, and the
// operations routes (ops.go). The same routes answer under /api/v3 (see
// ServeHTTP). seatkeeper's own API under /_seatkeeper is
// internal/control's, registered on the Server by its caller.
func (s *Server) routes() {
	// Copilot user management.
	s.mux.Handle("GET /orgs/{org}/members/{username}/copilot", s.orgOwner(auth.CopilotRead, s.handleSeatDetails))
	s.mux.Handle("GET /orgs/{org}/copilot/billing", s.orgOwner(auth.CopilotRead, s.handleBilling))
	s.mux.Handle("GET /orgs/{org}/copilot/billing/seats", s.orgOwner(auth.CopilotRead, s.handleListSeats))
	s.mux.Handle("GET /organizations/{org_id}/copilot/billing/seats", s.orgOwner(auth.CopilotRead, s.handleListSeats))
	s.mux.Handle("POST /orgs/{org}/copilot/billing/selected_users", s.orgOwner(auth.CopilotWrite,
		s.seatWrite("selected_usernames", "seats_created", http.StatusCreated, s.copilot.AddUsers)))
	s.mux.Handle("DELETE /orgs/{org}/copilot/billing/selected_users", s.orgOwner(auth.CopilotWrite,
		s.seatWrite("selected_usernames", "seats_cancelled", http.StatusOK, s.copilot.CancelUsers)))
	s.mux.Handle("POST /orgs/{org}/copilot/billing/selected_teams", s.orgOwner(auth.CopilotWrite,
		s.seatWrite("selected_teams", "seats_created", http.StatusCreated, s.copilot.AddTeams)))
	s.mux.Handle("DELETE /orgs/{org}/copilot/billing/selected_teams", s.orgOwner(auth.CopilotWrite,
		s.seatWrite("selected_teams", "seats_cancelled", http.StatusOK, s.copilot.CancelTeams)))
	s.mux.Handle("GET /enterprises/{enterprise}/copilot/billing/seats", s.enterpriseOwner(auth.EnterpriseSeatsRead, s.handleEnterpriseSeats))
	s.githubRoutes()
	for i, h := range s.opsHandlers() {
		s.HandleOpen(OpsRoutes[i], h)
	}
	s.mux.HandleFunc(catchAll, s.serveUnknown)
}
