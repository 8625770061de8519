package httpapi

// routes registers every route; each names who may call it. The same
// routes answer under /api/v3 (see ServeHTTP).
func (s *Server) routes() {
	s.mux.Handle("GET /orgs/{org}/members/{username}/copilot", s.orgOwner(copilotRead, s.handleSeatDetails))
}
