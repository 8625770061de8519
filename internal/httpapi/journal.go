package httpapi

import (
	"bytes"
	"context"
	"errors"
	"io"
	"maps"
	"math"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/faults"
	"github.com/seatkeeper/seatkeeper/internal/journal"
)

// The request journal (docs/control-api.md, "Request journal"): the most
// recent requests the process served, newest first, in a ring of
// Config.JournalSize entries in memory — what a client under test really
// sent and got. Every request is recorded except those to
// /_seatkeeper/requests itself (reading the journal does not fill it) and
// to the operations routes (probes and scrapers would crowd it out).
// Entries hold no Authorization header; bodies of writes are kept, cut at
// 64 KiB, with secrets redacted.

// DefaultJournalSize is the journal's size when Config.JournalSize is 0.
const DefaultJournalSize = 1000

// journalRoutes registers the journal routes of the control API and makes
// the journal.
func (s *Server) journalRoutes() {
	switch n := s.cfg.JournalSize; {
	case n == 0:
		s.journal = journal.New(DefaultJournalSize)
	case n > 0:
		s.journal = journal.New(n)
	}
	s.controlAdmin("GET /_seatkeeper/requests", s.handleListRequests)
	s.controlAdmin("DELETE /_seatkeeper/requests", s.handleClearRequests)
}

// journalRecord is a request's entry while it is served.
type journalRecord struct {
	entry journal.Entry
	start time.Time
}

type journalKey struct{}

func journalRecordFrom(r *http.Request) *journalRecord {
	rec, _ := r.Context().Value(journalKey{}).(*journalRecord)
	return rec
}

// journalBegin starts the journal's record of r, unless r is not journaled
// (or the journal is off: rec is then nil). It keeps the start of a
// write's body, redacted; the request it returns reads the whole body
// still.
func (s *Server) journalBegin(r *http.Request) (_ *http.Request, rec *journalRecord) {
	if s.journal == nil {
		return r, nil
	}
	if p := faults.TrimPrefix(r.URL.Path); p == "/_seatkeeper/requests" || opsPaths[p] {
		return r, nil
	}
	now := time.Now()
	rec = &journalRecord{start: now, entry: journal.Entry{
		Time: now.UTC(), Method: r.Method, Path: journal.RedactString(r.URL.Path), Query: journal.RedactQuery(r.URL.RawQuery),
	}}
	r = r.WithContext(context.WithValue(r.Context(), journalKey{}, rec))
	switch r.Method {
	case http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete:
		orig := r.Body
		head, err := io.ReadAll(io.LimitReader(orig, journal.MaxBody+1))
		if len(head) > 0 {
			text, truncated := journal.RedactBody(head)
			rec.entry.Body, rec.entry.BodyTruncated = &text, truncated
		}
		rest := io.Reader(orig)
		if err != nil {
			rest = errReader{err}
		}
		r.Body = readCloser{io.MultiReader(bytes.NewReader(head), rest), orig}
	}
	return r, rec
}

type readCloser struct {
	io.Reader
	io.Closer
}

// journalEnd adds the record of a request served (status 0: no answer).
func (s *Server) journalEnd(rec *journalRecord, r *http.Request, status int, rid, kind, actor string) {
	if rec == nil {
		return
	}
	e := &rec.entry
	e.Status, e.Duration, e.RequestID, e.TokenKind, e.Actor = status, time.Since(rec.start), rid, kind, actor
	e.Route = r.Pattern
	if e.Route == "" {
		// Answered before routing (a 401, a rate limit): the route it was for.
		e.Route = s.route(r)
	}
	s.journal.Add(*e)
}

// requestEntryBody is the control API's view of a journal entry.
type requestEntryBody struct {
	ID            uint64  `json:"id"`
	Time          string  `json:"time"`
	Method        string  `json:"method"`
	Path          string  `json:"path"`
	Query         string  `json:"query"`
	Status        *int    `json:"status"`
	DurationMS    float64 `json:"duration_ms"`
	RequestID     string  `json:"request_id"`
	TokenKind     *string `json:"token_kind"`
	Actor         *string `json:"actor"`
	Route         *string `json:"route"`
	Body          *string `json:"body"`
	BodyTruncated bool    `json:"body_truncated"`
	Fault         *int64  `json:"fault"`
}

func newRequestEntryBody(e journal.Entry) requestEntryBody {
	out := requestEntryBody{
		ID: e.Seq, Time: e.Time.UTC().Format("2006-01-02T15:04:05.000Z07:00"), Method: e.Method, Path: e.Path, Query: e.Query,
		DurationMS: math.Round(float64(e.Duration.Microseconds())) / 1000, RequestID: e.RequestID,
		TokenKind: nonEmpty(e.TokenKind), Actor: nonEmpty(e.Actor), Route: nonEmpty(e.Route),
		Body: e.Body, BodyTruncated: e.BodyTruncated, Fault: e.Fault,
	}
	if e.Status != 0 {
		out.Status = &e.Status
	}
	return out
}

// defaultRequestsLimit is how many entries GET /_seatkeeper/requests
// returns unless limit says otherwise.
const defaultRequestsLimit = 100

// handleListRequests serves GET /_seatkeeper/requests?method&path&status&limit:
// the most recent requests first, filtered (path: a template or a literal
// path, as a fault's; status exact), at most limit (default 100, at most
// the journal's size).
func (s *Server) handleListRequests(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	q := r.URL.Query()
	params := []string{"limit", "method", "path", "status"}
	for _, k := range slices.Sorted(maps.Keys(q)) {
		if !slices.Contains(params, k) {
			return controlInvalid("unknown parameter %q: this route takes %s", k, strings.Join(params, ", "))
		}
	}
	limit := defaultRequestsLimit
	if v := q.Get("limit"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return controlInvalid("limit: %q is not a positive integer", v)
		}
		limit = n
	}
	status := 0
	if v := q.Get("status"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 100 || n > 599 {
			return controlInvalid("status: %q is not an HTTP status", v)
		}
		status = n
	}
	method := strings.ToUpper(q.Get("method"))
	path := q.Get("path")
	if path != "" {
		var err error
		if path, err = faults.CheckFilter("path", path); err != nil {
			var fe *faults.Error
			errors.As(err, &fe)
			return controlInvalid("%s", fe.Error())
		}
	}
	out := []requestEntryBody{}
	if s.journal != nil {
		keep := func(e *journal.Entry) bool {
			return (method == "" || e.Method == method) && (status == 0 || e.Status == status) &&
				(path == "" || faults.MatchPath(path, e.Path))
		}
		for _, e := range s.journal.Recent(min(limit, s.journal.Cap()), keep) {
			out = append(out, newRequestEntryBody(e))
		}
	}
	s.writeJSON(w, r, http.StatusOK, out)
	return nil
}

// handleClearRequests serves DELETE /_seatkeeper/requests: the journal is
// emptied (204).
func (s *Server) handleClearRequests(w http.ResponseWriter, r *http.Request, _ seatkeeper.Principal) error {
	if s.journal != nil {
		s.journal.Clear()
	}
	w.WriteHeader(http.StatusNoContent)
	return nil
}
