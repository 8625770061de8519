// Package journal keeps the most recent requests a process served, in a
// bounded ring, for the control API's request journal
// (GET /_seatkeeper/requests): what a client under test actually sent and
// got. Entries hold no credentials; bodies are redacted (Redact*) before
// they are added.
package journal

import (
	"strings"
	"sync"
	"time"
	"unicode/utf8"
	"unsafe"
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

// MaxField is how much of a request's path, and of its query string, an
// entry keeps: a client may send a megabyte of either.
const MaxField = 2 << 10

// DefaultMaxBytes is how many bytes of entries a ring keeps at most (see
// Entry.size), whatever its number of entries: 16 MiB holds a thousand
// requests with full-size paths and queries, or about 250 with 64 KiB
// bodies.
const DefaultMaxBytes = 16 << 20

// Request returns the entry of a request that arrived at now: method, path
// and raw query as the client sent them, each cut at MaxField bytes (at a
// character boundary) and redacted (RedactString, RedactQuery). The entry
// shares no memory with its arguments, so keeping it keeps nothing larger.
func Request(now time.Time, method, path, rawQuery string) Entry {
	return Entry{
		Time:   now,
		Method: strings.Clone(cut(method, MaxField)),
		Path:   strings.Clone(RedactString(cut(path, MaxField))),
		Query:  strings.Clone(RedactQuery(cut(rawQuery, MaxField))),
	}
}

// cut returns at most max bytes of s, not splitting a character.
func cut(s string, max int) string {
	if len(s) <= max {
		return s
	}
	s = s[:max]
	for i := 0; i < utf8.UTFMax-1 && len(s) > 0; i++ {
		if r, size := utf8.DecodeLastRuneInString(s); r != utf8.RuneError || size != 1 {
			break
		}
		s = s[:len(s)-1]
	}
	return s
}

// entryOverhead is what an entry costs besides its strings: the struct,
// its string headers and pointers.
const entryOverhead = int(unsafe.Sizeof(Entry{})) + 16

// size is what keeping e costs, in bytes.
func (e *Entry) size() int {
	n := entryOverhead + len(e.Method) + len(e.Path) + len(e.Query) + len(e.RequestID) + len(e.TokenKind) + len(e.Actor) + len(e.Route)
	if e.Body != nil {
		n += len(*e.Body)
	}
	return n
}

// Ring holds the last Cap() entries, and fewer when they would take more
// than its byte budget. It is safe for concurrent use.
type Ring struct {
	mu       sync.Mutex
	buf      []Entry // oldest first, from head on
	head     int     // buf[:head] are dropped entries, cleared
	size     int
	maxBytes int
	bytes    int // of buf[head:]
	seq      uint64
}

// New returns a ring of size entries (at least 1) and at most
// DefaultMaxBytes bytes.
func New(size int) *Ring {
	return NewBytes(size, DefaultMaxBytes)
}

// NewBytes returns a ring of size entries (at least 1) taking at most
// maxBytes bytes (see Entry.size); the newest entry is always kept.
func NewBytes(size, maxBytes int) *Ring {
	return &Ring{size: max(size, 1), maxBytes: maxBytes}
}

// Cap is the number of entries the ring keeps.
func (r *Ring) Cap() int { return r.size }

// Bytes is what the entries held take, in bytes (see Entry.size).
func (r *Ring) Bytes() int {
	r.mu.Lock()
	defer r.mu.Unlock()
	return r.bytes
}

// Add appends e, dropping the oldest entries while the ring holds more
// than Cap() entries or more than its byte budget, and returns e's
// sequence number.
func (r *Ring) Add(e Entry) uint64 {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.seq++
	e.Seq = r.seq
	r.buf = append(r.buf, e)
	r.bytes += e.size()
	for len(r.buf)-r.head > 1 && (len(r.buf)-r.head > r.size || r.bytes > r.maxBytes) {
		r.bytes -= r.buf[r.head].size()
		r.buf[r.head] = Entry{} // let its strings go
		r.head++
	}
	if r.head > len(r.buf)/2 { // amortised: each entry is moved at most once per drop of as many
		n := copy(r.buf, r.buf[r.head:])
		clear(r.buf[n:])
		r.buf, r.head = r.buf[:n], 0
	}
	return e.Seq
}

// Recent returns up to limit entries that keep accepts (all, when keep is
// nil), newest first.
func (r *Ring) Recent(limit int, keep func(*Entry) bool) []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := []Entry{}
	for i := len(r.buf) - 1; i >= r.head && len(out) < limit; i-- {
		if e := &r.buf[i]; keep == nil || keep(e) {
			out = append(out, *e)
		}
	}
	return out
}

// take removes every entry and returns them, oldest first.
func (r *Ring) take() []Entry {
	r.mu.Lock()
	defer r.mu.Unlock()
	out := r.buf[r.head:]
	r.buf, r.head, r.bytes = nil, 0, 0
	return out
}

// Clear drops every entry.
func (r *Ring) Clear() {
	r.mu.Lock()
	defer r.mu.Unlock()
	r.buf, r.head, r.bytes = nil, 0, 0
}
