// Package journal keeps the most recent requests a process served, in a
// bounded ring, for the control API's request journal
// (GET /_seatkeeper/requests): what a client under test actually sent and
// got. Entries hold no credentials; bodies are redacted (Redact*) before
// they are added.
package journal

import (
	"sync"
	"time"
)

// MaxBody is how much of a request body an entry keeps.
const MaxBody = 64 << 10

// Entry is one request.
type Entry struct {
	// Seq numbers entries in the order they were added, from 1; it is not
	// reset by Clear.
	Seq       uint64
	Time      time.Time // when the request arrived (wall clock)
	Method    string
	Path      string // as the client sent it (with /api/v3 when it did)
	Query     string // redacted
	Status    int    // 0 when no answer was sent (connection dropped, client gone)
	Duration  time.Duration
	RequestID string
	TokenKind string
	Actor     string
	Route     string // the route pattern, "" for none
	// Body is the redacted request body of a write (POST, PUT, PATCH,
	// DELETE), at most MaxBody bytes of it; nil for reads and empty bodies.
	Body          *string
	BodyTruncated bool
	// Fault is the id of the fault that fired on the request, if one did.
	Fault *int64
}

// Ring holds the last Cap() entries. It is safe for concurrent use.
type Ring struct {
	mu   sync.Mutex
	buf  []Entry // grows to size, then wraps
	next int     // where the next entry goes once buf is full
	size int
	seq  uint64
}

// New returns a ring of size entries (at least 1).
func New(size int) *Ring {
	return &Ring{size: max(size, 1)}
}

// Cap is the number of entries the ring keeps.
func (r *Ring) Cap() int { return r.size }

// Add appends e, dropping the oldest entry when the ring is full, and
// returns its sequence number.
func (r *Ring) Add(e Entry) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	e.Seq = r.seq
	if len(r.buf) < r.size {
		r.buf = append(r.buf, e)
		return e.Seq
	}
	r.buf[r.next] = e
	r.next = (r.next + 1) % r.size
	return e.Seq
}

// Recent returns up to limit entries that keep accepts (all, when keep is
// nil), newest first.
func (r *Ring) Recent(limit int, keep func(*Entry) bool) []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []Entry{}
	n := len(r.buf)
	for i := 0; i < n && len(out) < limit; i++ {
		// Newest first: the slot before next, going back, wrapping.
		e := &r.buf[((r.next-1-i)%n+n)%n]
		if keep == nil || keep(e) {
			out = append(out, *e)
		}
	}
	return out
}

// Clear drops every entry.
func (r *Ring) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf, r.next = nil, 0
}
