package httpapi

import (
	"encoding/json"
	"net/http"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/faults"
	"github.com/seatkeeper/seatkeeper/internal/journal"
)

// The kit seatkeeper's own API (internal/control) is built with: its
// routes run through the same pipeline as GitHub's (request ids, the
// journal, authentication, rate limits, faults) and answer failures with
// the same basic-error bodies.

// HandleAdmin registers h at pattern for site administrators only (see
// siteAdmin).
func (s *Server) HandleAdmin(pattern string, h func(w http.ResponseWriter, r *http.Request, p seatkeeper.Principal) error) {
	s.mux.Handle(pattern, s.siteAdmin(h))
}

// HandleOpen registers h at pattern for anyone, credential or not.
func (s *Server) HandleOpen(pattern string, h func(w http.ResponseWriter, r *http.Request) error) {
	s.mux.Handle(pattern, s.handle(h))
}

// WriteJSON answers v, as every JSON answer is written (ETag on a GET).
func (s *Server) WriteJSON(w http.ResponseWriter, r *http.Request, status int, v any) {
	s.writeJSON(w, r, status, v)
}

// Paginate reads the page and per_page parameters (per_page defaults to
// def), asks list for that page's items, from offset lo, at most n of them,
// and writes the Link header for the total list reports.
func (s *Server) Paginate(w http.ResponseWriter, r *http.Request, def int, list func(lo, n int) (total int, err error)) error {
	p := pageOf(r, def)
	lo, _ := p.bounds(1 << 62)
	total, err := list(lo, p.perPage)
	if err != nil {
		return err
	}
	s.setLink(w, r, p, total)
	return nil
}

// Faults is the set of faults the pipeline applies.
func (s *Server) Faults() faults.Registry { return s.faults }

// Journal is the request journal; nil when it is off.
func (s *Server) Journal() journal.Log { return s.journal }

// DecodeObject reads a request body that must be a JSON object, with
// GitHub's 400s and 413 (an empty body is an empty object).
func DecodeObject(w http.ResponseWriter, r *http.Request) (map[string]json.RawMessage, error) {
	return decodeObject(w, r)
}
