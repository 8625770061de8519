package httpapi

import (
	"context"
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper"
	"github.com/seatkeeper/seatkeeper/internal/store"
)

// rateCounter counts requests per key (a token's hash, or a client
// address for unauthenticated requests) in fixed windows of an hour from
// the first request, as GitHub's primary rate limit does. It uses real
// time, not the service clock: moving the clock for billing tests must
// not refill or drain anyone's limit. limiter counts in this process's
// memory; sharedLimiter (ratelimit_shared.go) against budgets every
// replica on one PostgreSQL database shares.
type rateCounter interface {
	// reserve counts one request against key unless its limit is spent,
	// in one step, so that concurrent requests cannot all pass a check
	// before any of them is counted. It returns the state after the
	// request (before it, when the limit is spent) and whether it may go
	// on.
	reserve(ctx context.Context, key rateKey, limit int) (rateState, bool, error)
	// refund gives back a request reserve counted, unless its window has
	// ended since (reset names the window): the answer turned out free.
	refund(ctx context.Context, key rateKey, reset time.Time)
	// peek returns the key's state without counting a request.
	peek(ctx context.Context, key rateKey, limit int) (rateState, error)
}

// newRateCounter is the counter for st: shared where replicas share its
// database.
func newRateCounter(st *store.Store) rateCounter {
	if st.SharesState() {
		return newSharedLimiter(st)
	}
	return newLimiter()
}

// rateWindow is the primary limit's window.
const rateWindow = time.Hour

// limiter is rateCounter in this process's memory.
type limiter struct {
	mu      sync.Mutex
	window  time.Duration
	buckets map[rateKey]*bucket
	now     func() time.Time
}

// rateKey names whom a window counts: a token, by hash, or a client
// address for requests without one; and which of GitHub's resources
// (core, graphql), each counted apart.
type rateKey struct {
	tokenHash, addr string
	resource        rateResource
}

// rateResource is one of GitHub's rate-limit resources.
type rateResource uint8

const (
	resourceCore rateResource = iota
	resourceGraphQL
)

// resourceNames are the resources' X-RateLimit-Resource values, shared
// by every response (len == cap: an append copies).
var resourceNames = [...][]string{resourceCore: {"core"}, resourceGraphQL: {"graphql"}}

// rateKey returns the caller's key and limit for the resource r uses.
func (s *Server) rateKey(r *http.Request, p seatkeeper.Principal, authenticated bool) (rateKey, int) {
	return s.rateKeyFor(r, p, authenticated, resourceOf(r))
}

func (s *Server) rateKeyFor(r *http.Request, p seatkeeper.Principal, authenticated bool, res rateResource) (rateKey, int) {
	if authenticated {
		return rateKey{tokenHash: p.Token.Hash, resource: res}, s.cfg.RateLimit
	}
	return rateKey{addr: clientAddr(r), resource: res}, s.cfg.RateLimitUnauthenticated
}

// resourceOf is the resource a request counts against.
func resourceOf(r *http.Request) rateResource {
	if isGraphQL(r.URL.Path) {
		return resourceGraphQL
	}
	return resourceCore
}

// bucket is a key's current window.
type bucket struct{ st rateState }

func newLimiter() *limiter {
	return &limiter{window: rateWindow, buckets: map[rateKey]*bucket{}, now: time.Now}
}

// rateState is what the X-RateLimit headers report.
type rateState struct {
	limit, used int
	reset       time.Time
	// The X-RateLimit-Limit and -Reset header values, made once a window
	// and shared (len == cap: an append copies).
	limitValue, resetValue []string
	resourceValue          []string // X-RateLimit-Resource
}

func newRateState(limit, used int, reset time.Time, res rateResource) rateState {
	return rateState{limit: limit, used: used, reset: reset, resourceValue: resourceNames[res],
		limitValue: []string{strconv.Itoa(limit)}, resetValue: []string{strconv.FormatInt(reset.Unix(), 10)}}
}

func (s rateState) remaining() int { return max(s.limit-s.used, 0) }

func (l *limiter) peek(_ context.Context, key rateKey, limit int) (rateState, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key, limit).st, nil
}

// reserve counts under the lock.
func (l *limiter) reserve(_ context.Context, key rateKey, limit int) (rateState, bool, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, limit)
	if b.st.used >= b.st.limit {
		return b.st, false, nil
	}
	b.st.used++
	return b.st, true, nil
}

func (l *limiter) refund(_ context.Context, key rateKey, reset time.Time) {
	l.mu.Lock()
	defer l.mu.Unlock()
	if b, ok := l.buckets[key]; ok && b.st.reset.Equal(reset) && b.st.used > 0 {
		b.st.used--
	}
}

// bucket returns key's current window, opening a new one when the last has
// ended. Ended windows are swept when the map grows, so keys of tokens no
// longer in use do not pile up.
func (l *limiter) bucket(key rateKey, limit int) *bucket {
	now := l.now()
	b, ok := l.buckets[key]
	if ok && now.Before(b.st.reset) {
		if b.st.limit != limit { // a key's limit is fixed, but tests use several
			b.st = newRateState(limit, b.st.used, b.st.reset, key.resource)
		}
		return b
	}
	if len(l.buckets) >= 10000 {
		for k, old := range l.buckets {
			if !now.Before(old.st.reset) {
				delete(l.buckets, k)
			}
		}
	}
	b = &bucket{st: newRateState(limit, 0, now.Add(l.window).Truncate(time.Second), key.resource)}
	l.buckets[key] = b
	return b
}

// slotCounter counts each token's requests in progress, for GitHub's
// secondary limit on concurrent requests: inflight in this process's
// memory; sharedSlots (slots_shared.go) in leases on the slots every
// replica on one PostgreSQL database shares.
type slotCounter interface {
	// acquire takes a slot for the token with hash key unless limit are
	// already taken; release gives it back.
	acquire(ctx context.Context, key string, limit int) (release func(), ok bool, err error)
}

// newSlotCounter is the counter for st: shared where replicas share its
// database.
func newSlotCounter(st *store.Store) slotCounter {
	if st.SharesState() {
		return newSharedSlots(st)
	}
	return newInflight()
}

// inflight is slotCounter in this process's memory.
type inflight struct {
	mu sync.Mutex
	n  map[string]int
}

func newInflight() *inflight { return &inflight{n: map[string]int{}} }

func (f *inflight) acquire(_ context.Context, key string, limit int) (release func(), ok bool, err error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[key] >= limit {
		return nil, false, nil
	}
	f.n[key]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.n[key]--; f.n[key] <= 0 {
			delete(f.n, key)
		}
	}, true, nil
}

// checkLimits applies the primary rate limit (403 once a window is spent)
// and, for a token, the secondary limit on requests in progress (429). The
// check and the count are one step (limiter.reserve), so a burst cannot
// overshoot; a 304 for an ETag the client holds is given back (free, as on
// GitHub), a 304 for If-None-Match: * is not (it names no representation
// the client holds, and the whole answer was computed to give it). release
// ends the request's hold on its token's slot.
func (s *Server) checkLimits(x *exchange) (release func(), ok bool) {
	h := x.rw.Header()
	key, limit := s.rateKey(x.r, x.principal, x.present)
	rate, allowed, err := s.limiter.reserve(x.r.Context(), key, limit)
	if err != nil {
		s.writeError(x.rw, x.r, err)
		return nil, false
	}
	if !allowed {
		setRateHeaders(h, rate)
		s.writeBasicError(x.rw, x.r, http.StatusForbidden, basicError{
			Message:          rateLimitMessage(x.principal, x.present, clientAddr(x.r), x.rid, s.clock.Now()),
			DocumentationURL: docRateLimits,
		})
		return nil, false
	}
	before := rate
	before.used--
	release = func() {}
	if x.present {
		release, ok, err = s.running.acquire(x.r.Context(), x.principal.Token.Hash, s.cfg.ConcurrentLimit)
		if err != nil || !ok {
			s.limiter.refund(x.r.Context(), key, rate.reset) // a 429 does not count
		}
		if err != nil {
			s.writeError(x.rw, x.r, err)
			return nil, false
		}
		if !ok {
			setRateHeaders(h, before)
			h.Set("Retry-After", strconv.Itoa(secondaryRetryAfter))
			s.writeBasicError(x.rw, x.r, http.StatusTooManyRequests, basicError{
				Message: "You have exceeded a secondary rate limit. Please wait a few minutes before you try again. " +
					"If you reach out to GitHub Support for help, please include the request ID " + x.rid + ".",
				DocumentationURL: docSecondaryRateLimits,
			})
			return nil, false
		}
	}
	rw := x.rw
	rw.rate = before
	rw.refund = func() { s.limiter.refund(context.WithoutCancel(x.r.Context()), key, rate.reset) }
	rw.beforeHeader = func(status int) {
		if status == http.StatusNotModified && !anyETag(x.r) {
			rw.giveBack()
			setRateHeaders(h, before)
			return
		}
		setRateHeaders(h, rate)
	}
	return release, true
}

// anyETag reports whether r's If-None-Match is "*" (among others).
func anyETag(r *http.Request) bool {
	for _, v := range r.Header["If-None-Match"] {
		for t := range strings.SplitSeq(v, ",") {
			if strings.TrimSpace(t) == "*" {
				return true
			}
		}
	}
	return false
}

// secondaryRetryAfter is the Retry-After, in seconds, of a 429 for too
// many concurrent requests: a slot frees as soon as one of them ends.
const secondaryRetryAfter = 5

func rateLimitMessage(p seatkeeper.Principal, authed bool, addr, rid string, now time.Time) string {
	who := "for " + addr + "."
	switch {
	case authed && p.User != nil:
		who = fmt.Sprintf("for user ID %d.", p.User.ID)
	case authed:
		who = fmt.Sprintf("for installation ID %d.", p.Token.ID)
	}
	return fmt.Sprintf("API rate limit exceeded %s If you reach out to GitHub Support for help, please include the request ID %s and timestamp %s.",
		who, rid, now.UTC().Format("2006-01-02 15:04:05 MST"))
}

func setRateHeaders(h http.Header, st rateState) {
	// Canonical keys, assigned directly (see fixedHeaders). The limit and
	// reset values are the window's own; the two counts share one array,
	// each a full slice of its own so that an Add copies.
	v := [...]string{strconv.Itoa(st.remaining()), strconv.Itoa(st.used)}
	vals := v[:]
	h["X-Ratelimit-Limit"] = st.limitValue
	h["X-Ratelimit-Remaining"] = vals[0:1:1]
	h["X-Ratelimit-Reset"] = st.resetValue
	h["X-Ratelimit-Used"] = vals[1:2:2]
	h["X-Ratelimit-Resource"] = st.resourceValue
}
