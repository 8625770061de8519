package httpapi

import "net/http"

// HandleForTest registers an extra route, so tests can reach the pipeline
// with handlers the product does not have (one that panics, one that
// blocks).
func (s *Server) HandleForTest(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }
