package httpapi

import (
	"sync"
	"time"
)

// limiter counts requests per key (a token's hash, or a client address for
// unauthenticated requests) in fixed windows of an hour from the first
// request, as GitHub's primary rate limit does. It uses real time, not the
// service clock: moving the clock for billing tests must not refill or
// drain anyone's limit.
type limiter struct {
	mu      sync.Mutex
	window  time.Duration
	buckets map[string]*bucket
	now     func() time.Time
}

type bucket struct {
	reset time.Time
	used  int
}

func newLimiter() *limiter {
	return &limiter{window: time.Hour, buckets: map[string]*bucket{}, now: time.Now}
}

// rateState is what the X-RateLimit headers report.
type rateState struct {
	limit, used int
	reset       time.Time
}

func (s rateState) remaining() int { return max(s.limit-s.used, 0) }

// peek returns the key's state without counting a request.
func (l *limiter) peek(key string, limit int) rateState {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key)
	return rateState{limit: limit, used: b.used, reset: b.reset}
}

// take counts one request against key and returns the new state.
func (l *limiter) take(key string, limit int) rateState {
	l.mu.Lock()
	defer l.mu.Unlock()
	b := l.bucket(key)
	b.used++
	return rateState{limit: limit, used: b.used, reset: b.reset}
}

// bucket returns key's current window, opening a new one when the last has
// ended. Ended windows are swept when the map grows, so keys of tokens no
// longer in use do not pile up.
func (l *limiter) bucket(key string) *bucket {
	now := l.now()
	b, ok := l.buckets[key]
	if ok && now.Before(b.reset) {
		return b
	}
	if len(l.buckets) >= 10000 {
		for k, old := range l.buckets {
			if !now.Before(old.reset) {
				delete(l.buckets, k)
			}
		}
	}
	b = &bucket{reset: now.Add(l.window).Truncate(time.Second)}
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
