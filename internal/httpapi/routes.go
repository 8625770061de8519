package httpapi

import (
	"net/http"
	"path"

	"github.com/seatkeeper/seatkeeper"
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
	// Enterprise-level Copilot (GitHub Enterprise Cloud): owners, billing
	// managers for reads.
	s.mux.Handle("GET /enterprises/{enterprise}/copilot/billing/seats", s.enterpriseReader(auth.EnterpriseSeatsRead, s.handleEnterpriseSeats))
	s.mux.Handle("GET /enterprises/{enterprise}/members/{username}/copilot", s.enterpriseReader(auth.EnterpriseMemberSeatRead, s.handleEnterpriseMemberSeats))
	s.mux.Handle("POST /enterprises/{enterprise}/copilot/billing/selected_users", s.enterpriseOwner(auth.EnterpriseCopilotWrite,
		s.enterpriseSeatWrite("selected_usernames", "seats_created", http.StatusCreated, s.copilot.AddEnterpriseUsers)))
	s.mux.Handle("DELETE /enterprises/{enterprise}/copilot/billing/selected_users", s.enterpriseOwner(auth.EnterpriseCopilotWrite,
		s.enterpriseSeatWrite("selected_usernames", "seats_cancelled", http.StatusOK, s.copilot.CancelEnterpriseUsers)))
	s.mux.Handle("POST /enterprises/{enterprise}/copilot/billing/selected_enterprise_teams", s.enterpriseOwner(auth.EnterpriseCopilotWrite,
		s.enterpriseSeatWrite("selected_enterprise_teams", "seats_created", http.StatusCreated, s.copilot.AddEnterpriseTeams)))
	s.mux.Handle("DELETE /enterprises/{enterprise}/copilot/billing/selected_enterprise_teams", s.enterpriseOwner(auth.EnterpriseCopilotWrite,
		s.enterpriseSeatWrite("selected_enterprise_teams", "seats_cancelled", http.StatusOK, s.copilot.CancelEnterpriseTeams)))
	s.usageRoutes()
	s.githubRoutes()
	for i, h := range s.probeHandlers() {
		s.HandleOpen(probeRoutes[i], h)
	}
	s.HandleAdmin(metricsRoute, func(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
		return s.handleMetrics(w, r)
	})
	s.mux.HandleFunc(catchAll, s.serveUnknown)
}

// catchAll is the pattern of the handler for what no route serves:
// unknown paths, trailing slashes and wrong methods get GitHub's JSON 404,
// never ServeMux's text 404 or 405.
const catchAll = "/"

func (s *Server) serveUnknown(w http.ResponseWriter, r *http.Request) {
	r.Pattern = "" // no route: the log line, the metrics and the journal say so
	s.notFound(w, r)
}

// route is the pattern of the route serving r, "" when none does.
func (s *Server) route(r *http.Request) string {
	if _, p := s.mux.Handler(r); p != catchAll {
		return p
	}
	return ""
}

// needsCleaning reports whether ServeMux redirects r to a cleaned path
// (as net/http's cleanPath does: CONNECT requests are not cleaned).
func needsCleaning(r *http.Request) bool {
	if r.Method == http.MethodConnect {
		return false
	}
	p := r.URL.EscapedPath()
	if p == "" || p[0] != '/' {
		return true
	}
	np := path.Clean(p)
	if p[len(p)-1] == '/' && np != "/" {
		np += "/"
	}
	return np != p
}

// checkPath answers GitHub's JSON 404 for a path ServeMux would redirect
// to its cleaned form (dot segments, double slashes), even to a route:
// never a 307 with an HTML body.
func (s *Server) checkPath(x *exchange) bool {
	if needsCleaning(x.r) {
		s.notFound(x.rw, x.r)
		return false
	}
	return true
}
