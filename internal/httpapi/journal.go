package httpapi

import (
	"bytes"
	"context"
	"io"
	"net/http"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/journal"
)

// The request journal (docs/control-api.md, "Request journal"): the most
// recent requests served, newest first, Config.JournalSize entries at
// most (in memory, or on PostgreSQL in the database every replica
// writes: journal.Log) — what a client under test really sent and got. Every request is recorded except those to
// /_seatkeeper/requests itself (reading the journal does not fill it) and
// to the operations routes (probes and scrapers would crowd it out).
// Entries hold no Authorization header; bodies of writes are kept, cut at
// 64 KiB, with secrets redacted.

// DefaultJournalSize is the journal's size when Config.JournalSize is 0.
const DefaultJournalSize = 1000

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
	if p, _ := cutAPIPrefix(r.URL.Path); p == "/_seatkeeper/requests" || opsPaths[p] {
		return r, nil
	}
	now := time.Now()
	rec = &journalRecord{start: now, entry: journal.Request(now.UTC(), r.Method, r.URL.Path, r.URL.RawQuery)}
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
func (s *Server) journalEnd(x *exchange) {
	rec := x.journal
	if rec == nil {
		return
	}
	e := &rec.entry
	e.Status, e.Duration, e.RequestID, e.TokenKind, e.Actor = x.rw.status, time.Since(rec.start), x.rid, x.kind, x.actor
	e.Route = x.r.Pattern
	if e.Route == "" {
		// Answered before routing (a 401, a rate limit): the route it was for.
		e.Route = s.route(x.r)
	}
	s.journal.Record(*e)
}
