package dashboard

import (
	"context"
	"net"
	"net/http"
	"sync"
	"time"

	"github.com/seatkeeper/seatkeeper/internal/store"
)

// DefaultSignInFailures is how many failed sign-ins one client address
// may make in signInWindow when Config.SignInFailures is 0.
const DefaultSignInFailures = 10

// signInWindow is the span failed sign-ins are counted in, from the first.
const signInWindow = 10 * time.Minute

// throttle counts failed sign-ins per client address in fixed windows,
// by real time (moving the service clock must not lift it), so that
// guessing tokens through the sign-in form is as slow as through the API:
// in this process's memory (memoryThrottle), or on PostgreSQL in the
// database, so that every replica counts toward one limit
// (sharedThrottle).
type throttle struct {
	max     int
	now     func() time.Time
	counter failureCounter
}

// failureCounter keeps each address's failures in its current window.
type failureCounter interface {
	// failures returns addr's count and when its window ends (zero: none).
	failures(ctx context.Context, addr string) (int, time.Time, error)
	// fail counts one at now, opening a window of signInWindow when the
	// last has ended.
	fail(ctx context.Context, addr string, now time.Time) error
}

func newThrottle(max int, st *store.Store) *throttle {
	t := &throttle{max: max, now: time.Now}
	if st.SharesState() {
		t.counter = sharedFailures{st}
	} else {
		t.counter = &memoryFailures{fails: map[string]*failures{}}
	}
	return t
}

// wait is how long addr must wait before its next attempt; 0 when it may
// try now.
func (t *throttle) wait(ctx context.Context, addr string) (time.Duration, error) {
	n, end, err := t.counter.failures(ctx, addr)
	if err != nil || n < t.max {
		return 0, err
	}
	return max(end.Sub(t.now()), 0), nil
}

// failed counts a failed sign-in from addr.
func (t *throttle) failed(ctx context.Context, addr string) error {
	return t.counter.fail(ctx, addr, t.now())
}

type memoryFailures struct {
	mu    sync.Mutex
	fails map[string]*failures
}

type failures struct {
	n   int
	end time.Time
}

func (m *memoryFailures) failures(_ context.Context, addr string) (int, time.Time, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	if f, ok := m.fails[addr]; ok {
		return f.n, f.end, nil
	}
	return 0, time.Time{}, nil
}

func (m *memoryFailures) fail(_ context.Context, addr string, now time.Time) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	f, ok := m.fails[addr]
	if !ok || !now.Before(f.end) {
		if len(m.fails) >= 10000 { // sweep ended windows
			for k, old := range m.fails {
				if !now.Before(old.end) {
					delete(m.fails, k)
				}
			}
		}
		f = &failures{end: now.Add(signInWindow)}
		m.fails[addr] = f
	}
	f.n++
	return nil
}

type sharedFailures struct{ store *store.Store }

func (s sharedFailures) failures(ctx context.Context, addr string) (int, time.Time, error) {
	return s.store.SignInFailures(ctx, addr)
}

func (s sharedFailures) fail(ctx context.Context, addr string, now time.Time) error {
	return s.store.CountSignInFailure(ctx, addr, now, signInWindow)
}

// clientAddr is the request's remote host, without the port.
func clientAddr(r *http.Request) string {
	host, _, err := net.SplitHostPort(r.RemoteAddr)
	if err != nil {
		return r.RemoteAddr
	}
	return host
}
