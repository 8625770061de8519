package httpapi

import (
	"net/http"
	"time"
)

// HandleForTest registers an extra route, so tests can reach the pipeline
// with handlers the product does not have (one that panics, one that
// blocks).
func (s *Server) HandleForTest(pattern string, h http.Handler) { s.mux.Handle(pattern, h) }

// SetSlotTTLForTest shortens how long a replica's lease on slots of the
// secondary limit lasts without renewal (on PostgreSQL), so a test need
// not wait slotTTL for a stopped replica's slots. Call it before the
// server takes requests.
func (s *Server) SetSlotTTLForTest(d time.Duration) {
	if l, ok := s.running.(*sharedSlots); ok {
		l.ttl = d
	}
}
