package httpapi

import (
	"net/http"
	"time"
)

// handleRateLimit serves GET /rate_limit: the caller's primary rate limit
// (per token, or per address without one). As on GitHub, asking does not
// count against the limit. seatkeeper limits the core REST API and
// GraphQL, each counted apart; the search resource, which the schema
// requires, is reported untouched.
func (s *Server) handleRateLimit(w http.ResponseWriter, r *http.Request) error {
	p, ok := principalFrom(r.Context())
	key, limit := s.rateKey(r, p, ok)
	if rw, ok := w.(*responseWriter); ok {
		rw.uncounted() // asking is free
	}
	st := s.limiter.peek(key, limit)
	gkey, glimit := s.rateKeyFor(r, p, ok, resourceGraphQL)
	gst := s.limiter.peek(gkey, glimit)
	core := rateLimit{Limit: st.limit, Remaining: st.remaining(), Reset: st.reset.Unix(), Used: st.used}
	graphql := rateLimit{Limit: gst.limit, Remaining: gst.remaining(), Reset: gst.reset.Unix(), Used: gst.used}
	search := rateLimit{Limit: 30, Remaining: 30, Reset: time.Now().Add(time.Minute).Unix()}
	body := rateLimitOverview{Resources: map[string]rateLimit{"core": core, "graphql": graphql, "search": search}}
	if selectedVersion(w) < version20260310 { // 2026-03-10 drops rate, a copy of core
		body.Rate = &core
	}
	s.writeJSON(w, r, http.StatusOK, body)
	return nil
}

// handleVersions serves GET /versions: the API versions served, newest
// first.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) error {
	s.writeJSON(w, r, http.StatusOK, APIVersions)
	return nil
}
