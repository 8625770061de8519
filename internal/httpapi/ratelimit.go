package httpapi

import (
	"net/http"
	"strconv"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper"
)

// limiter counts requests per key (a token's hash, or a client address for
// unauthenticated requests) in fixed windows of an hour from the first
// request, as GitHub's primary rate limit does. It uses real time, not the
// service clock: moving the clock for billing tests must not refill or
// drain anyone's limit.
type limiter struct {
	mu      sync.Mutex
	window  time.Duration
	buckets map[rateKey]*bucket
	now     func() time.Time
}

// rateKey names whom a window counts: a token, by hash, or a client
// address for requests without one.
type rateKey struct{ tokenHash, addr string }

// rateKey returns the caller's key and limit.
func (s *Server) rateKey(r *http.Request, p seatkeeper.Principal, authenticated bool) (rateKey, int) {
	if authenticated {
		return rateKey{tokenHash: p.Token.Hash}, s.cfg.RateLimit
	}
	return rateKey{addr: clientAddr(r)}, s.cfg.RateLimitUnauthenticated
}

// bucket is a key's current window.
type bucket struct{ st rateState }

func newLimiter() *limiter {
	return &limiter{window: time.Hour, buckets: map[rateKey]*bucket{}, now: time.Now}
}

// rateState is what the X-RateLimit headers report.
type rateState struct {
	limit, used int
	reset       time.Time
	// The X-RateLimit-Limit and -Reset header values, made once a window
	// and shared (len == cap: an append copies).
	limitValue, resetValue []string
}

func newRateState(limit, used int, reset time.Time) rateState {
	return rateState{limit: limit, used: used, reset: reset,
		limitValue: []string{strconv.Itoa(limit)}, resetValue: []string{strconv.FormatInt(reset.Unix(), 10)}}
}

func (s rateState) remaining() int { return max(s.limit-s.used, 0) }

// peek returns the key's state without counting a request.
func (l *limiter) peek(key rateKey, limit int) rateState {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.bucket(key, limit).st
}

// take counts one request against key and returns the new state.
func (l *limiter) take(key rateKey, limit int) rateState {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key, limit)
	b.st.used++
	return b.st
}

// bucket returns key's current window, opening a new one when the last has
// ended. Ended windows are swept when the map grows, so keys of tokens no
// longer in use do not pile up.
func (l *limiter) bucket(key rateKey, limit int) *bucket {
	now := l.now()
	b, ok := l.buckets[key]
	if ok && now.Before(b.st.reset) {
		if b.st.limit != limit { // a key's limit is fixed, but tests use several
			b.st = newRateState(limit, b.st.used, b.st.reset)
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
	b = &bucket{st: newRateState(limit, 0, now.Add(l.window).Truncate(time.Second))}
	l.buckets[key] = b
	return b
}

// inflight counts each token's requests in progress, for GitHub's
// secondary limit on concurrent requests.
type inflight struct {
	mu sync.Mutex
	n  map[string]int
}

func newInflight() *inflight { return &inflight{n: map[string]int{}} }

// acquire takes a slot for key unless limit are already taken; release
// gives it back.
func (f *inflight) acquire(key string, limit int) (release func(), ok bool) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.n[key] >= limit {
		return nil, false
	}
	f.n[key]++
	return func() {
		f.mu.Lock()
		defer f.mu.Unlock()
		if f.n[key]--; f.n[key] <= 0 {
			delete(f.n, key)
		}
	}, true
}
