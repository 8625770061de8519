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
	st, err := s.limiter.peek(r.Context(), key, limit)
	if err != nil {
		return err
	}
	gkey, glimit := s.rateKeyFor(r, p, ok, resourceGraphQL)
	gst, err := s.limiter.peek(r.Context(), gkey, glimit)
	if err != nil {
		return err
	}
	core := rateLimit{Limit: st.limit, Remaining: st.remaining(), Reset: st.reset.Unix(), Used: st.used}
	graphql := rateLimit{Limit: gst.limit, Remaining: gst.remaining(), Reset: gst.reset.Unix(), Used: gst.used}
	body := rateLimitOverview{Resources: map[string]rateLimit{"core": core, "graphql": graphql}}
	now := time.Now()
	for name, r := range unservedResources {
		body.Resources[name] = rateLimit{Limit: r.limit, Remaining: r.limit, Reset: now.Add(r.window).Unix()}
	}
	if selectedVersion(w) < version20260310 { // 2026-03-10 drops rate, a copy of core
		body.Rate = &core
	}
	s.writeJSON(w, r, http.StatusOK, body)
	return nil
}

// unservedResources are the rate-limit resources GitHub reports whose
// APIs seatkeeper does not serve, with GitHub's limits for a signed-in
// user (GitHub's /rate_limit example and its rate-limit documentation):
// they are never used, so /rate_limit lists them whole, as a client
// that reads any of them expects to find them.
var unservedResources = map[string]struct {
	limit  int
	window time.Duration
}{
	"search":                      {30, time.Minute},
	"code_search":                 {10, time.Minute},
	"source_import":               {100, time.Minute},
	"integration_manifest":        {5000, time.Hour},
	"actions_runner_registration": {10000, time.Hour},
	"scim":                        {15000, time.Hour},
	"dependency_snapshots":        {100, time.Minute},
	"dependency_sbom":             {100, time.Minute},
	"code_scanning_autofix":       {10, time.Minute},
}

// handleVersions serves GET /versions: the API versions served, newest
// first.
func (s *Server) handleVersions(w http.ResponseWriter, r *http.Request) error {
	s.writeJSON(w, r, http.StatusOK, APIVersions)
	return nil
}
