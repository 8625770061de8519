// Package faults is seatkeeper's fault model: what a fault matches, when it
// fires, and what it answers instead of the service. It holds no HTTP code;
// internal/control serves the routes that manage faults and internal/httpapi
// applies their effects (faults.go).
//
// A Registry holds the faults: a Set in the memory of one process (every
// request to that process shares them, a restart forgets them), or Shared
// in the database replicas share, so that a fault armed through one
// replica fires on any. Both apply the same rules (fault.fire).
package faults

import (
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"math/rand/v2"
)

// Match selects requests. Every field is optional; an empty Match selects
// every request a fault may fire on (see Excluded).
type Match struct {
	// Method is an HTTP method, upper case ("" for any).
	Method string
	// Path is a path template (/orgs/{org}/copilot/billing/seats: a {...}
	// segment matches any value) or a literal path, without /api/v3 ("" for
	// any).
	Path string
	// TokenPrefix selects requests whose credential starts with it ("" for
	// any, including requests without one).
	TokenPrefix string
}

// Kind names what a fault does.
type Kind string

const (
	KindStatus         Kind = "status"          // answer this status (and body, headers)
	KindDelay          Kind = "delay_ms"        // answer normally, late
	KindRateLimit      Kind = "rate_limit"      // GitHub's primary or secondary rate limit
	KindDropConnection Kind = "drop_connection" // close the connection without an answer
)

// Rate limits a fault can answer with.
const (
	RateLimitPrimary   = "primary"
	RateLimitSecondary = "secondary"
)

// Effect is what a fault does when it fires: exactly one kind.
type Effect struct {
	Kind Kind
	// KindStatus: the status, the body (raw JSON; nil for GitHub's
	// basic-error for the status) and headers to set. KindRateLimit: the
	// status, 403 or 429 (GitHub documents both for either limit).
	Status  int
	Body    []byte
	Headers map[string]string
	// KindDelay: how late.
	Delay time.Duration
	// KindRateLimit: which limit, and the seconds until the client may try
	// again (Retry-After for the secondary limit, X-RateLimit-Reset for the
	// primary one).
	RateLimit  string
	RetryAfter int
}

// Spec is a fault as its creator describes it.
type Spec struct {
	Match  Match
	Effect Effect
	// Times, when set, makes the fault fire on the next Times matching
	// requests only; it is then spent.
	Times *int
	// Probability, when set, makes the fault fire on each matching request
	// with this probability, drawn from a PCG source seeded with Seed.
	Probability *float64
	Seed        *int64
	// ExpiresAt, when set, ends the fault at that time of the service clock.
	ExpiresAt *time.Time
}

// States of a fault.
const (
	StateActive  = "active"
	StateSpent   = "spent"   // its times are used up
	StateExpired = "expired" // its expires_at has come
)

// Fault is a snapshot of a fault in a Set.
type Fault struct {
	ID int64
	Spec
	CreatedAt time.Time
	// Fired counts the requests it has answered (or delayed).
	Fired int
	// Remaining is what is left of Times (nil without Times).
	Remaining *int
	// State is active, spent or expired, at the time the snapshot was taken.
	State string
}

type fault struct {
	Fault
	pcg *rand.PCG  // with Probability: rng's source, whose state Shared stores
	rng *rand.Rand // with Probability
}

// newFault makes a fault from spec at now. A fault with a probability and
// no seed gets one, shown in its snapshot, so that a run can be repeated.
func newFault(id int64, spec Spec, now time.Time) *fault {
	f := &fault{Fault: Fault{ID: id, Spec: spec, CreatedAt: now}}
	if spec.Times != nil {
		n := *spec.Times
		f.Remaining = &n
	}
	if spec.Probability != nil {
		if f.Seed == nil {
			seed := int64(rand.Uint64N(1 << 53)) // exact in a JSON number everywhere
			f.Seed = &seed
		}
		f.pcg = rand.NewPCG(uint64(*f.Seed), pcgStream)
		f.rng = rand.New(f.pcg)
	}
	return f
}

// fire reports whether f answers req: it is active at req.Now, matches,
// and fires (its times not spent; its probability drawn). A fault that
// fires counts the request.
func (f *fault) fire(req Request) bool {
	if f.state(req.Now) != StateActive || !f.Match.Matches(req) {
		return false
	}
	if f.rng != nil && f.rng.Float64() >= *f.Probability {
		return false
	}
	f.Fired++
	if f.Remaining != nil {
		*f.Remaining--
	}
	return true
}

func (f *fault) state(now time.Time) string {
	switch {
	case f.Remaining != nil && *f.Remaining <= 0:
		return StateSpent
	case f.ExpiresAt != nil && !now.Before(*f.ExpiresAt):
		return StateExpired
	}
	return StateActive
}

func (f *fault) snapshot(now time.Time) Fault {
	out := f.Fault
	if f.Remaining != nil {
		n := *f.Remaining
		out.Remaining = &n
	}
	out.State = f.state(now)
	return out
}

// Set holds the faults of one process, oldest first. It is safe for
// concurrent use.
type Set struct {
	mu     sync.Mutex
	faults []*fault
	nextID int64
	n      atomic.Int64 // len(faults), read without the lock
}

// NewSet returns an empty set.
func NewSet() *Set { return &Set{} }

// pcgStream is the second PCG seed word: fixed, so that a fault's seed
// alone decides its draws.
const pcgStream = 0x5ea7_4ee9_e4f0_0175

// Add adds a fault made from spec (validated by Parse) at now, and returns
// it. A fault with a probability and no seed gets one, shown in its
// snapshot, so that a run can be repeated.
func (s *Set) Add(spec Spec, now time.Time) Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.nextID++
	f := newFault(s.nextID, spec, now)
	s.faults = append(s.faults, f)
	s.n.Store(int64(len(s.faults)))
	return f.snapshot(now)
}

// List returns every fault, oldest first, with its state at now; spent and
// expired ones too.
func (s *Set) List(now time.Time) []Fault {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make([]Fault, len(s.faults))
	for i, f := range s.faults {
		out[i] = f.snapshot(now)
	}
	return out
}

// Remove removes the fault with id and reports whether there was one.
func (s *Set) Remove(id int64) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	for i, f := range s.faults {
		if f.ID == id {
			s.faults = append(s.faults[:i:i], s.faults[i+1:]...)
			s.n.Store(int64(len(s.faults)))
			return true
		}
	}
	return false
}

// Clear removes every fault. Ids are not reused.
func (s *Set) Clear() {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.faults = nil
	s.n.Store(0)
}

// Empty reports whether the set holds no fault, without taking its lock:
// the cost of fault injection when no fault is set.
func (s *Set) Empty() bool { return s.n.Load() == 0 }

// Request is what a fault matches against.
type Request struct {
	Method string
	Path   string // without /api/v3
	Token  string // the credential, "" without one
	Now    time.Time
}

// Fire finds the fault that answers req: the oldest that is active at
// req.Now, matches, and fires (its times not spent; its probability drawn).
// That fault counts the request. Faults after it are not consulted, so
// their draws do not advance. Requests to excluded paths fire nothing.
func (s *Set) Fire(req Request) (Fault, bool) {
	if s.Empty() || Excluded(req.Path) {
		return Fault{}, false
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, f := range s.faults {
		if f.fire(req) {
			return f.snapshot(req.Now), true
		}
	}
	return Fault{}, false
}

// Matches reports whether req is one m selects.
func (m Match) Matches(req Request) bool {
	if m.Method != "" && m.Method != req.Method {
		return false
	}
	if m.TokenPrefix != "" && !strings.HasPrefix(req.Token, m.TokenPrefix) {
		return false
	}
	return m.Path == "" || MatchPath(m.Path, req.Path)
}

// Excluded reports whether path (without /api/v3) is one faults never fire
// on: the control API (so a fault can always be removed) and the
// operations routes.
func Excluded(path string) bool {
	switch path {
	case "/_seatkeeper", "/healthz", "/readyz", "/metrics":
		return true
	}
	return strings.HasPrefix(path, "/_seatkeeper/")
}

// TrimPrefix removes the /api/v3 prefix GitHub Enterprise Server serves the
// API under.
func TrimPrefix(path string) string {
	if rest, ok := strings.CutPrefix(path, "/api/v3"); ok && (rest == "" || rest[0] == '/') {
		if rest == "" {
			return "/"
		}
		return rest
	}
	return path
}

// MatchPath reports whether path matches pattern, a path template or a
// literal path. Both are compared without an /api/v3 prefix, segment by
// segment: a {...} segment of the pattern matches any non-empty segment,
// any other matches its equal, without regard to case (GitHub's logins and
// org names match without case).
func MatchPath(pattern, path string) bool {
	pattern, path = TrimPrefix(pattern), TrimPrefix(path)
	for {
		pseg, prest, pmore := strings.Cut(pattern, "/")
		seg, rest, more := strings.Cut(path, "/")
		if isParam(pseg) {
			if seg == "" {
				return false
			}
		} else if !strings.EqualFold(pseg, seg) {
			return false
		}
		if pmore != more {
			return false
		}
		if !more {
			return true
		}
		pattern, path = prest, rest
	}
}

// isParam reports whether a pattern segment is a {name} wildcard.
func isParam(seg string) bool {
	return len(seg) > 2 && seg[0] == '{' && seg[len(seg)-1] == '}'
}
